// Text to image: the standard (v6) and enterprise (v1) create routes, their validation and billing.
import { failedBody, processingBody, successBody } from './answers';
import type { SandboxContext, StoredFault } from './context';
import { applyApiFault, sendRateLimited, takeFault } from './faults';
import { sendJson } from './http';
import { isReady } from './job';
import { createJob, type JobParams, processingCount } from './jobs';
import { type ApiExchange, authenticate, defineRoute, type RouteMatch } from './router';
import type { SandboxAccount, Tier } from './types';
import { type Body, FieldChecker, isAbsent, splitList, toNumber } from './validation';

const SCHEDULERS = [
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

/** The vendor's field errors, or the job's parameters. */
function validate(body: Body, tier: Tier): { errors: Record<string, string[]> } | { params: JobParams } {
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

	meta.negative_prompt = c.optionalString('negative_prompt') ?? '';

	const width = c.num('width', { int: true, min: 256, max: 1024, def: 512 }) as number;
	const height = c.num('height', { int: true, min: 256, max: 1024, def: 512 }) as number;
	const samples = c.num('samples', { int: true, min: 1, max: 4, def: 1 }) as number;
	delete meta.samples; // the real meta calls it n_samples
	meta.n_samples = samples;
	c.num('guidance_scale', { min: 1, max: 20, def: 7.5 });
	c.num('clip_skip', { int: true, min: 1, max: 8 });
	c.num('injected_noise_alpha', { min: 0, max: 1 });
	c.num('sigma_threshold', { min: 0, max: 1 });
	c.num('true_cfg_scale', { min: 0, max: 10 });
	const steps = checkSteps(c, tier);
	c.num('zero_steps', { int: true, min: 0, max: steps });
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

	if (c.hasErrors) return { errors: c.errors };
	return { params: { prompt, width, height, samples, seed, base64, webhook, trackId, meta } };
}

/** A `failed` fault or failNextJobs decides the job fails; null: it succeeds. */
function failMessageFor(ctx: SandboxContext, late: StoredFault | null): string | null {
	if (late?.kind === 'failed') return late.message ?? ctx.config.failMessage;
	if (ctx.config.failNextJobs > 0) {
		ctx.config.failNextJobs -= 1;
		return ctx.config.failMessage;
	}
	return null;
}

function bill(ctx: SandboxContext, acct: SandboxAccount, images: number): void {
	acct.balance = Math.round((acct.balance - ctx.config.costPerImage * images) * 1e6) / 1e6;
}

function handleCreate(ctx: SandboxContext, ex: ApiExchange, body: Body, { route }: RouteMatch): void {
	const tier = route.tier as Tier;
	const acct = authenticate(ctx, ex, body, tier);
	if (!acct) return;
	if (acct.balance <= 0) return sendJson(ex, 402, { status: 'error', message: 'Insufficient credits' });
	const v = validate(body, tier);
	if ('errors' in v) return sendJson(ex, 200, { status: 'error', messege: v.errors });
	if (processingCount(ctx, acct) >= acct.queueLimit) return sendRateLimited(ctx, ex, acct.queueLimit, ctx.config.retryAfterSeconds);
	const late = takeFault(ctx, 'create', (f) => f.kind === 'failed' || ('afterAccept' in f && f.afterAccept === true), body.prompt);
	const job = createJob(ctx, acct, {
		tier,
		params: v.params,
		body,
		failMessage: failMessageFor(ctx, late),
		fetchPath: (id) => (tier === 'enterprise' ? '/api/v1/enterprise/fetch' : `/api/v6/images/fetch/${id}`),
	});
	ctx.stats.creates++;
	bill(ctx, acct, job.samples);
	ctx.stats.peakProcessing = Math.max(ctx.stats.peakProcessing, processingCount(ctx, acct));
	ex.entry.jobId = job.id;
	if (late && 'afterAccept' in late && late.afterAccept) return applyApiFault(ctx, late, ex);
	if (late) ex.entry.fault = late.kind;
	if (!isReady(job)) {
		return sendJson(ex, 200, processingBody(ctx, job, ctx.config.etaSeconds ?? Math.max(1, Math.ceil(job.duration / 1000))));
	}
	return sendJson(ex, 200, job.failed ? failedBody(job) : successBody(ctx, job));
}

const createRoute = (path: string, tier: Tier) =>
	defineRoute({
		name: 'create',
		path,
		tier,
		counter: 'createAttempts',
		jobFaults: true,
		afterAccept: true,
		promptOf: (_ctx, body) => body.prompt,
		handle: handleCreate,
	});

export const text2imgRoutes = [createRoute('/api/v6/images/text2img', 'standard'), createRoute('/api/v1/enterprise/text2img', 'enterprise')];
