/**
 * The node's errors: what a failed request means (the documented HTTP meanings, network failures in
 * plain words) and how it may be retried, carried in the error's `context` for the wait loop and the
 * create retry. Only n8n's node errors leave the node, with the item index and the request id.
 */
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { answerText, isApiAnswer, readMessage, readRetryAfter, secondsInText } from './answer';
import { redactSecret } from './redact';

export type NodeError = NodeApiError | NodeOperationError;

export type RequestPurpose = 'create' | 'fetch' | 'lookup';

/** What an error about a request tells the user and the retry logic about it. */
export interface FailedRequest {
	purpose: RequestPurpose;
	itemIndex?: number;
	/** Known request id, so errors can tell the user what to resume with. */
	requestId?: string;
}

/** Classification carried on errors in `context`, read by the wait loop and the create retry. */
interface FailureContext {
	/** A fetch may simply be tried again (5xx, network, HTML instead of JSON). */
	retryable?: boolean;
	/** 429: the job was not accepted; the API asked us to wait this long. */
	retryAfterSeconds?: number;
	rateLimited?: boolean;
	/** A 429 that says the account's queue is full ("Maximum 5 queued requests allowed"): a place frees when a job in it finishes. */
	queueFull?: boolean;
	/** A create whose outcome is unknown: a job may exist and may be billed. */
	ambiguousCreate?: boolean;
}

const HTTP_MEANINGS: Record<number, { message: string; description: string }> = {
	401: {
		message: 'ModelsLab rejected the API key',
		description:
			'Check the API key in the ModelsLab credential (ModelsLab answers "Invalid API key" or "API key required"). Enterprise operations need an enterprise key.',
	},
	402: {
		message: 'ModelsLab: insufficient credits',
		description: 'Add credits to your ModelsLab account or upgrade your plan.',
	},
	403: {
		message: 'ModelsLab: feature not available on your plan',
		description:
			'This feature needs a higher ModelsLab subscription tier (enterprise endpoints need an enterprise plan and key).',
	},
	429: {
		message: 'ModelsLab queue limit reached',
		description:
			'Your account has as many jobs queued as its plan allows (5, 10 or 15). Lower the node\'s concurrency or wait for running jobs.',
	},
};

const NETWORK_REASONS: Record<string, string> = {
	ECONNRESET: 'connection reset',
	ECONNREFUSED: 'connection refused',
	ECONNABORTED: 'timed out',
	ETIMEDOUT: 'timed out',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'host not found',
	EPIPE: 'connection closed',
};

/** Only n8n's node errors leave the node: they carry the item index and show properly in the UI. */
export function ensureNodeError(node: INode, error: unknown, itemIndex: number): NodeError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	return new NodeOperationError(node, error as Error, { itemIndex });
}

/** Puts the request id where continue-on-fail error items and users can pick it up. */
export function withRequestId<E extends NodeError>(error: E, requestId: string | undefined): E {
	if (requestId) error.context.requestId = requestId;
	return error;
}

export function cancelledError(node: INode, itemIndex: number | undefined, requestId?: string) {
	const error = new NodeOperationError(
		node,
		requestId
			? `Execution cancelled while waiting for request ${requestId}`
			: 'Execution cancelled',
		{
			itemIndex,
			description: requestId ? `Collect it later with Fetch Result and request ID ${requestId}.` : undefined,
		},
	);
	return withRequestId(error, requestId);
}

export function failureOf(error: unknown): FailureContext {
	return ((error as { context?: FailureContext })?.context ?? {}) as FailureContext;
}

/** Whether a failed fetch may simply be sent again: the wait loop's `isRetryable`. */
export function isRetryableFailure(error: unknown): boolean {
	return failureOf(error).retryable === true;
}

/**
 * A failed request. The answer may echo the key, so the error carries a redacted summary of it
 * (message and HTTP code) as its response, never the raw body or the request.
 */
function apiError(
	node: INode,
	request: FailedRequest,
	details: { message: string; description?: string; httpCode?: number; failure: FailureContext },
): NodeApiError {
	const resume = request.requestId
		? ` Request ID: ${request.requestId} (resume with the Fetch Result operation).`
		: '';
	const error = new NodeApiError(
		node,
		{ message: details.message, httpCode: details.httpCode ?? null } as JsonObject,
		{
			message: details.message,
			description: `${details.description ?? ''}${resume}`.trim(),
			httpCode: details.httpCode === undefined ? undefined : String(details.httpCode),
			itemIndex: request.itemIndex,
		},
	);
	Object.assign(error.context, details.failure, request.requestId ? { requestId: request.requestId } : {});
	return error;
}

