// The create flow every job-making route shares: auth, credits, validation, the queue limit, late faults,
// the job, billing, and the answer. A family supplies its checks, its fetch route and its answer shapes.
import type { SandboxContext, StoredFault } from '../core/context';
import { applyApiFault, sendRateLimited, takeFault } from '../core/faults';
import { sendJson } from '../core/http';
import { createEta, isReady, type Job } from '../core/job';
import type { ApiRouteName } from '../core/routeNames';
import { type ApiExchange, type ApiRoute, authenticate, defineRoute } from '../core/router';
import type { SandboxAccount, Tier } from '../core/types';
import type { Body } from '../core/validation';
import { failedBody, processingBody, successBody } from './answers';
import { createJob, type JobSpec, processingCount } from './store';

/** What a family's checks decide about a create body. */
export type Checked =
	/** field errors: HTTP 200 `{status:"error", messege:{field:[...]}}` (the flow's `errorField`) */
	| { errors: Record<string, string[]> }
	/** a refusal with its own status and `message` (e.g. 400 "Unable to fetch image from provided URL") */
	| { refusal: { status: number; message: string } }
	| { job: Pick<JobSpec, 'params' | 'render' | 'file'> & { body?: Body } };

export interface CreateFlow<Name extends ApiRouteName> {
	name: Name;
	path: string;
	tier: Tier;
	/** the fetch family that serves its jobs */
	family: string;
	fetchPath: (id: number) => string;
	check: (ctx: SandboxContext, body: Body, acct: SandboxAccount) => Checked;
	/** the key field errors are answered under; default `messege` (v6), `message` (v7) */
	errorField?: 'message' | 'messege';
	processing?: (ctx: SandboxContext, job: Job, eta: number) => unknown;
	success?: (ctx: SandboxContext, job: Job) => unknown;
	/** the create answers `processing` even when the job is already done (video: only fetch tells the end) */
	alwaysProcessing?: boolean;
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

function handleCreate<Name extends ApiRouteName>(flow: CreateFlow<Name>, ctx: SandboxContext, ex: ApiExchange, body: Body): void {
	const acct = authenticate(ctx, ex, body, flow.tier);
	if (!acct) return;
	if (acct.balance <= 0) return sendJson(ex, 402, { status: 'error', message: 'Insufficient credits' });
	const checked = flow.check(ctx, body, acct);
	if ('errors' in checked) return sendJson(ex, 200, { status: 'error', [flow.errorField ?? 'messege']: checked.errors });
	if ('refusal' in checked) return sendJson(ex, checked.refusal.status, { status: 'error', message: checked.refusal.message });
	if (processingCount(ctx, acct) >= acct.queueLimit) return sendRateLimited(ctx, ex, acct.queueLimit, ctx.config.retryAfterSeconds);
	const late = takeFault(ctx, flow.name, (f) => f.kind === 'failed' || ('afterAccept' in f && f.afterAccept === true), body.prompt);
	const job = createJob(ctx, acct, {
		tier: flow.tier,
		family: flow.family,
		route: flow.name,
		params: checked.job.params,
		render: checked.job.render,
		file: checked.job.file,
		body: checked.job.body ?? body,
		failMessage: failMessageFor(ctx, late),
		fetchPath: flow.fetchPath,
	});
	ctx.stats.creates++;
	bill(ctx, acct, job.samples);
	ctx.stats.peakProcessing = Math.max(ctx.stats.peakProcessing, processingCount(ctx, acct));
	ex.entry.jobId = job.id;
	if (late && 'afterAccept' in late && late.afterAccept) return applyApiFault(ctx, late, ex);
	if (late) ex.entry.fault = late.kind;
	if (!isReady(job) || flow.alwaysProcessing) {
		return sendJson(ex, 200, (flow.processing ?? processingBody)(ctx, job, createEta(ctx.config, job)));
	}
	return sendJson(ex, 200, job.failed ? failedBody(job) : (flow.success ?? successBody)(ctx, job));
}

/** A billed route that makes a job: `createAttempts` counts every request, `creates` the accepted ones. */
export function createRoute<Name extends ApiRouteName>(flow: CreateFlow<Name>): ApiRoute<Name> {
	return defineRoute({
		name: flow.name,
		path: flow.path,
		tier: flow.tier,
		counter: 'createAttempts',
		jobFaults: true,
		afterAccept: true,
		promptOf: (_ctx, body) => body.prompt,
		handle: (ctx, ex, body) => handleCreate(flow, ctx, ex, body),
	});
}
