// Fetch: the routes that report a job's state, by id in the path or `request_id` in the body. Each serves
// one family's jobs (a job is only found on the fetch routes of the family that created it).
import type { SandboxContext } from '../core/context';
import { takeFault } from '../core/faults';
import { sendJson } from '../core/http';
import { fetchEta, isReady, type Job } from '../core/job';
import type { ApiRouteName } from '../core/routeNames';
import { type ApiExchange, authenticate, defineRoute, type RouteMatch } from '../core/router';
import type { Tier } from '../core/types';
import { type Body, isAbsent, toNumber } from '../core/validation';
import { failedBody, processingBody, successBody } from './answers';
import { finalize } from './store';

function requestedId(body: Body, match: RouteMatch): unknown {
	return match.id ?? body.request_id;
}

/** How a family's fetch answers look. */
export interface FetchShapes {
	processing: (ctx: SandboxContext, job: Job, eta: number) => unknown;
	success: (ctx: SandboxContext, job: Job) => unknown;
	/** keys added to its `failed` answers */
	failedExtra?: Record<string, unknown>;
}

const IMAGES_SHAPES: FetchShapes = { processing: processingBody, success: successBody };

function handleFetch(ctx: SandboxContext, ex: ApiExchange, body: Body, match: RouteMatch, family: string, shapes: FetchShapes): void {
	const acct = authenticate(ctx, ex, body, match.route.tier);
	if (!acct) return;
	const rawId = requestedId(body, match);
	if (isAbsent(rawId)) return sendJson(ex, 200, { status: 'error', messege: { request_id: ['The request id field is required.'] } });
	const id = toNumber(rawId);
	const found = Number.isInteger(id) ? ctx.jobs.get(id) : undefined;
	const job = found && found.family === family ? found : undefined;
	const late = takeFault(ctx, match.route.name, (f) => f.kind === 'failed', job?.prompt);
	if (late?.kind === 'failed') {
		ex.entry.fault = late.kind;
		return sendJson(ex, 200, {
			status: 'failed',
			id: Number.isInteger(id) ? id : rawId,
			message: late.message ?? ctx.config.failMessage,
			track_id: job && job.accountKey === acct.key ? job.trackId : null,
			...shapes.failedExtra,
		});
	}
	if (!job || job.accountKey !== acct.key) return sendJson(ex, 200, { status: 'error', messege: 'Request not found' });
	ex.entry.jobId = job.id;
	job.record.fetches++;
	if (!isReady(job)) return sendJson(ex, 200, shapes.processing(ctx, job, fetchEta(ctx.config, job)));
	finalize(ctx, job);
	if (job.failed) return sendJson(ex, 200, { ...failedBody(job), ...shapes.failedExtra });
	job.record.firstSuccessFetchAt ??= Date.now();
	return sendJson(ex, 200, shapes.success(ctx, job));
}

export const fetchRoute = <Name extends ApiRouteName>(name: Name, path: string | RegExp, tier: Tier, family: string, shapes = IMAGES_SHAPES) =>
	defineRoute({
		name,
		path,
		tier,
		counter: 'fetches',
		jobFaults: true,
		promptOf: (ctx, body, match) => ctx.jobs.get(toNumber(requestedId(body, match)))?.prompt,
		handle: (ctx, ex, body, match) => handleFetch(ctx, ex, body, match, family, shapes),
	});

export const fetchRoutes = [
	fetchRoute('fetch', '/api/v6/images/fetch', 'standard', 'images'),
	fetchRoute('fetch', /^\/api\/v6\/images\/fetch\/([^/]+)$/, 'standard', 'images'),
	fetchRoute('fetch', '/api/v1/enterprise/fetch', 'enterprise', 'enterprise'),
];
