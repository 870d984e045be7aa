/** A job's fetches: free and changing nothing, so each may be asked again while its answer may still change. */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { ApiAnswer } from '../api/answer';
import { comeBackLater, isNotFound } from '../api/answer';
import { cancelledError, ensureNodeError, isRetryableFailure } from '../api/errors';
import { resolveApiUrl } from '../api/origin';
import { modelsLabApiRequest } from '../api/request';
import { RETRY_POLICIES, retryWithin } from '../time/retry';
import type { JobContext } from './context';
import { asAnswer } from './failures';

/** What one item's fetches of its job have met so far: the not-found grace counts from the first. */
export interface FetchState {
	firstFetchAt?: number;
}

/**
 * "Request not found" right after a create can mean the job is not visible yet: it is asked again
 * for this long from the first fetch of the id (never past Max Wait Time), every 1 s growing to 5 s.
 */
export const NOT_FOUND_GRACE = {
	ms: RETRY_POLICIES.notFoundGrace.graceMs,
	firstDelayMs: RETRY_POLICIES.notFoundGrace.firstDelayMs,
	maxDelayMs: RETRY_POLICIES.notFoundGrace.maxDelayMs,
};

/** A fetch refused with "come back later" and no wait named is sent again after this long. */
const FETCH_REFUSAL_WAIT_MS = 5000;

/** Whether `link` is on the API's origin and under the same API version as the documented fetch route. */
function followable(link: unknown, context: JobContext, requestId: string): link is string {
	if (typeof link !== 'string') return false;
	const url = resolveApiUrl(link, context.baseUrl);
	if (url === undefined) return false;
	// a v6 call has been answered with a v3 link: only the documented API version is known to answer
	const version = (path: string) => /^\/api\/v\d+\//.exec(path)?.[0];
	return version(new URL(url).pathname) === version(context.api.fetchPath(requestId));
}

/** One fetch: through the answer's `fetch_result` when it is on the API's origin, else the documented route. */
async function fetchJob(
	this: IExecuteFunctions,
	requestId: string,
	context: JobContext,
	fetchResultUrl?: unknown,
): Promise<ApiAnswer> {
	const answer = await modelsLabApiRequest.call(this, {
		api: context.api,
		url: followable(fetchResultUrl, context, requestId) ? fetchResultUrl : context.api.fetchPath(requestId),
		body: context.api.fetchBody(requestId),
		purpose: 'fetch',
		itemIndex: context.itemIndex,
		requestId,
		settings: context.requestSettings,
	});
	return asAnswer.call(this, answer, context);
}

function waitingFor(this: IExecuteFunctions, requestId: string, context: JobContext) {
	return {
		clock: context.clock,
		signal: this.getExecutionCancelSignal(),
		cancelled: () => cancelledError(this.getNode(), context.itemIndex, requestId),
		deadline: context.deadline,
	};
}

/**
 * A fetch of a job the node knows the id of, asked again while its answer may still change:
 * "Request not found" for the grace time (NOT_FOUND_GRACE), a refusal that says when to come back
 * within Max Wait Time. The answer counts once its grace time, or Max Wait Time, is over.
 */
export async function fetchKnownJob(
	this: IExecuteFunctions,
	requestId: string,
	context: JobContext,
	state: FetchState,
	fetchResultUrl?: unknown,
): Promise<ApiAnswer> {
	const { clock } = context;
	return await retryWithin<ApiAnswer>({ ...waitingFor.call(this, requestId, context), policy: RETRY_POLICIES.notFoundGrace }, async (_attempt, delay) => {
		state.firstFetchAt ??= clock.now();
		const answer = await fetchJob.call(this, requestId, context, fetchResultUrl);
		const giveUp = () => answer;
		if (isNotFound(answer)) {
			const end = Math.min(state.firstFetchAt + NOT_FOUND_GRACE.ms, context.deadline);
			return { giveUp, end, waitMs: Math.min(delay, end - clock.now()) };
		}
		const later = comeBackLater(answer);
		if (!later) return { done: answer };
		return { giveUp, waitMs: later.seconds === undefined ? FETCH_REFUSAL_WAIT_MS : later.seconds * 1000 };
	});
}

/**
 * Fetch Result's first fetch, which no wait loop surrounds: like every fetch it is free and changes
 * nothing, so a 5xx, a network error or an HTML page is tried again with the wait loop's error backoff
 * (1 s, growing to 5 s), within Max Wait Time; the last failure is the item's error.
 */
export async function fetchKnownJobRetried(
	this: IExecuteFunctions,
	requestId: string,
	context: JobContext,
	state: FetchState,
): Promise<ApiAnswer> {
	return await retryWithin<ApiAnswer>({ ...waitingFor.call(this, requestId, context), policy: RETRY_POLICIES.fetchErrors }, async () => {
		try {
			return { done: await fetchKnownJob.call(this, requestId, context, state) };
		} catch (error) {
			const failure = ensureNodeError(this.getNode(), error, context.itemIndex);
			if (!isRetryableFailure(error)) throw failure;
			return {
				giveUp: () => {
					throw failure;
				},
			};
		}
	});
}
