// The field checks both v7 families (images, video-fusion) share: the model on its route, fields a model
// does not take, strings from a list, `W:H` ratios, reference images as links, and the size of an image
// the sandbox hosts itself. Messages in the vendor's Laravel style, naming the field.
import type { SandboxContext } from '../../core/context';
import { type Body, FieldChecker, isAbsent, label } from '../../core/validation';
import { readHeader } from '../../images/imageFormat';
import { ownLinkBytes } from '../../images/imageHost';
import type { Checked } from '../../jobs/create';
import type { JobSpec } from '../../jobs/store';
import { checkOutputSize } from '../imageInput';
import type { V7References } from './catalog';

export interface Size {
	width: number;
	height: number;
}

/** A `W:H` ratio of two positive numbers, decimals allowed (`1.91:1`). */
const RATIO = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/;

/** The two sides of a `W:H` string; null unless both are positive numbers. */
export function parseRatio(v: string): { w: number; h: number } | null {
	const m = RATIO.exec(v);
	const [w, h] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
	return w > 0 && h > 0 ? { w, h } : null;
}

function isHttpUrl(v: unknown): boolean {
	if (typeof v !== 'string' || !/^https?:\/\/\S+$/i.test(v)) return false;
	try {
		return new URL(v).hostname !== '';
	} catch {
		return false;
	}
}

/** Refuses each of `fields` the request sends: the model does not take it. */
export function prohibit(c: FieldChecker, fields: readonly string[]): void {
	for (const f of fields) if (!isAbsent(c.body[f])) c.add(f, `The ${label(f)} field is prohibited.`);
}

/** The model `model_id` names on this route; a model of another route, or none, is refused. */
function findModel<D extends string, M extends { id: string; direction: D }>(
	c: FieldChecker,
	models: readonly M[],
	direction: D,
	paths: Readonly<Record<D, string>>,
): M | undefined {
	const id = c.body.model_id;
	if (isAbsent(id)) return void c.add('model_id', 'The model id field is required.');
	if (typeof id !== 'string') return void c.add('model_id', 'The model id must be a string.');
	const model = models.find((m) => m.id === id && m.direction === direction);
	if (model) return model;
	const elsewhere = models.find((m) => m.id === id);
	c.add('model_id', elsewhere ? `The model id ${id} only works on ${paths[elsewhere.direction]}.` : 'The selected model id is invalid.');
	return undefined;
}

/** An optional string field from `allowed` ('any': any string); undefined when absent or refused. */
export function listedString(c: FieldChecker, field: string, allowed: readonly string[] | 'any'): string | undefined {
	const v = c.body[field];
	if (isAbsent(v)) return undefined;
	if (typeof v !== 'string') return void c.add(field, `The ${label(field)} must be a string.`);
	if (allowed !== 'any' && !allowed.includes(v)) return void c.add(field, `The selected ${label(field)} is invalid.`);
	return v;
}

/** One link sent as a string field; the link when it is one. */
export function urlField(c: FieldChecker, field: string, required = true): string | undefined {
	const v = c.body[field];
	if (isAbsent(v)) return void (required && c.add(field, `The ${label(field)} field is required.`));
	if (typeof v !== 'string') return void c.add(field, `The ${label(field)} must be a string.`);
	if (!isHttpUrl(v)) return void c.add(field, `The ${label(field)} must be a valid URL.`);
	return v;
}

/** A list of min..max links in `init_image` (exactly min when min = max > 1); the first when all are right. */
function linkList(c: FieldChecker, { min, max }: V7References): string | undefined {
	const v = c.body.init_image;
	if (isAbsent(v) || (Array.isArray(v) && v.length === 0)) return void c.add('init_image', 'The init image field is required.');
	if (!Array.isArray(v)) return void c.add('init_image', 'The init image must be an array.');
	if (min === max && min > 1 && v.length !== min) return void c.add('init_image', `The init image must contain ${min} items.`);
	if (v.length < min) return void c.add('init_image', `The init image must have at least ${min} items.`);
	if (v.length > max) return void c.add('init_image', `The init image may not have more than ${max} items.`);
	const bad = v.map((x, i) => (isHttpUrl(x) ? -1 : i)).filter((i) => i >= 0);
	for (const i of bad) c.add(`init_image.${i}`, `The init image.${i} must be a valid URL.`);
	return bad.length === 0 ? (v[0] as string) : undefined;
}

/** Reference images in the model's form (none: both fields refused); the first one's link when they are all right. */
export function checkReferences(c: FieldChecker, refs: V7References | undefined): string | undefined {
	if (!refs) return void prohibit(c, ['init_image', 'init_image_2']);
	if (refs.sentAs === 'single') prohibit(c, ['init_image_2']);
	if (refs.sentAs !== 'list') {
		const first = urlField(c, 'init_image');
		return refs.sentAs === 'pair' && !urlField(c, 'init_image_2') ? undefined : first;
	}
	prohibit(c, ['init_image_2']);
	return linkList(c, refs);
}

/** The size of a reference image the sandbox hosts itself (never fetched from anywhere else). */
export function hostedSize(ctx: SandboxContext, link: string | undefined): Size | undefined {
	const bytes = link === undefined ? null : ownLinkBytes(ctx, link);
	const header = bytes && readHeader(bytes);
	return header ? { width: header.width, height: header.height } : undefined;
}

/** What a model's own fields decide: the size of what its job makes (asked once every field is right), and more. */
export interface V7Plan {
	size: () => Size;
	/** how many images; default 1 */
	samples?: number;
	/** the job's one file instead of drawn images (a video) */
	file?: JobSpec['file'];
}

/**
 * A v7 create body: `prompt` (every model takes one), `model_id` (a model of this route), the model's own
 * fields (`modelFields`), `webhook` and `track_id`; then every field error at once, or the job at the
 * size its plan works out (within the sandbox's limits).
 */
export function checkV7Create<D extends string, M extends { id: string; direction: D }>(
	body: Body,
	route: { models: readonly M[]; direction: D; paths: Readonly<Record<D, string>> },
	modelFields: (c: FieldChecker, model: M) => V7Plan,
): Checked {
	const c = new FieldChecker(body);
	const prompt = c.prompt();
	const model = findModel(c, route.models, route.direction, route.paths);
	const plan = model && modelFields(c, model);
	const webhook = c.webhook();
	const trackId = c.trackId();
	if (c.hasErrors || !plan) return { errors: c.errors };
	const { width, height } = plan.size();
	checkOutputSize(c, 'init_image', width, height);
	if (c.hasErrors) return { errors: c.errors };
	const params = { prompt, width, height, samples: plan.samples ?? 1, seed: null, base64: false, webhook, trackId, meta: c.meta };
	return { job: { params, file: plan.file } };
}
