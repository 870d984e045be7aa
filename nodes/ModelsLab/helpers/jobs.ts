/**
 * The life of one job, shared by every operation: create it (text2img), or fetch it (Fetch
 * Result), then settle it into output items or a clear error that names the request id.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { waitAndOutputFields } from '../descriptions/outputFields';
import { jobSettingsSchema } from '../schemas/settings';
import type { ApiAnswer } from '../transport/answer';
import { isApiAnswer, readMessage, readRequestId, readStatus } from '../transport/answer';
import type { ApiDefinition } from '../transport/apis';
import type { Clock } from '../transport/clock';
import { systemClock } from '../transport/clock';
import type { ItemContext } from '../transport/download';
import { cancelledError, ensureNodeError, failureOf, isRetryableFailure, withRequestId } from '../transport/errors';
import { resolveApiUrl } from '../transport/origin';
import { redactSecret } from '../transport/redact';
import { modelsLabApiRequest } from '../transport/request';
import { accountQueue } from './queueSlots';
import type { OutputSettings } from './toOutputItems';
import { pendingItem, successItems } from './toOutputItems';
import { parseParameters, readFields } from './validateParameters';
import { waitForResult } from './waitForResult';

export interface JobSettings extends OutputSettings {
	waitForCompletion: boolean;
	/** Seconds. */
	maxWaitTime: number;
}

export interface JobContext extends ItemContext {
	api: ApiDefinition;
	/** The credential's base URL: `fetch_result` links are followed only on its origin. */
	baseUrl: string;
	settings: JobSettings;
	/** The item's create holds a place in the account's queue (helpers/queueSlots.ts) until its job is settled. */
	holdsPlace?: boolean;
}


/** A 429 means the job was not accepted, so this is the one create that may be sent again. */
const RATE_LIMIT = { maxRetries: 5, defaultWaitSeconds: 10 };

export async function startJobContext(
	this: IExecuteFunctions,
	api: ApiDefinition,
	itemIndex: number,
	clock: Clock = systemClock,
): Promise<JobContext> {
	const settings: JobSettings = parseParameters(
		this.getNode(),
		jobSettingsSchema,
		readFields.call(this, waitAndOutputFields, itemIndex),
		waitAndOutputFields,
		itemIndex,
	);
	const credentials = await this.getCredentials(api.credentialType, itemIndex);
	return {
		api,
		itemIndex,
		settings,
		baseUrl: String(credentials.baseUrl ?? ''),
		secret: String(credentials.apiKey ?? ''),
		deadline: clock.now() + settings.maxWaitTime * 1000,
		clock,
	};
}

function asAnswer(this: IExecuteFunctions, body: unknown, context: JobContext): ApiAnswer {
	if (isApiAnswer(body)) return body;
	throw new NodeOperationError(this.getNode(), 'ModelsLab answered with something other than a JSON object', {
		itemIndex: context.itemIndex,
	});
}

export async function createJob(
	this: IExecuteFunctions,
	body: IDataObject,
	context: JobContext,
): Promise<ApiAnswer> {
	const queue = accountQueue(context);
	const signal = this.getExecutionCancelSignal();
	for (let attempt = 0; ; attempt++) {
		if ((await queue.acquire(context.clock, signal)) === 'cancelled') throw cancelledError(this.getNode(), context.itemIndex);
		try {
			const answer = await modelsLabApiRequest.call(this, {
				api: context.api,
				url: context.api.createPath,
				body,
				purpose: 'create',
				itemIndex: context.itemIndex,
			});
			const parsed = asAnswer.call(this, answer, context);
			context.holdsPlace = true;
			return parsed;
		} catch (error) {
			const failure = failureOf(error);
			if (failure.rateLimited) queue.refused(context.clock);
			else queue.release(context.clock);
			const waitMs = (failure.retryAfterSeconds ?? RATE_LIMIT.defaultWaitSeconds) * 1000;
			const inTime = context.clock.now() + waitMs < context.deadline;
			if (!failure.rateLimited || attempt >= RATE_LIMIT.maxRetries || !inTime) {
				throw ensureNodeError(this.getNode(), error, context.itemIndex);
			}
			// a place freed by a job of this same account is no retry: only retry_after passing counts
			const woken = await queue.waitForPlace(waitMs, context.clock, signal);
			if (woken === 'cancelled') throw cancelledError(this.getNode(), context.itemIndex);
			if (woken === 'freed') attempt--;
		}
	}
}

