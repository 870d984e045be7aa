// The v7 images family's checks: each create body against its model's entry in the catalog (size,
// reference images, samples), and the size of the images its job draws. Field errors name the field,
// in the vendor's Laravel style, under `message` (the v7 spelling).
import type { SandboxContext } from '../../core/context';
import { type Body, FieldChecker, isAbsent, label } from '../../core/validation';
import { readHeader } from '../../images/imageFormat';
import { ownLinkBytes } from '../../images/imageHost';
import type { Checked } from '../../jobs/create';
import { checkOutputSize } from '../imageInput';
import { type V7Direction, type V7ImageModel, type V7References, type V7Samples, type V7Size, V7_IMAGE_MODELS } from './catalog';

export const V7_PATHS: Readonly<Record<V7Direction, string>> = {
	generate: '/api/v7/images/text-to-image',
	edit: '/api/v7/images/image-to-image',
};

/** The long side of an image drawn for an aspect ratio (the short side is rounded to a multiple of 8). */
export const RATIO_LONG_SIDE = 1024;
/** The size drawn when the request gives none and no reference image of the sandbox's own tells it. */
const DEFAULT_SIDE = 1024;
/** A `W:H` ratio of two positive numbers, decimals allowed (`1.91:1`). */
const RATIO = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/;

interface Size {
	width: number;
	height: number;
}

