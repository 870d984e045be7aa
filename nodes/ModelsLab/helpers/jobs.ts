/**
 * The life of one job, shared by every operation: create it (text2img), or fetch it (Fetch
 * Result), then settle it into output items or a clear error that names the request id.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { requestOptionsField, waitAndOutputFields } from '../descriptions/outputFields';
import { jobSettingsSchema, requestOptionsSchema } from '../schemas/settings';
import type { ApiAnswer } from '../transport/answer';
import {
	comeBackLater,
	describeStatus,
	isApiAnswer,
	isNotFound,
	readFetchLinkId,
	readMessage,
	readRequestId,
	readStatus,
} from '../transport/answer';
import type { ApiDefinition } from '../transport/apis';
import { APIS } from '../transport/apis';
import type { Clock } from '../transport/clock';
import { systemClock } from '../transport/clock';
import type { ItemContext } from '../transport/download';
import type { NodeError } from '../transport/errors';
import { cancelledError, ensureNodeError, failureOf, isRetryableFailure, withRequestId } from '../transport/errors';
import { resolveApiUrl } from '../transport/origin';
import { redactSecret } from '../transport/redact';
import { modelsLabApiRequest } from '../transport/request';
import { accountQueue } from './queueSlots';
import type { ItemMemory } from './retryMemory';
import type { OutputSettings } from './toOutputItems';
import { pendingItem, successItems } from './toOutputItems';
import { isToolMode, parseParameters, readFields } from './validateParameters';
import { nextErrorDelay, waitForResult } from './waitForResult';

export interface JobSettings extends OutputSettings {
	waitForCompletion: boolean;
	/** Seconds. */
	maxWaitTime: number;
}

/** What one item's fetches of its job have met so far: the not-found grace counts from the first. */
export interface FetchState {
	firstFetchAt?: number;
}

export interface JobContext extends ItemContext {
	api: ApiDefinition;
	/** The credential's base URL: `fetch_result` links are followed only on its origin. */
	baseUrl: string;
	settings: JobSettings;
	/** With Retry On Fail: where the item's job is remembered for n8n's next try (helpers/retryMemory.ts). */
	memory?: ItemMemory;
}

/**
 * A create the account accepted. Its job holds a place in the account's queue (helpers/queueSlots.ts)
 * until settleJob gives it back; `acceptedAt` (clock time) times the job for the queue's probes.
 */
export interface AcceptedCreate {
	answer: ApiAnswer;
	acceptedAt: number;
}

/** Where settleJob's answer comes from: this item's own create, or a fetch of a job made elsewhere (Fetch Result). */
type JobOrigin = { created: AcceptedCreate } | { fetched: { requestId: string; state: FetchState } };

/**
 * A refusal that says when to come back (429 queue full, the spam filter) means the job was not
 * accepted, so this is the one create that may be sent again: at most `maxRetries` times, within
 * Max Wait Time, after the wait the answer asks for (`retry_after` or seconds in its text), else
 * these defaults.
 */
export const RATE_LIMIT = { maxRetries: 5, defaultWaitSeconds: 10, spamFilterWaitSeconds: 30 };

/**
 * "Request not found" right after a create can mean the job is not visible yet: it is asked again
 * for this long from the first fetch of the id (never past Max Wait Time), every 1 s growing to 5 s.
 */
export const NOT_FOUND_GRACE = { ms: 30_000, firstDelayMs: 1000, maxDelayMs: 5000 };

/** A fetch refused with "come back later" and no wait named is sent again after this long. */
const FETCH_REFUSAL_WAIT_MS = 5000;

