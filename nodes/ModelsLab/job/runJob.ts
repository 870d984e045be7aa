/**
 * One item's job from start to items, billed once even when n8n's Retry On Fail runs the node again:
 * an item whose job the retry memory knows is fetched or waited for again (free), and only an item
 * whose job failed, or whose create was refused, is created again.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ApiAnswer } from '../api/answer';
import { failureOf } from '../api/errors';
import { pendingItem, successItems } from '../media/outputItems';
import type { JobContext } from './context';
import { createJob } from './create';
import type { FetchState } from './fetch';
import { fetchKnownJobRetried } from './fetch';
import type { RememberedJob } from './retryMemory';
import { itemMemory } from './retryMemory';
import { settleJob } from './settle';

interface JobRequest {
	/** The operation's create route, on the context's API. */
	route: string;
	/** What the item asks for: its validated parameters and input files (Buffers count by digest). */
	identity: unknown;
	/** The create body; uploads happen here, so an item that resumes its job uploads nothing. */
	body(context: JobContext): Promise<IDataObject>;
}

/** Create a job and settle it: the place an accepted create holds always reaches settleJob, which gives it back. */
export async function runJob(this: IExecuteFunctions, request: JobRequest, jobContext: JobContext): Promise<INodeExecutionData[]> {
	const memory = itemMemory.call(this, jobContext.itemIndex, jobContext, jobContext.settings.maxWaitTime, request.identity);
	const context: JobContext = memory ? { ...jobContext, memory } : jobContext;
	const earlier = memory?.recall();
	if (earlier) return await resumeJob.call(this, earlier, context);

	const body = await request.body(context);
	const created = await createJob.call(this, request.route, body, context).catch((error: unknown) => {
		if (failureOf(error).ambiguousCreate) {
			memory?.remember({ kind: 'ambiguous', at: new Date().toISOString(), reason: (error as Error).message });
		}
		throw error;
	});
	return await settleJob.call(this, created.answer, context, { created });
}

/** Retry On Fail's try for an item whose job exists: what costs nothing and loses nothing. */
async function resumeJob(this: IExecuteFunctions, earlier: RememberedJob, context: JobContext): Promise<INodeExecutionData[]> {
	if (earlier.kind === 'ambiguous') {
		throw new NodeOperationError(
			this.getNode(),
			`Not sent again: this item's create got no clear answer at ${earlier.at} (${earlier.reason})`,
			{
				itemIndex: context.itemIndex,
				description:
					'Retry On Fail ran the node again. ModelsLab may have accepted and billed it, so sending it again could bill it twice. Check your ModelsLab dashboard, or collect the job with Fetch Result if you know its request ID.',
			},
		);
	}
	const { requestId } = earlier;
	if (requestId === undefined) return await successItems.call(this, earlier.answer ?? {}, undefined, context.settings, context);
	if (!earlier.finished && !context.settings.waitForCompletion) return [pendingItem(earlier.answer ?? {}, requestId, context)];
	// the items the first try gave: what this fetch lacks of the first answer comes from it
	return await collectJob.call(this, requestId, context, earlier.finished ? earlier.answer : undefined);
}

/**
 * A job that exists, by its ID (Fetch Result, or a job Retry On Fail finds): fetched (free) and settled,
 * waiting if asked to. `firstAnswer` fills in what a fetch of a finished job lacks.
 */
export async function collectJob(
	this: IExecuteFunctions,
	requestId: string,
	context: JobContext,
	firstAnswer?: ApiAnswer,
): Promise<INodeExecutionData[]> {
	// the job may have been created seconds ago: "Request not found" gets the grace time here too
	const state: FetchState = {};
	const fetched = await fetchKnownJobRetried.call(this, requestId, context, state);
	return await settleJob.call(this, { ...firstAnswer, ...fetched }, context, { fetched: { requestId, state } });
}
