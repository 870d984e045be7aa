// Fetch: the routes that report a job's state, by id in the path or `request_id` in the body.
import { failedBody, processingBody, successBody } from './answers';
import type { SandboxContext } from './context';
import { takeFault } from './faults';
import { sendJson } from './http';
import { isReady, remainingEta } from './job';
import { finalize } from './jobs';
import { type ApiExchange, authenticate, defineRoute, type RouteMatch } from './router';
import type { Tier } from './types';
import { type Body, isAbsent, toNumber } from './validation';

function requestedId(body: Body, match: RouteMatch): unknown {
	return match.id ?? body.request_id;
}

function handleFetch(ctx: SandboxContext, ex: ApiExchange, body: Body, match: RouteMatch): void {
	const acct = authenticate(ctx, ex, body, match.route.tier);
	if (!acct) return;
	const rawId = requestedId(body, match);
	if (isAbsent(rawId)) return sendJson(ex, 200, { status: 'error', messege: { request_id: ['The request id field is required.'] } });
	const id = toNumber(rawId);
	const job = Number.isInteger(id) ? ctx.jobs.get(id) : undefined;
	const late = takeFault(ctx, 'fetch', (f) => f.kind === 'failed', job?.prompt);
	if (late?.kind === 'failed') {
		ex.entry.fault = late.kind;
		return sendJson(ex, 200, {
			status: 'failed',
			id: Number.isInteger(id) ? id : rawId,
			message: late.message ?? ctx.config.failMessage,
			track_id: job && job.accountKey === acct.key ? job.trackId : null,
		});
	}
	if (!job || job.accountKey !== acct.key) return sendJson(ex, 200, { status: 'error', messege: 'Request not found' });
	ex.entry.jobId = job.id;
	job.record.fetches++;
	if (!isReady(job)) return sendJson(ex, 200, processingBody(ctx, job, remainingEta(job)));
	finalize(ctx, job);
	if (job.failed) return sendJson(ex, 200, failedBody(job));
	job.record.firstSuccessFetchAt ??= Date.now();
	return sendJson(ex, 200, successBody(ctx, job));
}

const fetchRoute = (path: string | RegExp, tier: Tier) =>
	defineRoute({
		name: 'fetch',
		path,
		tier,
		counter: 'fetches',
		jobFaults: true,
		promptOf: (ctx, body, match) => ctx.jobs.get(toNumber(requestedId(body, match)))?.prompt,
		handle: handleFetch,
	});

export const fetchRoutes = [
	fetchRoute('/api/v6/images/fetch', 'standard'),
	fetchRoute(/^\/api\/v6\/images\/fetch\/([^/]+)$/, 'standard'),
	fetchRoute('/api/v1/enterprise/fetch', 'enterprise'),
];
