import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { isApiAnswer, readMessage } from '../helpers/apiAnswer';
import { cancelledError } from '../helpers/errors';
import type { ApiDefinition } from './apis';

/**
 * The one way this node talks to the ModelsLab API. The key is added by the credential's
 * `authenticate` (n8n's `httpRequestWithAuthentication`), only on the credential's own origin,
 * and is scrubbed from anything the API echoes back into an error.
 */

export type RequestPurpose = 'create' | 'fetch' | 'lookup';

export interface ApiRequest {
	api: ApiDefinition;
	/** A path on the credential's base URL, or a full URL that must share its origin. */
	url: string;
	body?: IDataObject;
	purpose: RequestPurpose;
	itemIndex?: number;
	/** Known request id, so errors can tell the user what to resume with. */
	requestId?: string;
}

/** Classification carried on errors in `context`, read by the wait loop and the create retry. */
export interface FailureContext {
	/** A fetch may simply be tried again (5xx, network, HTML instead of JSON). */
	retryable?: boolean;
	/** 429: the job was not accepted; the API asked us to wait this long. */
	retryAfterSeconds?: number;
	rateLimited?: boolean;
	/** A create whose outcome is unknown: a job may exist and may be billed. */
	ambiguousCreate?: boolean;
}

const TIMEOUT_MS: Record<RequestPurpose, number> = { create: 120_000, fetch: 30_000, lookup: 30_000 };

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

export function redactSecret(text: string, secret: unknown): string {
	return typeof secret === 'string' && secret.length >= 4 ? text.split(secret).join('***') : text;
}

/** The origin of the credential's base URL, or undefined when it is not an http(s) URL. */
export function credentialOrigin(baseUrl: unknown): string | undefined {
	try {
		const url = new URL(String(baseUrl));
		return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
	} catch {
		return undefined;
	}
}

/** Resolves `url` against the base URL, refusing any other origin so the key cannot leave it. */
export function resolveApiUrl(url: string, baseUrl: string): string | undefined {
	const origin = credentialOrigin(baseUrl);
	if (!origin) return undefined;
	if (url.startsWith('/')) return `${String(baseUrl).replace(/\/+$/, '')}${url}`;
	try {
		return new URL(url).origin === origin ? url : undefined;
	} catch {
		return undefined;
	}
}

type RequestContext = IExecuteFunctions | ILoadOptionsFunctions;

function cancelSignal(context: RequestContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;
}

function apiError(
	context: RequestContext,
	request: ApiRequest,
	details: { message: string; description?: string; httpCode?: number; failure: FailureContext },
): NodeApiError {
	const resume = request.requestId
		? ` Request ID: ${request.requestId} (resume with the Fetch Result operation).`
		: '';
	const error = new NodeApiError(
		context.getNode(),
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

function networkFailure(
	context: RequestContext,
	request: ApiRequest,
	cause: unknown,
	secret: unknown,
): NodeApiError {
	const reason = networkReason(cause, secret);
	if (request.purpose === 'create') {
		return apiError(context, request, {
			message: `ModelsLab did not answer the generation request (${reason})`,
			description:
				'The request may have reached ModelsLab, so a job may exist and be billed. The node does not send it again, to avoid paying twice. If you know the request ID (or set a Track ID/webhook), collect the images with Fetch Result.',
			failure: { ambiguousCreate: true },
		});
	}
	return apiError(context, request, {
		message: `Could not reach ModelsLab (${reason})`,
		failure: { retryable: true },
	});
}

/** Maps a non-2xx answer (or a 2xx that is not JSON) to a NodeApiError with the documented meaning. */
function httpFailure(
	context: RequestContext,
	request: ApiRequest,
	statusCode: number,
	body: unknown,
	secret: unknown,
): NodeApiError {
	const apiMessage = redactSecret(isApiAnswer(body) ? readMessage(body) : '', secret);
	const known = HTTP_MEANINGS[statusCode];
	if (statusCode === 429) {
		const retryAfter = Number(isApiAnswer(body) ? body.retry_after : undefined);
		return apiError(context, request, {
			message: `${known.message}${apiMessage ? `: ${apiMessage}` : ''}`,
			description: known.description,
			httpCode: statusCode,
			failure: {
				rateLimited: true,
				retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
			},
		});
	}
	if (known) {
		return apiError(context, request, {
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
		return apiError(context, request, {
			message: what,
			description:
				'ModelsLab may still have accepted the job, so the node does not send it again (that could bill twice). Check your ModelsLab dashboard, or collect the result with Fetch Result if you have the request ID.',
			httpCode: statusCode,
			failure: { ambiguousCreate: true },
		});
	}
	return apiError(context, request, {
		message: what,
		httpCode: statusCode,
		failure: { retryable: serverSide },
	});
}

export async function modelsLabApiRequest(
	this: RequestContext,
	request: ApiRequest,
): Promise<unknown> {
	const credentials = await this.getCredentials(request.api.credentialType, request.itemIndex);
	const url = resolveApiUrl(request.url, String(credentials.baseUrl));
	if (!url) {
		throw new NodeOperationError(
			this.getNode(),
			credentialOrigin(credentials.baseUrl)
				? `Refusing to send the API key to ${request.url}: it is not on the credential's Base URL`
				: `The ModelsLab credential's Base URL "${String(credentials.baseUrl)}" is not an http(s) URL`,
			{ itemIndex: request.itemIndex },
		);
	}
	const options: IHttpRequestOptions = {
		method: 'POST',
		url,
		body: request.body ?? {},
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		// a redirect could carry the body, and so the key, to another host
		disableFollowRedirect: true,
		timeout: TIMEOUT_MS[request.purpose],
		abortSignal: cancelSignal(this),
	};
	let response: { statusCode: number; body: unknown };
	try {
		response = (await this.helpers.httpRequestWithAuthentication.call(
			this,
			request.api.credentialType,
			options,
		)) as { statusCode: number; body: unknown };
	} catch (error) {
		if (cancelSignal(this)?.aborted) throw cancelledError(this.getNode(), request.itemIndex, request.requestId);
		throw networkFailure(this, request, error, credentials.apiKey);
	}
	const { statusCode, body } = response;
	const parsed = typeof body === 'string' ? tryParseJson(body) : body;
	if (statusCode >= 200 && statusCode < 300 && (isApiAnswer(parsed) || Array.isArray(parsed))) {
		return parsed;
	}
	throw httpFailure(this, request, statusCode, parsed, credentials.apiKey);
}

function tryParseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

export function failureOf(error: unknown): FailureContext {
	return ((error as { context?: FailureContext })?.context ?? {}) as FailureContext;
}