/** A network failure in plain words: n8n rewrites messages that contain raw codes such as ECONNRESET. */
export function networkReason(cause: unknown, secret?: unknown): string {
	// n8n wraps the request's error in a NodeApiError whose `cause` has the code
	const error = cause as { code?: string; cause?: { code?: string } } | undefined;
	const code = error?.code ?? error?.cause?.code ?? '';
	return NETWORK_REASONS[code] ?? redactSecret(String((cause as Error | undefined)?.message ?? 'network error'), secret);
}

/** A TLS certificate that was not accepted: the connection failed before anything was sent. */
function certificateProblem(cause: unknown): string | undefined {
	const error = cause as { code?: string; cause?: { code?: string } } | undefined;
	const code = error?.code ?? error?.cause?.code ?? '';
	return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code) ? code : undefined;
}

export function networkFailure(node: INode, request: FailedRequest, cause: unknown, secret: unknown): NodeApiError {
	const reason = networkReason(cause, secret);
	const certificate = certificateProblem(cause);
	if (certificate) {
		return apiError(node, request, {
			message: `Could not connect to ModelsLab securely: its certificate was not accepted (${certificate})`,
			description:
				"Nothing was sent. For a test server with a self-signed certificate, turn on Settings → Request Options → Ignore SSL Issues (insecure: whoever can intercept the connection then also gets the API key).",
			failure: {},
		});
	}
	if (request.purpose === 'create') {
		return apiError(node, request, {
			message: `ModelsLab did not answer the generation request (${reason})`,
			description:
				'The request may have reached ModelsLab, so a job may exist and be billed. The node does not send it again, to avoid paying twice. If you know the request ID (or set a Track ID/webhook), collect the images with Fetch Result.',
			failure: { ambiguousCreate: true },
		});
	}
	return apiError(node, request, {
		message: `Could not reach ModelsLab (${reason})`,
		failure: { retryable: true },
	});
}

/** Maps a non-2xx answer (or a 2xx that is not JSON) to a NodeApiError with the documented meaning. */
export function httpFailure(
	node: INode,
	request: FailedRequest,
	statusCode: number,
	body: unknown,
	secret: unknown,
): NodeApiError {
	const apiMessage = redactSecret(isApiAnswer(body) ? readMessage(body) : '', secret);
	const known = HTTP_MEANINGS[statusCode];
	if (statusCode === 429) {
		// the wait it asks for: retry_after, else seconds named in its text, else the caller's default
		const retryAfter = isApiAnswer(body) ? (readRetryAfter(body) ?? secondsInText(answerText(body))) : undefined;
		return apiError(node, request, {
			message: `${known.message}${apiMessage ? `: ${apiMessage}` : ''}`,
			description: known.description,
			httpCode: statusCode,
			// a throttled fetch changes nothing and may simply be sent again
			failure: {
				rateLimited: true,
				retryAfterSeconds: retryAfter,
				queueFull: /\bqueue/i.test(apiMessage),
				retryable: request.purpose === 'fetch',
			},
		});
	}
	if (known) {
		return apiError(node, request, {
			message: `${known.message} (HTTP ${statusCode})${apiMessage ? `: ${apiMessage}` : ''}`,
			description: known.description,
			httpCode: statusCode,
			failure: {},
		});
	}
	const notJson = !isApiAnswer(body) && !Array.isArray(body);
	const serverSide = statusCode >= 500 || statusCode < 200 || notJson;
	const what = notJson
		? `ModelsLab answered HTTP ${statusCode} with ${typeof body === 'string' && /<html|<!doctype/i.test(body) ? 'an HTML page' : 'a body that is not JSON'}`
		: `ModelsLab answered HTTP ${statusCode}${apiMessage ? `: ${apiMessage}` : ''}`;
	if (request.purpose === 'create' && serverSide) {
		return apiError(node, request, {
			message: what,
			description:
				'ModelsLab may still have accepted the job, so the node does not send it again (that could bill twice). Check your ModelsLab dashboard, or collect the result with Fetch Result if you have the request ID.',
			httpCode: statusCode,
			failure: { ambiguousCreate: true },
		});
	}
	return apiError(node, request, {
		message: what,
		httpCode: statusCode,
		failure: { retryable: serverSide },
	});
}
