// Input images of the editing routes: a data URI, raw base64 text, or a link to this sandbox's own image
// host (never fetched: read from memory). Any other link is "Unable to fetch image from provided URL",
// as the vendor answers for a URL it cannot reach. Also turns a checked editing request into a job.
import type { SandboxContext } from '../core/context';
import type { Job } from '../core/job';
import { type Body, FieldChecker, isAbsent, label } from '../core/validation';
import { CONTENT_TYPES, type ImageHeader, type Raster, readHeader } from '../images/imageFormat';
import { hostFile, ownLinkBytes } from '../images/imageHost';
import { encodeRaster, sourceRaster } from '../images/imageOps';
import type { Checked } from '../jobs/create';
import type { JobParams } from '../jobs/store';

/** The documented limit of the upload helpers, counted on the decoded file. */
export const UPLOAD_LIMIT_BYTES = 5 * 1024 * 1024;
/** Sandbox limits (the vendor documents none): what it will decode, and draw. */
export const MAX_INPUT_PIXELS = 4096 * 4096;
export const MAX_OUTPUT_SIDE = 8192;
export const MAX_OUTPUT_PIXELS = 40_000_000;

export const UNREACHABLE = 'Unable to fetch image from provided URL';

/**
 * The bytes of a data URI (`data:<type>;base64,<b64>`, a space after the comma allowed, as the docs'
 * example has it) or of raw base64 text (standard or URL-safe alphabet); null when it is neither.
 */
export function decodeBase64Text(value: string): { bytes: Buffer; mime: string | null } | null {
	const v = value.trim();
	let payload = v;
	let mime: string | null = null;
	if (/^data:/i.test(v)) {
		const m = /^data:([^;,]*)(?:;[^;,=]+=[^;,]*)*;base64,/i.exec(v);
		if (!m) return null;
		mime = m[1].toLowerCase() || null;
		payload = v.slice(m[0].length);
	}
	payload = payload.replace(/\s+/g, '');
	if (payload === '' || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(payload)) return null;
	const bytes = Buffer.from(payload, 'base64');
	return bytes.length > 0 ? { bytes, mime } : null;
}

export interface InputImage {
	bytes: Buffer;
	header: ImageHeader;
	/** sent inline (base64), not as a link */
	inline: boolean;
	pixels: Raster;
}

/** Reads image fields into a FieldChecker's errors; remembers a link it may not fetch. */
export class ImageFields {
	unreachable = false;
	readonly inline: Record<string, InputImage> = {};

	constructor(
		private readonly ctx: SandboxContext,
		readonly c: FieldChecker,
	) {}

	read(field: string, required = true): InputImage | undefined {
		const { c } = this;
		const v = c.body[field];
		const name = label(field);
		if (isAbsent(v)) {
			if (required) c.add(field, `The ${name} field is required.`);
			return undefined;
		}
		if (typeof v !== 'string') return void c.add(field, `The ${name} must be a string.`);
		let bytes: Buffer | null;
		const inline = !/^https?:\/\//i.test(v.trim());
		if (!inline) {
			bytes = ownLinkBytes(this.ctx, v.trim());
			if (!bytes) this.unreachable = true;
		} else {
			bytes = decodeBase64Text(v)?.bytes ?? null;
			if (!bytes) c.add(field, `The ${name} must be a URL or a base64 encoded image.`);
		}
		if (!bytes) return undefined;
		const header = readHeader(bytes);
		if (!header) return void c.add(field, `The ${name} must be a PNG, JPEG or WebP image.`);
		if (header.width * header.height > MAX_INPUT_PIXELS) {
			return void c.add(field, `The ${name} may not have more than ${MAX_INPUT_PIXELS} pixels.`);
		}
		let pixels: Raster;
		try {
			pixels = sourceRaster(bytes, header);
		} catch {
			return void c.add(field, `The ${name} could not be decoded.`);
		}
		const image = { bytes, header, inline, pixels };
		if (inline) this.inline[field] = image;
		return image;
	}
}

/** Adds an error when an output of this size is more than the sandbox draws. */
export function checkOutputSize(c: FieldChecker, field: string, width: number, height: number): void {
	if (width > MAX_OUTPUT_SIDE || height > MAX_OUTPUT_SIDE || width * height > MAX_OUTPUT_PIXELS) {
		c.add(field, `The output would be ${width}x${height}; the sandbox draws at most ${MAX_OUTPUT_SIDE} px a side and ${MAX_OUTPUT_PIXELS} pixels.`);
	}
}

/** What an editing job is, once its fields are checked; `draw` makes image `index` of the job. */
export interface EditJob extends Omit<JobParams, 'meta' | 'prompt'> {
	prompt?: string;
	draw: (job: Job, index: number) => { pixels: Raster; keepAlpha: boolean };
}

/**
 * The create flow's verdict: field errors, then a link it may not fetch, then the job. Inline images are
 * put on the image host, and `meta` names their links instead of repeating the base64.
 */
export function editChecked(ctx: SandboxContext, images: ImageFields, edit: () => EditJob): Checked {
	const { c } = images;
	if (c.hasErrors) return { errors: c.errors };
	if (images.unreachable) return { refusal: { status: 400, message: UNREACHABLE } };
	const { draw, prompt = '', ...params } = edit();
	if (c.hasErrors) return { errors: c.errors };
	const body: Body = { ...c.body };
	for (const [field, image] of Object.entries(images.inline)) body[field] = hostFile(ctx, image.bytes, CONTENT_TYPES[image.header.format]);
	const drawn = new Map<number, Buffer>();
	const render = (job: Job, index: number): Buffer => {
		let png = drawn.get(index);
		if (!png) {
			const out = draw(job, index);
			drawn.set(index, (png = encodeRaster(out.pixels, out.keepAlpha)));
		}
		return png;
	};
	return { job: { params: { ...params, prompt, meta: c.meta }, render, body } };
}

/** A FieldChecker and the image reader over it, for one request. */
export function editFields(ctx: SandboxContext, body: Body): ImageFields {
	return new ImageFields(ctx, new FieldChecker(body));
}