/** One fetch: through the answer's `fetch_result` when it is on the API's origin, else the documented route. */
export async function fetchJob(
	this: IExecuteFunctions,
	requestId: string,
	context: JobContext,
	fetchResultUrl?: unknown,
): Promise<ApiAnswer> {
	const followLink =
		typeof fetchResultUrl === 'string' && resolveApiUrl(fetchResultUrl, context.baseUrl) !== undefined;
	const answer = await modelsLabApiRequest.call(this, {
		api: context.api,
		url: followLink ? (fetchResultUrl as string) : context.api.fetchPath(requestId),
		body: context.api.fetchBody(requestId),
		purpose: 'fetch',
		itemIndex: context.itemIndex,
		requestId,
	});
	return asAnswer.call(this, answer, context);
}

function jobFailure(
	this: IExecuteFunctions,
	answer: ApiAnswer,
	requestId: string | undefined,
	context: JobContext,
): NodeApiError {
	const status = readStatus(answer) ?? String(answer.status ?? 'unknown');
	const message = redactSecret(readMessage(answer), context.secret) || 'no message';
	const subject = requestId ? `request ${requestId}` : 'the request';
	// the answer's status and message, redacted, stand for the answer: it may echo the key
	const error = new NodeApiError(this.getNode(), { status, message } as JsonObject, {
		message: `ModelsLab ${status === 'failed' ? 'failed' : 'refused'} ${subject}: ${message}`,
		description: requestId
			? `Status "${status}" for request ID ${requestId} (Fetch Result, API: ${context.api.label}).`
			: `Status "${status}". No job was created, so nothing was billed.`,
		itemIndex: context.itemIndex,
	});
	return withRequestId(error, requestId);
}

/** Success, queued or failed: turn any answer about a job into items, waiting if asked to. */
export async function settleJob(
	this: IExecuteFunctions,
	answer: ApiAnswer,
	context: JobContext,
	knownRequestId?: string,
): Promise<INodeExecutionData[]> {
	const requestId = readRequestId(answer) ?? knownRequestId;
	const status = readStatus(answer);
	const queue = accountQueue(context);
	const waiting = status === 'processing' && context.settings.waitForCompletion && requestId !== undefined;
	// a place this item's create holds is given back unless the node now waits for the job in it
	if (context.holdsPlace && !waiting) queue.release(context.clock);
	else if (!context.holdsPlace && waiting) queue.occupy(context.clock);
	context.holdsPlace = false;
	if (status === 'success') return await successItems.call(this, answer, context.settings, context);
	if (status !== 'processing') throw jobFailure.call(this, answer, requestId, context);
	if (!context.settings.waitForCompletion) return [pendingItem({ ...answer, id: requestId }, context)];
	if (!requestId) {
		throw new NodeOperationError(this.getNode(), 'ModelsLab queued the job but gave no request ID to fetch it with', {
			itemIndex: context.itemIndex,
		});
	}

	queue.entered();
	const outcome = await waitForResult({
		first: answer,
		fetch: async () => await fetchJob.call(this, requestId, context, answer.fetch_result),
		deadline: context.deadline,
		clock: context.clock,
		signal: this.getExecutionCancelSignal(),
		isRetryable: isRetryableFailure,
	}).finally(() => queue.left(context.clock));
	switch (outcome.kind) {
		case 'success':
			return await successItems.call(this, { ...outcome.answer, id: requestId }, context.settings, context);
		case 'failed':
			throw jobFailure.call(this, outcome.answer, requestId, context);
		case 'cancelled':
			throw cancelledError(this.getNode(), context.itemIndex, requestId);
		case 'timeout':
			throw withRequestId(
				new NodeOperationError(
					this.getNode(),
					`Request ${requestId} was still ${outcome.lastStatus} after ${context.settings.maxWaitTime} s (Max Wait Time)`,
					{
						itemIndex: context.itemIndex,
						description: `The job may still finish and is billed either way. Collect it with Fetch Result (API: ${context.api.label}) and request ID ${requestId}, or raise Max Wait Time.`,
					},
				),
				requestId,
			);
	}
}

