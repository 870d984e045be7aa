// Family: images (v6) editing routes, Image to Image and Inpaint. Same generation fields as text2img,
// fetched on the images fetch routes. The output has the input's size (width/height are checked, then
// ignored, as the docs say). `model_id` must be one of the account's models (img2img also takes
// flux-kontext-dev, with its own field names and defaults). `steps` is an alias of num_inference_steps.
import type { SandboxContext } from '../core/context';
import type { Job } from '../core/job';
import type { SandboxAccount } from '../core/types';
import { type Body, isAbsent } from '../core/validation';
import { img2img, inpaint } from '../images/imageOps';
import { processingBody } from '../jobs/answers';
import { type Checked, createRoute } from '../jobs/create';
import { editChecked, editFields, type InputImage } from './imageInput';
import { checkGenerationFields } from './text2img';

export const KONTEXT_MODEL = 'flux-kontext-dev';
const IP_ADAPTERS = ['ip-adapter_sdxl', 'ip-adapter_sd15', 'ip-adapter-plus-face_sd15', 'ip-adapter-plus_sdxl_vit-h', 'ip-adapter-plus-face_sdxl_vit-h'];
const ALGORITHM_TYPES = ['none', 'dpmsolver+++'];

type Kind = 'img2img' | 'inpaint';

function check(kind: Kind, ctx: SandboxContext, body: Body, acct: SandboxAccount): Checked {
	const images = editFields(ctx, body);
	const { c } = images;
	const { meta } = c;
	const src = images.read('init_image');
	const mask = kind === 'inpaint' ? images.read('mask_image') : undefined;
	const prompt = c.prompt();
	meta.prompt = prompt;

	const modelId = body.model_id;
	if (isAbsent(modelId)) c.add('model_id', 'The model id field is required.');
	else if (typeof modelId !== 'string') c.add('model_id', 'The model id must be a string.');
	const kontext = kind === 'img2img' && modelId === KONTEXT_MODEL;
	if (kontext) {
		images.read('init_image_2', false);
		c.num('guidance', { min: 0, max: 20, def: 2.5 });
	}
	const strength = c.num('strength', { min: 0, max: 1, def: kontext ? 0.5 : 0.7 }) as number;
	c.num('width', { int: true, min: 1, max: 1024 });
	c.num('height', { int: true, min: 1, max: 1024 });
	const stepsField = isAbsent(body.num_inference_steps) && !isAbsent(body.steps) ? 'steps' : 'num_inference_steps';
	meta.num_inference_steps = c.num(stepsField, { int: true, min: 1, max: 50, def: kontext ? 28 : 31 });
	c.oneOf('ip_adapter_id', IP_ADAPTERS);
	c.num('ip_adapter_scale', { min: 0, max: 1 });
	c.optionalString('ip_adapter_image');
	c.oneOf('algorithm_type', ALGORITHM_TYPES);
	const shared = checkGenerationFields(c);

	const known = kontext || acct.models.some((m) => m.model_id === modelId);
	if (!c.hasErrors && !known) return { refusal: { status: 400, message: `Model not found: ${String(modelId)}` } };
	return editChecked(ctx, images, () => {
		const source = src as InputImage;
		const { width, height } = source.header;
		Object.assign(meta, { model_id: modelId, width, height, strength });
		const draw = (job: Job, index: number) => {
			const seed = job.seed + index;
			const pixels =
				kind === 'inpaint' ? inpaint(source.pixels, (mask as InputImage).pixels, seed, job.prompt, strength) : img2img(source.pixels, seed, job.prompt, strength);
			return { pixels, keepAlpha: false };
		};
		return { prompt, width, height, ...shared, draw };
	});
}

/** images/* processing answers also carry tip_1 (pointing at the fetch API) and webhook_status. */
function imagesProcessing(ctx: SandboxContext, job: Job, eta: number) {
	return { ...processingBody(ctx, job, eta), tip_1: 'Your image is processing, you can fetch it with the fetch API', webhook_status: '' };
}

const imagesRoute = (kind: Kind) =>
	createRoute({
		name: kind,
		path: `/api/v6/images/${kind}`,
		tier: 'standard',
		family: 'images',
		fetchPath: (id) => `/api/v6/images/fetch/${id}`,
		check: (ctx, body, acct) => check(kind, ctx, body, acct),
		processing: imagesProcessing,
	});

export const img2imgRoutes = [imagesRoute('img2img'), imagesRoute('inpaint')];
