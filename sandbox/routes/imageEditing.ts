// Family: image_editing (v6): Upscale (super_resolution), Remove Background (removebg_mask), Outpaint,
// Remove Object (object_removal) and their fetch route. Booleans come as true/false, "true"/"false" or
// "yes"/"no" and go into `meta` as JSON booleans; numbers may be strings.
import type { SandboxContext } from '../core/context';
import type { Job } from '../core/job';
import type { ApiRouteName } from '../core/routeNames';
import type { Body, FieldChecker } from '../core/validation';
import { toNumber } from '../core/validation';
import { outpaint, removeBackground, removeObject, resize } from '../images/imageOps';
import { futureLinks, outputEntries, processingBody } from '../jobs/answers';
import { type Checked, createRoute } from '../jobs/create';
import { fetchRoute, type FetchShapes } from '../jobs/fetch';
import { checkOutputSize, editChecked, editFields, type InputImage } from './imageInput';

export const UPSCALE_MODELS = ['realesr-general-x4v3', 'RealESRGAN_x4plus', 'RealESRGAN_x4plus_anime_6B', 'RealESRGAN_x2plus', 'ultra_resolution'];

/** Boolean flags with their defaults, as JSON booleans in meta. */
function flags<F extends string>(c: FieldChecker, defaults: Record<F, boolean>): Record<F, boolean> {
	const fields = Object.keys(defaults) as F[];
	c.yesNo(fields);
	const out = {} as Record<F, boolean>;
	for (const f of fields) c.meta[f] = out[f] = c.meta[f] === undefined ? defaults[f] : c.meta[f] === 'yes';
	return out;
}

/** seed (-1 means random, as the enterprise outpaint page says), webhook and track_id. */
function common(c: FieldChecker) {
	const seed = toNumber(c.body.seed) === -1 ? null : c.seed();
	return { seed, webhook: c.webhook(), trackId: c.trackId() };
}

function textField(c: FieldChecker, field: string, def: string): string {
	const v = c.optionalString(field);
	return (c.meta[field] = v === undefined || v.trim() === '' ? def : v);
}

function upscale(ctx: SandboxContext, body: Body): Checked {
	const images = editFields(ctx, body);
	const { c } = images;
	const src = images.read('init_image');
	c.oneOf('model_id', UPSCALE_MODELS);
	c.meta.model_id = UPSCALE_MODELS.includes(body.model_id as string) ? body.model_id : UPSCALE_MODELS[0];
	const scale = c.num('scale', { int: true, min: 1, max: 4, def: 3 }) as number;
	flags(c, { face_enhance: false });
	const rest = common(c);
	return editChecked(ctx, images, () => {
		const { width: w, height: h } = (src as InputImage).header;
		checkOutputSize(c, 'scale', w * scale, h * scale);
		return { width: w * scale, height: h * scale, samples: 1, base64: false, ...rest, draw: (job) => ({ pixels: resize((src as InputImage).pixels, job.width, job.height), keepAlpha: true }) };
	});
}

function removeBg(ctx: SandboxContext, body: Body): Checked {
	const images = editFields(ctx, body);
	const { c } = images;
	const src = images.read('image');
	const f = flags(c, { only_mask: false, inverse_mask: false, post_process_mask: false, alpha_matting: false, base64: false });
	c.num('alpha_matting_foreground_threshold', { int: true, min: 0, max: 240, def: 240 });
	c.num('alpha_matting_background_threshold', { int: true, min: 0, max: 20, def: 20 });
	c.num('alpha_matting_erode_size', { int: true, min: 0, max: 5, def: 5 });
	const rest = common(c);
	return editChecked(ctx, images, () => {
		const { width, height } = (src as InputImage).header;
		const opts = { onlyMask: f.only_mask, inverseMask: f.inverse_mask };
		return { width, height, samples: 1, base64: f.base64, ...rest, draw: () => ({ pixels: removeBackground((src as InputImage).pixels, opts), keepAlpha: true }) };
	});
}

function outpaintCheck(ctx: SandboxContext, body: Body): Checked {
	const images = editFields(ctx, body);
	const { c } = images;
	const src = images.read('image');
	const prompt = textField(c, 'prompt', 'high quality');
	textField(c, 'negative_prompt', 'low quality');
	const width = c.num('width', { int: true, min: 64, max: 1440, def: 1280 }) as number;
	const height = c.num('height', { int: true, min: 64, max: 1440, def: 720 }) as number;
	c.num('overlap_width', { int: true, min: 0, max: 42, def: 10 });
	c.num('num_inference_steps', { int: true, min: 1, max: 30, def: 10 });
	c.num('guidance_scale', { min: 1, max: 20, def: 8 });
	flags(c, { temp: true, base64: false }); // base64 here says the input is base64: the output stays links
	const rest = common(c);
	return editChecked(ctx, images, () => ({
		prompt,
		width,
		height,
		samples: 1,
		base64: false,
		...rest,
		draw: (job) => ({ pixels: outpaint((src as InputImage).pixels, width, height, job.seed, job.prompt), keepAlpha: false }),
	}));
}

function objectRemoval(ctx: SandboxContext, body: Body): Checked {
	const images = editFields(ctx, body);
	const src = images.read('init_image');
	const mask = images.read('mask_image');
	const rest = common(images.c);
	return editChecked(ctx, images, () => {
		const { width, height } = (src as InputImage).header;
		const draw = () => ({ pixels: removeObject((src as InputImage).pixels, (mask as InputImage).pixels), keepAlpha: false });
		return { width, height, samples: 1, base64: false, ...rest, draw };
	});
}

/** Create answers: eta an integer, `message` spelled right, a tip, no nsfw flag. */
function editingProcessing(ctx: SandboxContext, job: Job, eta: number) {
	const body: Record<string, unknown> = {
		...processingBody(ctx, job, Math.ceil(eta)),
		tip: 'Your image is processing in background, you can get this image using fetch API',
		message: 'Request processing in background',
	};
	delete body.messege;
	return body;
}

function editingSuccess(ctx: SandboxContext, job: Job) {
	const { generationTime, id, meta } = job;
	return { status: 'success', generationTime, id, output: outputEntries(ctx, job), proxy_links: futureLinks(ctx, job), meta };
}

/** The fetch route's documented forms: `output: ""` while processing, only status, id and output on success. */
const EDITING_FETCH: FetchShapes = {
	processing: (_ctx, job, eta) => ({ status: 'processing', id: job.id, eta, messege: 'Request processing', output: '' }),
	success: (ctx, job) => ({ status: 'success', id: job.id, output: outputEntries(ctx, job) }),
	failedExtra: { output: '' },
};

const editingRoute = <Name extends ApiRouteName>(name: Name, path: string, check: (ctx: SandboxContext, body: Body) => Checked) =>
	createRoute({
		name,
		path: `/api/v6/image_editing/${path}`,
		tier: 'standard',
		family: 'image_editing',
		fetchPath: (id) => `/api/v6/image_editing/fetch/${id}`,
		check,
		processing: editingProcessing,
		success: editingSuccess,
	});

export const imageEditingRoutes = [
	editingRoute('upscale', 'super_resolution', upscale),
	editingRoute('removeBackground', 'removebg_mask', removeBg),
	editingRoute('outpaint', 'outpaint', outpaintCheck),
	editingRoute('objectRemoval', 'object_removal', objectRemoval),
	fetchRoute('imageEditingFetch', /^\/api\/v6\/image_editing\/fetch\/([^/]+)$/, 'standard', 'image_editing', EDITING_FETCH),
];
