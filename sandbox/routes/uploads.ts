// Family: the upload helpers (base64 -> link on the image host). They make no job and bill nothing, so a
// client may retry them; the link is named by the content, so a retry gets the same link.
import type { SandboxContext } from '../core/context';
import { sendJson } from '../core/http';
import type { ApiRouteName } from '../core/routeNames';
import { type ApiExchange, authenticate, defineRoute } from '../core/router';
import { type Body, FieldChecker, isAbsent, label } from '../core/validation';
import { CONTENT_TYPES, sniffFormat } from '../images/imageFormat';
import { hostFile } from '../images/imageHost';
import { decodeBase64Text, UPLOAD_LIMIT_BYTES } from './imageInput';

interface UploadRule {
	/** the body field that carries the base64 */
	field: string;
	/** refuse what is not PNG, JPEG or WebP (the general helper takes any file type) */
	imagesOnly: boolean;
	answer: (link: string, id: number) => unknown;
	/** checks of the route's other fields */
	extra?: (c: FieldChecker) => void;
}

function handleUpload(rule: UploadRule, ctx: SandboxContext, ex: ApiExchange, body: Body): void {
	if (!authenticate(ctx, ex, body, 'standard')) return;
	const c = new FieldChecker(body);
	const { field } = rule;
	const v = body[field];
	const decoded = typeof v === 'string' ? decodeBase64Text(v) : null;
	const format = decoded && sniffFormat(decoded.bytes);
	if (isAbsent(v)) c.add(field, `The ${label(field)} field is required.`);
	else if (!decoded) c.add(field, `The ${label(field)} must be a base64 encoded file or data URI.`);
	else if (rule.imagesOnly && !format) c.add(field, `The ${label(field)} must be a PNG, JPEG or WebP image.`);
	rule.extra?.(c);
	if (c.hasErrors || !decoded) return sendJson(ex, 200, { status: 'error', messege: c.errors });
	if (decoded.bytes.length > UPLOAD_LIMIT_BYTES) return sendJson(ex, 400, { status: 'error', message: 'The file may not be greater than 5 MB.' });
	const link = hostFile(ctx, decoded.bytes, format ? CONTENT_TYPES[format] : (decoded.mime ?? 'application/octet-stream'));
	sendJson(ex, 200, rule.answer(link, ctx.nextUploadId++));
}

const uploadRoute = <Name extends ApiRouteName>(name: Name, path: string, rule: UploadRule) =>
	defineRoute({ name, path, tier: 'standard', counter: 'uploads', handle: (ctx, ex, body) => handleUpload(rule, ctx, ex, body) });

const linkAnswer = (link: string, id: number) => ({ status: 'success', id, output: [link] });

export const uploadRoutes = [
	uploadRoute('upload', '/api/v6/image_editing/base64_to_url', { field: 'init_image', imagesOnly: true, answer: linkAnswer }),
	uploadRoute('base64ToUrl', '/api/v6/base64_to_url', { field: 'base64_string', imagesOnly: false, answer: linkAnswer }),
	uploadRoute('base64Crop', '/api/v3/base64_crop', {
		field: 'image',
		imagesOnly: true,
		answer: (link, id) => ({ status: 'success', messege: 'image uploaded', link, request_id: id }),
		extra: (c) => c.yesNo(['crop']),
	}),
];
