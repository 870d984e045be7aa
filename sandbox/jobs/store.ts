// The job store: creating jobs with seeded ids and timings, the per-account queue, and finishing them.
import { later, type SandboxContext } from '../core/context';
import { isReady, type Job, type JobFile } from '../core/job';
import { mulberry32, prngUuid } from '../core/random';
import type { ApiFaultRoute, SandboxAccount, Tier } from '../core/types';
import { renderPngShared } from '../images/png';
import { deliverWebhook } from './webhooks';

/** What a family's validation hands over to make a job. */
export interface JobParams {
	prompt: string;
	width: number;
	height: number;
	samples: number;
	seed: number | null;
	base64: boolean;
	webhook: string | null;
	trackId: string | number | null;
	/** checked fields that go into `meta` besides the request's own */
	meta: Record<string, unknown>;
}

export interface JobSpec {
	tier: Tier;
	/** which fetch routes serve it (e.g. 'images', 'image_editing', 'enterprise') */
	family: string;
	/** the name of the route that created it */
	route: ApiFaultRoute;
	params: JobParams;
	/** the request body: copied into meta, without the key and `samples` */
	body: Record<string, unknown>;
	/** null: the job succeeds */
	failMessage: string | null;
	/** where processing answers say to fetch the job */
	fetchPath: (id: number) => string;
	/** the bytes of image `index`; default: a PNG drawn from size, seed + index and prompt (or the job's file) */
	render?: (job: Job, index: number) => Buffer;
	/** the one file the job makes instead of drawn images (a video), made once its seed is drawn */
	file?: (job: Job) => JobFile;
}

/** A PNG drawn from size, seed + index and prompt; a job with a file: that file, whole. */
function drawnImage(job: Job, index: number): Buffer {
	if (job.file) return Buffer.concat([...job.file.chunks()]);
	return renderPngShared({ width: job.width, height: job.height, seed: job.seed + index, prompt: job.prompt, noiseBits: job.noiseBits });
}

function activeSet(ctx: SandboxContext, acct: SandboxAccount): Set<Job> {
	let set = ctx.activeJobs.get(acct.key);
	if (!set) ctx.activeJobs.set(acct.key, (set = new Set()));
	return set;
}

/** Jobs of the account still processing: what the queue limit counts. */
export function processingCount(ctx: SandboxContext, acct: SandboxAccount): number {
	let n = 0;
	const set = activeSet(ctx, acct);
	for (const job of set) {
		if (isReady(job)) set.delete(job);
		else n++;
	}
	return n;
}

function sortedMeta(ctx: SandboxContext, spec: JobSpec, seed: number, uuid: string): Record<string, unknown> {
	const meta: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(spec.body)) if (k !== 'key' && k !== 'samples') meta[k] = v;
	Object.assign(meta, spec.params.meta, { seed, file_prefix: uuid });
	if (ctx.config.echoKeyInMeta) meta.key = spec.body.key;
	return Object.fromEntries(Object.keys(meta).sort().map((k) => [k, meta[k]]));
}

export function createJob(ctx: SandboxContext, acct: SandboxAccount, spec: JobSpec): Job {
	const { config, rand } = ctx;
	const { params, tier, failMessage } = spec;
	const id = ctx.nextId++;
	const now = Date.now();
	// the draw order (uuid, jitter, seed, generationTime) keeps runs with one rngSeed identical
	const uuid = prngUuid(mulberry32((rand() * 4294967296) ^ id));
	let duration = config.processingMs;
	if (duration > 0 && config.jitter > 0) duration = Math.max(0, Math.round(duration * (1 + config.jitter * (2 * rand() - 1))));
	const seed = params.seed ?? Math.floor(rand() * 4294967295);
	const generationTime = duration > 0 ? duration / 1000 + rand() * 0.2 : 1.2 + rand() * 2;
	const failed = failMessage !== null;
	const job: Job = {
		id,
		uuid,
		tier,
		family: spec.family,
		accountKey: acct.key,
		createdAt: now,
		readyAt: now + duration,
		duration,
		seed,
		width: params.width,
		height: params.height,
		samples: params.samples,
		prompt: params.prompt,
		base64: params.base64,
		base64Form: config.base64Form,
		noiseBits: config.imageNoiseBits,
		webhook: params.webhook,
		trackId: params.trackId,
		meta: sortedMeta(ctx, spec, seed, uuid),
		generationTime: Math.round(generationTime * 1e6) / 1e6,
		failed,
		failMessage: failMessage ?? '',
		fetchPath: spec.fetchPath(id),
		render: (index) => (spec.render ?? drawnImage)(job, index),
		file: null,
		finalized: false,
		timer: null,
		record: {
			id,
			kind: tier,
			route: spec.route,
			accountKey: acct.key,
			uuid,
			createdAt: now,
			readyAt: now + duration,
			finishedAt: null,
			state: 'processing',
			firstSuccessFetchAt: null,
			fetches: 0,
			webhookUrl: params.webhook,
			samples: params.samples,
			seed,
			width: params.width,
			height: params.height,
			prompt: params.prompt,
			failed,
		},
	};
	job.file = spec.file?.(job) ?? null;
	ctx.jobs.set(id, job);
	ctx.jobsByUuid.set(uuid, job);
	ctx.stats.jobs.push(job.record);
	// rendered while the job processes, as a CDN has the file when the job is done: a download waits for no render
	if (config.renderAtCreate && !failed) later(ctx.jobTimers, 0, () => Array.from({ length: job.samples }, (_, i) => job.render(i)));
	if (duration > 0) {
		activeSet(ctx, acct).add(job);
		job.timer = later(ctx.jobTimers, duration, () => finalize(ctx, job));
	} else {
		later(ctx.jobTimers, 0, () => finalize(ctx, job)); // webhook after the create answer is on its way
	}
	return job;
}

/** Marks the job finished (once) and calls its webhook. */
export function finalize(ctx: SandboxContext, job: Job): void {
	if (job.finalized || ctx.closed) return;
	job.finalized = true;
	if (job.timer) {
		clearTimeout(job.timer);
		ctx.jobTimers.delete(job.timer);
	}
	job.record.finishedAt = Date.now();
	job.record.state = job.failed ? 'failed' : 'success';
	if (job.webhook) deliverWebhook(ctx, job, job.webhook);
}

export function clearJobs(ctx: SandboxContext): void {
	for (const t of ctx.jobTimers) clearTimeout(t);
	ctx.jobTimers.clear();
	ctx.jobs.clear();
	ctx.jobsByUuid.clear();
	ctx.activeJobs.clear();
	ctx.uploads.clear();
}
