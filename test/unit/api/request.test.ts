import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { APIS } from '../../../nodes/ModelsLab/api/apis';
import { failureOf } from '../../../nodes/ModelsLab/api/errors';
import { resolveApiUrl } from '../../../nodes/ModelsLab/api/origin';
import { redactSecret } from '../../../nodes/ModelsLab/api/redact';
import type { ApiRequest } from '../../../nodes/ModelsLab/api/request';
import { modelsLabApiRequest } from '../../../nodes/ModelsLab/api/request';

const KEY = 'unit-secret-key-0123456789';
const node = { id: '1', name: 'ModelsLab', type: 'n8n-nodes-modelslab.modelsLab', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };

/** A minimal execute context whose authenticated request answers what the test says. */
function contextAnswering(answer: { statusCode: number; body: unknown } | Error) {
	const sent: Array<{ type: string; options: IHttpRequestOptions }> = [];
	const context = {
		getNode: () => node,
		getCredentials: async () => ({ apiKey: KEY, baseUrl: 'https://api.example/' }),
		getExecutionCancelSignal: () => undefined,
		helpers: {
			httpRequestWithAuthentication: async (type: string, options: IHttpRequestOptions) => {
				sent.push({ type, options });
				if (answer instanceof Error) throw answer;
				return answer;
			},
		},
	} as unknown as IExecuteFunctions;
	return { context, sent };
}

const create: ApiRequest = { api: APIS.standard, url: '/api/v6/images/text2img', body: { prompt: 'p' }, purpose: 'create', itemIndex: 2 };
const fetch: ApiRequest = { api: APIS.standard, url: '/api/v6/images/fetch/9', purpose: 'fetch', itemIndex: 0, requestId: '9' };

async function failure(request: ApiRequest, answer: { statusCode: number; body: unknown } | Error) {
	const { context } = contextAnswering(answer);
	const error = await modelsLabApiRequest.call(context, request).then(
		() => undefined,
		(caught: unknown) => caught as NodeApiError,
	);
	if (!error) throw new Error('expected a failure');
	return error;
}

describe('transport', () => {
	it('posts JSON through the credential, on its origin only, without following redirects', async () => {
		const { context, sent } = contextAnswering({ statusCode: 200, body: { status: 'success' } });
		await expect(modelsLabApiRequest.call(context, create)).resolves.toEqual({ status: 'success' });
		expect(sent).toEqual([
			{
				type: 'modelsLabApi',
				options: expect.objectContaining({
					method: 'POST',
					url: 'https://api.example/api/v6/images/text2img',
					body: { prompt: 'p' },
					json: true,
					disableFollowRedirect: true,
					ignoreHttpStatusErrors: true,
				}),
			},
		]);
		expect(sent[0].options.body).not.toHaveProperty('key');
	});

	it('refuses to send the key to another origin', async () => {
		expect(resolveApiUrl('https://evil.example/api/v6/images/fetch/1', 'https://api.example')).toBeUndefined();
		expect(resolveApiUrl('https://api.example/api/v6/images/fetch/1', 'https://api.example/')).toBe(
			'https://api.example/api/v6/images/fetch/1',
		);
		const error = await failure({ ...fetch, url: 'https://evil.example/x' }, { statusCode: 200, body: {} });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toContain('Refusing to send the API key to https://evil.example/x');
	});

	it.each([
		[401, 'Invalid API key', 'ModelsLab rejected the API key (HTTP 401): Invalid API key'],
		[402, 'Insufficient credits', 'ModelsLab: insufficient credits (HTTP 402): Insufficient credits'],
		[403, 'Feature not available', 'ModelsLab: feature not available on your plan (HTTP 403): Feature not available'],
	])('gives HTTP %i its documented meaning', async (statusCode, message, expected) => {
		const error = await failure(create, { statusCode, body: { status: 'error', message } });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(expected);
		expect(error.httpCode).toBe(String(statusCode));
		expect(error.context.itemIndex).toBe(2);
		expect(failureOf(error)).toMatchObject({});
		expect(failureOf(error).retryable).toBeFalsy();
	});

	it('marks a 429 as not accepted, with the retry_after the API asked for', async () => {
		const error = await failure(create, {
			statusCode: 429,
			body: { status: 'error', message: 'Rate limit exceeded. Maximum 5 queued requests allowed.', retry_after: 30 },
		});
		expect(error.message).toBe('ModelsLab queue limit reached: Rate limit exceeded. Maximum 5 queued requests allowed.');
		expect(failureOf(error)).toMatchObject({ rateLimited: true, retryAfterSeconds: 30 });
	});

	it('treats a 5xx or reset on create as ambiguous (never resent), on fetch as retryable', async () => {
		const created = await failure(create, { statusCode: 502, body: '<html>Bad gateway</html>' });
		expect(created.message).toBe('ModelsLab answered HTTP 502 with an HTML page');
		expect(failureOf(created)).toEqual(expect.objectContaining({ ambiguousCreate: true }));
		expect(created.description).toContain('does not send it again');

		const reset = await failure(create, Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
		expect(reset.message).toBe('ModelsLab did not answer the generation request (connection reset)');
		expect(failureOf(reset).ambiguousCreate).toBe(true);

		const fetched = await failure(fetch, { statusCode: 503, body: { status: 'error', message: 'down' } });
		expect(fetched.message).toBe('ModelsLab answered HTTP 503: down');
		expect(failureOf(fetched)).toMatchObject({ retryable: true, requestId: '9' } as object);
		expect(fetched.description).toContain('Request ID: 9');
	});

	it('treats HTML on HTTP 200 as a retryable failure of a fetch', async () => {
		const error = await failure(fetch, { statusCode: 200, body: '<!DOCTYPE html><p>maintenance</p>' });
		expect(error.message).toBe('ModelsLab answered HTTP 200 with an HTML page');
		expect(failureOf(error).retryable).toBe(true);
	});

	it('never puts the key into an error, even when the API echoes it', async () => {
		const error = await failure(create, { statusCode: 401, body: { status: 'error', message: `Invalid API key ${KEY}` } });
		expect(JSON.stringify({ message: error.message, description: error.description, context: error.context })).not.toContain(KEY);
		expect(redactSecret(`a ${KEY} b`, KEY)).toBe('a *** b');
	});
});
