// Text to image: the standard (v6) and enterprise (v1) create routes and their validation, plus the
// generation fields the images/* editing routes (img2img, inpaint) share with them.
import type { Tier } from '../core/types';
import { type Body, FieldChecker, isAbsent, splitList, toNumber } from '../core/validation';
import { type Checked, createRoute } from '../jobs/create';

export const SCHEDULERS = [
	'DDPMScheduler', 'DDIMScheduler', 'PNDMScheduler', 'LMSDiscreteScheduler', 'EulerDiscreteScheduler',
	'EulerAncestralDiscreteScheduler', 'DPMSolverMultistepScheduler', 'HeunDiscreteScheduler', 'KDPM2DiscreteScheduler',
	'DPMSolverSinglestepScheduler', 'KDPM2AncestralDiscreteScheduler', 'UniPCMultistepScheduler', 'DDIMInverseScheduler',
	'DEISMultistepScheduler', 'IPNDMScheduler', 'KarrasVeScheduler', 'ScoreSdeVeScheduler', 'LCMScheduler',
];
const SAFETY_CHECKER_TYPES = ['blur', 'sensitive_content_text', 'pixelate', 'black'];
const YES_NO_FIELDS = [
	'safety_checker', 'enhance_prompt', 'base64', 'temp', 'tomesd', 'use_karras_sigmas', 'panorama', 'self_attention',
	'upscale', 'highres_fix', 'use_cfg_zero_star', 'use_zero_init', 'instant_response', 'rescale', 'watermark',
];
const ENTERPRISE_STEPS = [21, 31, 41];

function checkSteps(c: FieldChecker, tier: Tier): number {
	if (tier !== 'enterprise') return c.num('num_inference_steps', { int: true, min: 1, max: 50, def: 30 }) as number;
	const steps = c.num('num_inference_steps', { int: true, def: 21 }) as number;
	if (c.errors.num_inference_steps === undefined && !ENTERPRISE_STEPS.includes(steps)) {
		c.add('num_inference_steps', 'The num inference steps must be 21, 31 or 41.');
		return 21;
	}
	return steps;
}

function checkLoras(c: FieldChecker): void {
	const loras = splitList(c.body.lora_model);
	const strengths = splitList(c.body.lora_strength);
	if (loras === null) c.add('lora_model', 'The lora model must be a comma-separated string.');
	if (strengths === null) c.add('lora_strength', 'The lora strength must be a comma-separated string.');
	if (loras && strengths && strengths.length > 0) {
		if (strengths.length !== loras.length) c.add('lora_strength', 'The lora strength must have one value per lora model.');
		if (strengths.some((s) => !(toNumber(s) >= 0.1 && toNumber(s) <= 1))) c.add('lora_strength', 'Each lora strength must be between 0.1 and 1.');
	}
}

/** What the shared generation fields decided, for the job. */
export interface GenerationFields {
	samples: number;
	seed: number | null;
	base64: boolean;
	webhook: string | null;
	trackId: string | number | null;
}

/** The fields text2img, img2img and inpaint share (all but prompt, model, size and steps); fills meta. */
export function checkGenerationFields(c: FieldChecker): GenerationFields {
	const { meta } = c;
	meta.negative_prompt = c.optionalString('negative_prompt') ?? '';
	const samples = c.num('samples', { int: true, min: 1, max: 4, def: 1 }) as number;
	delete meta.samples; // the real meta calls it n_samples
	meta.n_samples = samples;
	c.num('guidance_scale', { min: 1, max: 20, def: 7.5 });
	c.num('clip_skip', { int: true, min: 1, max: 8 });
	const seed = c.seed();

	c.yesNo(YES_NO_FIELDS);
	const base64 = meta.base64 === 'yes';
	meta.base64 = base64 ? 'yes' : 'no';
	meta.safety_checker ??= 'yes';
	meta.enhance_prompt ??= 'yes';
	meta.temp ??= 'no';

	c.oneOf('scheduler', SCHEDULERS);
	c.oneOf('safety_checker_type', SAFETY_CHECKER_TYPES);
	c.optionalString('vae');
	c.optionalString('algorithm_type');
	checkLoras(c);
	const webhook = c.webhook();
	const trackId = c.trackId();
	return { samples, seed, base64, webhook, trackId };
}

/** The vendor's field errors, or the job's parameters. */
function validate(body: Body, tier: Tier): Checked {
	const c = new FieldChecker(body);
	const { meta } = c;
	const prompt = c.prompt();
	meta.prompt = prompt;

	let modelId = 'flux';
	if (isAbsent(body.model_id)) {
		if (tier === 'enterprise') c.add('model_id', 'The model id field is required.');
	} else if (typeof body.model_id !== 'string') c.add('model_id', 'The model id must be a string.');
	else modelId = body.model_id;
	meta.model_id = modelId;

	const width = c.num('width', { int: true, min: 256, max: 1024, def: 512 }) as number;
	const height = c.num('height', { int: true, min: 256, max: 1024, def: 512 }) as number;
	c.num('injected_noise_alpha', { min: 0, max: 1 });
	c.num('sigma_threshold', { min: 0, max: 1 });
	c.num('true_cfg_scale', { min: 0, max: 10 });
	const steps = checkSteps(c, tier);
	c.num('zero_steps', { int: true, min: 0, max: steps });
	const shared = checkGenerationFields(c);

	if (c.hasErrors) return { errors: c.errors };
	return { job: { params: { prompt, width, height, ...shared, meta } } };
}

const text2imgRoute = (path: string, tier: Tier) =>
	createRoute({
		name: 'create',
		path,
		tier,
		family: tier === 'enterprise' ? 'enterprise' : 'images',
		fetchPath: (id) => (tier === 'enterprise' ? '/api/v1/enterprise/fetch' : `/api/v6/images/fetch/${id}`),
		check: (_ctx, body) => validate(body, tier),
	});

export const text2imgRoutes = [text2imgRoute('/api/v6/images/text2img', 'standard'), text2imgRoute('/api/v1/enterprise/text2img', 'enterprise')];