export async function startJobContext(
	this: IExecuteFunctions,
	api: ApiDefinition,
	itemIndex: number,
	format: OutputSettings['format'],
	clock: Clock = systemClock,
): Promise<JobContext> {
	const settings: Omit<JobSettings, 'format'> = parseParameters(
		this.getNode(),
		jobSettingsSchema,
		readFields.call(this, waitAndOutputFields, itemIndex),
		waitAndOutputFields,
		itemIndex,
	);
	const node = this.getNode();
	const { requestOptions } = parseParameters(
		node,
		requestOptionsSchema,
		{ requestOptions: this.getNodeParameter(requestOptionsField.name, itemIndex, {}) },
		[requestOptionsField],
		itemIndex,
	);
	const credentials = await this.getCredentials(api.credentialType, itemIndex);
	return {
		api,
		itemIndex,
		settings: {
			...settings,
			format,
			toolAnswer: isToolMode(node),
			// version 1 keeps the made-up "unknown" its saved workflows may test for
			idWhenMissing: node.typeVersion >= 2 ? null : 'unknown',
		},
		baseUrl: String(credentials.baseUrl ?? ''),
		secret: String(credentials.apiKey ?? ''),
		deadline: clock.now() + settings.maxWaitTime * 1000,
		clock,
		requestSettings: requestOptions,
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
): Promise<AcceptedCreate> {
	const queue = accountQueue(context);
	const signal = this.getExecutionCancelSignal();
	for (let attempt = 0; ; attempt++) {
		if ((await queue.acquire(context.clock, signal)) === 'cancelled') throw cancelledError(this.getNode(), context.itemIndex);
		let refusal: () => NodeError;
		let waitMs: number;
		let rateLimited = false;
		let probeable = false;
		try {
			const answer = asAnswer.call(
				this,
				await modelsLabApiRequest.call(this, {
					api: context.api,
					url: context.api.createPath,
					body,
					purpose: 'create',
					itemIndex: context.itemIndex,
					settings: context.requestSettings,
				}),
				context,
			);
			// HTTP 200 with "Rate limit exceeded" (the spam filter): refused, nothing queued, it says when to come back
			const later = comeBackLater(answer);
			if (!later) {
				queue.accepted();
				return { answer, acceptedAt: context.clock.now() };
			}
			queue.release(context.clock);
			refusal = () => jobFailure.call(this, answer, undefined, context);
			waitMs = (later.seconds ?? RATE_LIMIT.spamFilterWaitSeconds) * 1000;
		} catch (error) {
			const failure = failureOf(error);
			if (failure.rateLimited) queue.refused(context.clock);
			else queue.release(context.clock);
			if (!failure.rateLimited) throw ensureNodeError(this.getNode(), error, context.itemIndex);
			refusal = () => ensureNodeError(this.getNode(), error, context.itemIndex);
			waitMs = (failure.retryAfterSeconds ?? RATE_LIMIT.defaultWaitSeconds) * 1000;
			rateLimited = true;
			probeable = failure.queueFull === true;
		}
		// the account's queue is full and nothing of this process is in it: probe it sooner than
		// retry_after (helpers/queueSlots.ts); any other 429 waits what it asks
		const probeMs = probeable ? queue.probeDelay(waitMs) : undefined;
		const inTime = context.clock.now() + (probeMs ?? waitMs) < context.deadline;
		if (attempt >= RATE_LIMIT.maxRetries || !inTime) {
			if (rateLimited) queue.handOn();
			throw refusal();
		}
		if (!rateLimited) {
			await context.clock.sleep(waitMs, signal).catch(() => undefined);
			if (signal?.aborted) throw cancelledError(this.getNode(), context.itemIndex);
			continue;
		}
		const woken = await queue.waitForPlace(probeMs ?? waitMs, context.clock, signal);
		if (woken === 'cancelled') {
			queue.handOn();
			throw cancelledError(this.getNode(), context.itemIndex);
		}
		// a place freed by a job of this same account, or a probe sent before retry_after, is no retry:
		// only retry_after passing counts
		if (woken === 'freed' || (probeMs !== undefined && probeMs < waitMs)) attempt--;
	}
}

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
export async function fetchJob(
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

/**
 * A fetch of a job the node knows the id of, asked again while its answer may still change:
 * "Request not found" for the grace time (NOT_FOUND_GRACE), a refusal that says when to come back
 * within Max Wait Time. Fetching is free and changes nothing.
 */
export async function fetchKnownJob(
	this: IExecuteFunctions,
	requestId: string,
	context: JobContext,
	state: FetchState,
	fetchResultUrl?: unknown,
): Promise<ApiAnswer> {
	const { clock } = context;
	const signal = this.getExecutionCancelSignal();
	for (let delay = NOT_FOUND_GRACE.firstDelayMs; ; delay = Math.min(Math.round(delay * 1.5), NOT_FOUND_GRACE.maxDelayMs)) {
		state.firstFetchAt ??= clock.now();
		const answer = await fetchJob.call(this, requestId, context, fetchResultUrl);
		const now = clock.now();
		let wait: number;
		let end: number;
		const later = comeBackLater(answer);
		if (isNotFound(answer)) {
			end = Math.min(state.firstFetchAt + NOT_FOUND_GRACE.ms, context.deadline);
			wait = Math.min(delay, end - now);
		} else if (later) {
			end = context.deadline;
			wait = later.seconds === undefined ? FETCH_REFUSAL_WAIT_MS : later.seconds * 1000;
		} else {
			return answer;
		}
		// the answer counts once its grace time, or Max Wait Time, is over
		if (now >= end || now + wait > end) return answer;
		await clock.sleep(wait, signal).catch(() => undefined);
		if (signal?.aborted) throw cancelledError(this.getNode(), context.itemIndex, requestId);
	}
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
	const signal = this.getExecutionCancelSignal();
	for (let delay = nextErrorDelay(0); ; delay = nextErrorDelay(delay)) {
		try {
			return await fetchKnownJob.call(this, requestId, context, state);
		} catch (error) {
			if (!isRetryableFailure(error) || context.clock.now() + delay >= context.deadline) throw ensureNodeError(this.getNode(), error, context.itemIndex);
			await context.clock.sleep(delay, signal).catch(() => undefined);
			if (signal?.aborted) throw cancelledError(this.getNode(), context.itemIndex, requestId);
		}
	}
}

function notFoundError(this: IExecuteFunctions, requestId: string, context: JobContext): NodeApiError {
	const error = new NodeApiError(this.getNode(), { status: 'error', message: 'Request not found' } as JsonObject, {
		message: `ModelsLab does not know request ${requestId}: Request not found`,
		description: `ModelsLab answers "Request not found" for an unknown or expired ID, and for a few seconds also for a job it has just accepted. So the node asked again for ${NOT_FOUND_GRACE.ms / 1000} s from the first fetch (never past Max Wait Time): a wrong or expired ID fails after this grace time, not at once. Check the request ID and the API (${Object.values(APIS).map((api) => api.label).join(', ')}).`,
		itemIndex: context.itemIndex,
	});
	return withRequestId(error, requestId);
}

/** A status that is none of success, processing, error, failed: named with the id and the value. */
function unknownStatusError(
	this: IExecuteFunctions,
	answer: ApiAnswer,
	requestId: string | undefined,
	context: JobContext,
): NodeOperationError {
	const value = redactSecret(describeStatus(answer), context.secret);
	const subject = requestId ? `request ${requestId}` : 'the request';
	const error = new NodeOperationError(this.getNode(), `ModelsLab answered ${subject} with an unknown status: ${value}`, {
		itemIndex: context.itemIndex,
		description: requestId
			? `Expected "success", "processing", "error" or "failed". The job may still finish and be billed: collect it later with Fetch Result and request ID ${requestId}.`
			: 'Expected "success", "processing", "error" or "failed". The node does not send the request again: a job may exist and be billed.',
	});
	return withRequestId(error, requestId);
}

function jobFailure(
	this: IExecuteFunctions,
	answer: ApiAnswer,
	requestId: string | undefined,
	context: JobContext,
): NodeError {
	if (requestId && isNotFound(answer)) return notFoundError.call(this, requestId, context);
	const status = readStatus(answer);
	if (status === undefined) return unknownStatusError.call(this, answer, requestId, context);
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

/** What a fetch of a finished job may lack (image_editing fetches carry no meta): kept from its first answer. */
function firstAnswerOnly({ meta, generationTime }: ApiAnswer): ApiAnswer {
	return { ...(meta === undefined ? {} : { meta }), ...(generationTime === undefined ? {} : { generationTime }) };
}

/**
 * What Retry On Fail's next try does with the item (helpers/runJob.ts): a failed or refused job is
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
	const queue = accountQueue(context);
	const waiting = status === 'processing' && context.settings.waitForCompletion && requestId !== undefined;
	// a job this item created is timed from its accepted create; one Fetch Result waits for is not
	const acceptedAt = created?.acceptedAt;
	// a place this item's create holds is given back unless the node now waits for the job in it
	if (created && !waiting) queue.release(context.clock);
	else if (!created && waiting) queue.occupy(context.clock);
	if (status === 'success') return await successItems.call(this, answer, requestId, context.settings, context);
	if (status !== 'processing') throw jobFailure.call(this, answer, requestId, context);
	if (!context.settings.waitForCompletion) return [pendingItem(answer, requestId, context)];
	if (!requestId) {
		throw new NodeOperationError(this.getNode(), 'ModelsLab queued the job but gave no request ID to fetch it with', {
			itemIndex: context.itemIndex,
			description: 'The job may exist and be billed. The node does not send the request again; check your ModelsLab dashboard.',
		});
	}

	queue.entered();
	const outcome = await waitForResult({
		first: answer,
		fetch: async () => await fetchKnownJob.call(this, requestId, context, fetchState, answer.fetch_result),
		deadline: context.deadline,
		clock: context.clock,
		signal: this.getExecutionCancelSignal(),
		isRetryable: isRetryableFailure,
	}).catch((error: unknown) => {
		queue.left(context.clock);
		throw error;
	});
	// a job that finished here (or failed) times the probes of a full queue; one given up on does not
	const finished = outcome.kind === 'success' || outcome.kind === 'failed';
	if ('answer' in outcome) rememberJob(context, outcome.answer, requestId);
	queue.left(context.clock, finished && acceptedAt !== undefined ? context.clock.now() - acceptedAt : undefined);
	switch (outcome.kind) {
		case 'success':
			return await successItems.call(this, outcome.answer, requestId, context.settings, context);
		case 'failed':
		case 'unknownStatus':
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
