/**
 * The one way this node talks to the ModelsLab API. The key is added by the credential's
 * `authenticate` (n8n's `httpRequestWithAuthentication`), only on the credential's own origin,
 * and is scrubbed from anything the API echoes back into an error.
 */
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, ILoadOptionsFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isApiAnswer } from './answer';
import type { ApiDefinition } from './apis';
import type { FailedRequest } from './errors';
import { cancelledError, httpFailure, networkFailure } from './errors';
import { credentialOrigin, resolveApiUrl } from './origin';
import type { RequestSettings } from './requestSettings';
import { withRequestSettings } from './requestSettings';

export interface ApiRequest extends FailedRequest {
	api: ApiDefinition;
	/** A path on the credential's base URL, or a full URL that must share its origin. */
	url: string;
	body?: IDataObject;
	/** A GET with this query (the v7 model listing): the key goes in the query string too, as ModelsLab reads it there. */
	query?: IDataObject;
	/** The node's Request Options (Settings): timeout, proxy, ignore SSL issues. */
	settings?: RequestSettings;
}

type RequestContext = IExecuteFunctions | ILoadOptionsFunctions;

function cancelSignal(context: RequestContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;
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
	const options: IHttpRequestOptions = withRequestSettings({
		...(request.query
			? { method: 'GET' as const, qs: { ...request.query, key: credentials.apiKey } }
			: { method: 'POST' as const, body: request.body ?? {} }),
		url,
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		// a redirect could carry the body, and so the key, to another host
		disableFollowRedirect: true,
		abortSignal: cancelSignal(this),
	}, request.purpose, request.settings);
	let response: { statusCode: number; body: unknown };
	try {
		response = (await this.helpers.httpRequestWithAuthentication.call(
			this,
			request.api.credentialType,
			options,
		)) as { statusCode: number; body: unknown };
	} catch (error) {
		if (cancelSignal(this)?.aborted) throw cancelledError(this.getNode(), request.itemIndex, request.requestId);
		throw networkFailure(this.getNode(), request, error, credentials.apiKey);
	}
	const { statusCode, body } = response;
	const parsed = typeof body === 'string' ? tryParseJson(body) : body;
	if (statusCode >= 200 && statusCode < 300 && (isApiAnswer(parsed) || Array.isArray(parsed))) {
		return parsed;
	}
	throw httpFailure(this.getNode(), request, statusCode, parsed, credentials.apiKey);
}

function tryParseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}
