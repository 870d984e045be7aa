/** A job's end: any answer about it becomes items, waiting if asked to, or a clear error with its request ID. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ApiAnswer } from '../api/answer';
import { readFetchLinkId, readRequestId, readStatus } from '../api/answer';
import { cancelledError, isRetryableFailure } from '../api/errors';
import { pendingItem, successItems } from '../media/outputItems';
import { accountQueue, occupyPlace } from './accountQueue';
import type { JobContext } from './context';
import type { AcceptedCreate } from './create';
import { jobFailure, queuedWithoutIdError, timeoutError } from './failures';
import type { FetchState } from './fetch';
import { fetchKnownJob } from './fetch';
import { readyTimesOf } from './readyTimes';
import { jobDone } from './handOn';
import { waitForResult } from './waitForResult';

/** Where settleJob's answer comes from: this item's own create, or a fetch of a job made elsewhere (Fetch Result). */
type JobOrigin = { created: AcceptedCreate } | { fetched: { requestId: string; state: FetchState } };

/** What a fetch of a finished job may lack (image_editing fetches carry no meta): kept from its first answer. */
function firstAnswerOnly({ meta, generationTime }: ApiAnswer): ApiAnswer {
	return { ...(meta === undefined ? {} : { meta }), ...(generationTime === undefined ? {} : { generationTime }) };
}

/**
 * What Retry On Fail's next try does with the item (job/runJob.ts): a failed or refused job is
 * forgotten, so it is created again; any other job with an ID is fetched or waited for again, never
 * created again; a job ModelsLab may hold without giving its ID is never sent again.
 */
function rememberJob(context: JobContext, answer: ApiAnswer, requestId: string | undefined): void {
	const { memory } = context;
	if (!memory) return;
	const status = readStatus(answer);
	if (status === 'error' || status === 'failed') return memory.forget();
	if (requestId !== undefined) {
		// a finished job is fetched again by its ID (keeping what only its first answer had); a pending one
		// without waiting gives its pending item again
		return memory.remember({ kind: 'accepted', requestId, finished: status === 'success', answer: status === 'success' ? firstAnswerOnly(answer) : answer });
	}
	if (status === 'success') return memory.remember({ kind: 'accepted', finished: true, answer });
	memory.remember({ kind: 'ambiguous', at: new Date().toISOString(), reason: 'ModelsLab took the job but gave no request ID' });
}

/** Success, queued or failed: turn any answer about a job into items, waiting if asked to. */
export async function settleJob(
	this: IExecuteFunctions,
	answer: ApiAnswer,
	context: JobContext,
	origin: JobOrigin,
): Promise<INodeExecutionData[]> {
	const created = 'created' in origin ? origin.created : undefined;
	const knownRequestId = 'fetched' in origin ? origin.fetched.requestId : undefined;
	const fetchState = 'fetched' in origin ? origin.fetched.state : {};
	const status = readStatus(answer);
	// the id that matters is the one the node already has; a processing answer with an empty id may name it in fetch_result
	const requestId =
		knownRequestId ?? readRequestId(answer) ?? (status === 'processing' ? readFetchLinkId(answer) : undefined);
	rememberJob(context, answer, requestId);
	const waiting = status === 'processing' && context.settings.waitForCompletion && requestId !== undefined;
	// the place this item's create holds is given back unless the node now waits for the job in it; a job
	// Fetch Result waits for takes one
	const place = created?.place ?? (waiting ? occupyPlace(accountQueue(context), context.clock) : undefined);
	if (!waiting) place?.done();
	if (status === 'success') {
		jobDone(this, context.itemIndex);
		return await successItems.call(this, answer, requestId, context.settings, context);
	}
	if (status !== 'processing') throw jobFailure.call(this, answer, requestId, context);
	if (!context.settings.waitForCompletion) return [pendingItem(answer, requestId, context)];
	if (!requestId) throw queuedWithoutIdError.call(this, context);

	place!.waiting();
	let jobMs: number | undefined;
	try {
		const outcome = await waitForResult({
			first: answer,
			fetch: async () => await fetchKnownJob.call(this, requestId, context, fetchState, answer.fetch_result),
			deadline: context.deadline,
			clock: context.clock,
			signal: this.getExecutionCancelSignal(),
			isRetryable: isRetryableFailure,
			// a job created here learns its account's timings on its route, and is planned from them
			readyTimes: created ? readyTimesOf(context, created.route) : undefined,
		});
		// a job this item created and saw finish (or fail) times the probes of a full queue; one given up on does not
		const finished = outcome.kind === 'success' || outcome.kind === 'failed';
		if (finished && created) jobMs = context.clock.now() - created.acceptedAt;
		if ('answer' in outcome) rememberJob(context, outcome.answer, requestId);
		place!.done(jobMs);
		switch (outcome.kind) {
			case 'success':
				jobDone(this, context.itemIndex);
				return await successItems.call(this, outcome.answer, requestId, context.settings, context);
			case 'failed':
			case 'unknownStatus':
				throw jobFailure.call(this, outcome.answer, requestId, context);
			case 'cancelled':
				throw cancelledError(this.getNode(), context.itemIndex, requestId);
			case 'timeout':
				throw timeoutError.call(this, requestId, outcome.lastStatus, context);
		}
	} finally {
		// a wait that threw gives its place back too; done() is once only
		place!.done(jobMs);
	}
}