/** `W:H` drawn with its long side RATIO_LONG_SIDE and the other rounded to a multiple of 8 (at least 8). */
export function ratioSize(w: number, h: number): Size {
	const short = (a: number, b: number) => Math.max(8, Math.round((RATIO_LONG_SIDE * a) / b / 8) * 8);
	return w >= h ? { width: RATIO_LONG_SIDE, height: short(h, w) } : { width: short(w, h), height: RATIO_LONG_SIDE };
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
function prohibit(c: FieldChecker, fields: readonly string[]): void {
	for (const f of fields) if (!isAbsent(c.body[f])) c.add(f, `The ${label(f)} field is prohibited.`);
}

/** The model `model_id` names on this route; a model of the other route, or none, is refused. */
function findModel(c: FieldChecker, direction: V7Direction): V7ImageModel | undefined {
	const id = c.body.model_id;
	if (isAbsent(id)) return void c.add('model_id', 'The model id field is required.');
	if (typeof id !== 'string') return void c.add('model_id', 'The model id must be a string.');
	const model = V7_IMAGE_MODELS.find((m) => m.id === id && m.direction === direction);
	if (model) return model;
	const elsewhere = V7_IMAGE_MODELS.find((m) => m.id === id);
	c.add('model_id', elsewhere ? `The model id ${id} only works on ${V7_PATHS[elsewhere.direction]}.` : 'The selected model id is invalid.');
	return undefined;
}

function checkRatio(c: FieldChecker, ratios: readonly string[] | 'any', required: boolean): Size | undefined {
	const v = c.body.aspect_ratio;
	if (isAbsent(v)) return void (required && c.add('aspect_ratio', 'The aspect ratio field is required.'));
	if (typeof v !== 'string') return void c.add('aspect_ratio', 'The aspect ratio must be a string.');
	const m = RATIO.exec(v);
	const [w, h] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
	if (ratios !== 'any' && !ratios.includes(v)) return void c.add('aspect_ratio', 'The selected aspect ratio is invalid.');
	if (!(w > 0 && h > 0)) return void c.add('aspect_ratio', 'The aspect ratio must be a ratio W:H of two positive numbers.');
	return ratioSize(w, h);
}

function checkPixels(c: FieldChecker, min: number, max: number): Size | undefined {
	const side = (field: 'width' | 'height') => {
		if (isAbsent(c.body[field])) return void c.add(field, `The ${field} field is required.`);
		return c.num(field, { int: true, min, max });
	};
	const width = side('width');
	const height = side('height');
	return width !== undefined && height !== undefined ? { width, height } : undefined;
}

/** The size the request asks for; undefined when it asks for none (or it is refused). */
function checkSize(c: FieldChecker, size: V7Size): Size | undefined {
	if (size.by === 'none') return void prohibit(c, ['aspect_ratio', 'width', 'height']);
	if (size.by === 'pixels') {
		prohibit(c, ['aspect_ratio']);
		return checkPixels(c, size.min, size.max);
	}
	prohibit(c, ['width', 'height']);
	return checkRatio(c, size.ratios, size.required);
}

/** One reference image sent as a string field; the link when it is one. */
function urlField(c: FieldChecker, field: string): string | undefined {
	const v = c.body[field];
	if (isAbsent(v)) return void c.add(field, `The ${label(field)} field is required.`);
	if (typeof v !== 'string') return void c.add(field, `The ${label(field)} must be a string.`);
	if (!isHttpUrl(v)) return void c.add(field, `The ${label(field)} must be a valid URL.`);
	return v;
}

/** The reference images in the model's form; the first one's link when they are all right. */
function checkReferences(c: FieldChecker, refs: V7References | undefined): string | undefined {
	if (!refs) return void prohibit(c, ['init_image', 'init_image_2']);
	if (refs.sentAs === 'single') prohibit(c, ['init_image_2']);
	if (refs.sentAs !== 'list') {
		const first = urlField(c, 'init_image');
		return refs.sentAs === 'pair' && !urlField(c, 'init_image_2') ? undefined : first;
	}
	prohibit(c, ['init_image_2']);
	const v = c.body.init_image;
	if (isAbsent(v) || (Array.isArray(v) && v.length === 0)) return void c.add('init_image', 'The init image field is required.');
	if (!Array.isArray(v)) return void c.add('init_image', 'The init image must be an array.');
	if (v.length < refs.min) return void c.add('init_image', `The init image must have at least ${refs.min} items.`);
	if (v.length > refs.max) return void c.add('init_image', `The init image may not have more than ${refs.max} items.`);
	const bad = v.map((x, i) => (isHttpUrl(x) ? -1 : i)).filter((i) => i >= 0);
	for (const i of bad) c.add(`init_image.${i}`, `The init image.${i} must be a valid URL.`);
	return bad.length === 0 ? (v[0] as string) : undefined;
}

/** `samples` in the model's wire form: a string of an integer ("2") or a JSON integer. */
function samplesValue(c: FieldChecker, v: unknown, wire: V7Samples['wire']): number | undefined {
	if (wire === 'string' && typeof v !== 'string') return void c.add('samples', 'The samples must be a string.');
	const n = typeof v === 'string' ? (/^\d+$/.test(v) && wire === 'string' ? Number(v) : NaN) : v;
	if (!Number.isInteger(n)) return void c.add('samples', 'The samples must be an integer.');
	return n as number;
}

/** How many images: `samples` (1..max) where the model takes it, else 1. */
function checkSamples(c: FieldChecker, samples: V7Samples | undefined): number {
	const v = c.body.samples;
	if (isAbsent(v)) return 1;
	if (!samples) {
		prohibit(c, ['samples']);
		return 1;
	}
	const n = samplesValue(c, v, samples.wire);
	if (n === undefined) return 1;
	if (n < 1 || n > samples.max) {
		c.add('samples', `The samples must be between 1 and ${samples.max}.`);
		return 1;
	}
	c.meta.samples = v; // a job's meta leaves the body's samples out; v7 keeps it as sent
	return n;
}

/** The size of a reference image the sandbox hosts itself (never fetched from anywhere else). */
function hostedSize(ctx: SandboxContext, link: string | undefined): Size | undefined {
	const bytes = link === undefined ? null : ownLinkBytes(ctx, link);
	const header = bytes && readHeader(bytes);
	return header ? { width: header.width, height: header.height } : undefined;
}

/** A v7 images create body: field errors, or the job (drawn at the size the model and request give). */
export function checkV7Image(ctx: SandboxContext, body: Body, direction: V7Direction): Checked {
	const c = new FieldChecker(body);
	const prompt = c.prompt();
	const model = findModel(c, direction);
	let size: Size | undefined;
	let firstReference: string | undefined;
	let samples = 1;
	if (model) {
		size = checkSize(c, model.size);
		firstReference = checkReferences(c, model.references);
		samples = checkSamples(c, model.samples);
	}
	const webhook = c.webhook();
	const trackId = c.trackId();
	if (c.hasErrors) return { errors: c.errors };
	const { width, height } = size ?? hostedSize(ctx, firstReference) ?? { width: DEFAULT_SIDE, height: DEFAULT_SIDE };
	checkOutputSize(c, 'init_image', width, height);
	if (c.hasErrors) return { errors: c.errors };
	return { job: { params: { prompt, width, height, samples, seed: null, base64: false, webhook, trackId, meta: c.meta } } };
}
