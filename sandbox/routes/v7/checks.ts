// The v7 images family's checks: each create body against its model's entry in the catalog (size,
// reference images, samples), and the size of the images its job draws. Field errors name the field,
// in the vendor's Laravel style, under `message` (the v7 spelling).
import type { SandboxContext } from '../../core/context';
import { type Body, type FieldChecker, isAbsent } from '../../core/validation';
import type { Checked } from '../../jobs/create';
import { type V7Direction, type V7Samples, type V7Size, V7_COMMUNITY_MODELS, V7_IMAGE_MODELS } from './catalog';
import { checkReferences, checkV7Create, hostedSize, listedString, parseRatio, prohibit, type Size, urlField } from './fields';

export const V7_PATHS: Readonly<Record<V7Direction, string>> = {
	generate: '/api/v7/images/text-to-image',
	edit: '/api/v7/images/image-to-image',
};

/** The long side of an image drawn for an aspect ratio (the short side is rounded to a multiple of 8). */
export const RATIO_LONG_SIDE = 1024;
/** The size drawn when the request gives none and no reference image of the sandbox's own tells it. */
const DEFAULT_SIDE = 1024;

/** `W:H` drawn with its long side RATIO_LONG_SIDE and the other rounded to a multiple of 8 (at least 8). */
export function ratioSize(w: number, h: number): Size {
	const short = (a: number, b: number) => Math.max(8, Math.round((RATIO_LONG_SIDE * a) / b / 8) * 8);
	return w >= h ? { width: RATIO_LONG_SIDE, height: short(h, w) } : { width: short(w, h), height: RATIO_LONG_SIDE };
}

function checkRatio(c: FieldChecker, ratios: readonly string[] | 'any', required: boolean): Size | undefined {
	if (isAbsent(c.body.aspect_ratio)) return void (required && c.add('aspect_ratio', 'The aspect ratio field is required.'));
	const v = listedString(c, 'aspect_ratio', ratios);
	if (v === undefined) return undefined;
	const ratio = parseRatio(v);
	if (!ratio) return void c.add('aspect_ratio', 'The aspect ratio must be a ratio W:H of two positive numbers.');
	return ratioSize(ratio.w, ratio.h);
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

/** The community models the listing offers (flux, sdxl, midjourney) serve both routes, with diffusion-style fields. */
const COMMUNITY_ENTRIES = (['generate', 'edit'] as const).flatMap((direction) =>
	Object.keys(V7_COMMUNITY_MODELS).map((id) => ({ id, direction, community: true as const })),
);

/**
 * A community model's fields (reference §2: `model-selection.mdx`, the image-generation skill): `width`
 * and `height` 512–1024 (default 1024), `samples` 1–4, `negative_prompt`, `guidance_scale`, `seed`, and
 * for an edit `strength` 0–1 and `init_image`, one link or a list (the skill sends a list).
 */
function communityPlan(c: FieldChecker, direction: V7Direction): { size: Size; samples: number } {
	const side = (field: 'width' | 'height') => c.num(field, { int: true, min: 512, max: 1024, def: DEFAULT_SIDE }) ?? DEFAULT_SIDE;
	const size = { width: side('width'), height: side('height') };
	const samples = c.num('samples', { int: true, min: 1, max: 4, def: 1 }) ?? 1;
	c.optionalString('negative_prompt');
	c.num('guidance_scale', { min: 1, max: 20 });
	c.seed();
	if (direction === 'generate') {
		prohibit(c, ['init_image', 'strength']);
		return { size, samples };
	}
	c.num('strength', { min: 0, max: 1 });
	if (Array.isArray(c.body.init_image)) checkReferences(c, { min: 1, max: 1, sentAs: 'list' });
	else urlField(c, 'init_image');
	return { size, samples };
}

/** A v7 images create body: field errors, or the job (drawn at the size the model and request give). */
export function checkV7Image(ctx: SandboxContext, body: Body, direction: V7Direction): Checked {
	return checkV7Create(body, { models: [...V7_IMAGE_MODELS, ...COMMUNITY_ENTRIES], direction, paths: V7_PATHS }, (c, model) => {
		if ('community' in model) {
			const plan = communityPlan(c, direction);
			return { samples: plan.samples, size: () => plan.size };
		}
		const size = checkSize(c, model.size);
		const firstReference = checkReferences(c, model.references);
		const samples = checkSamples(c, model.samples);
		return { samples, size: () => size ?? hostedSize(ctx, firstReference) ?? { width: DEFAULT_SIDE, height: DEFAULT_SIDE } };
	});
}
