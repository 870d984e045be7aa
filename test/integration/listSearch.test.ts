import type { IHttpRequestOptions, ILoadOptionsFunctions } from 'n8n-workflow';

import { IMAGE_MODELS } from '../../nodes/ModelsLab/catalogs/images';
import { APIS, V7_MODELS_PATH } from '../../nodes/ModelsLab/api/apis';
import { modelsLabApiRequest } from '../../nodes/ModelsLab/api/request';
import { searchModels, searchV7ImageModels, searchV7VideoModels } from '../../nodes/ModelsLab/methods/listSearch';
import { useSandbox } from './setup';

const sandbox = useSandbox();

/** The parts of n8n's load-options context the model picker uses; the key goes into the body as `authenticate` says. */
function loadOptionsContext(operation: string) {
	const credentialsUsed: string[] = [];
	const context = {
		getNode: () => ({ id: '1', name: 'ModelsLab', type: 'n8n-nodes-modelslab.modelsLab', typeVersion: 1, position: [0, 0], parameters: {} }),
		getNodeParameter: (name: string) => (name === 'operation' ? operation : undefined),
		getCredentials: async (type: string) => ({
			apiKey: type === 'modelsLabEnterpriseApi' ? sandbox().enterpriseKey : sandbox().standardKey,
			baseUrl: sandbox().baseUrl,
		}),
		helpers: {
			httpRequestWithAuthentication: async (type: string, options: IHttpRequestOptions) => {
				credentialsUsed.push(type);
				const key = type === 'modelsLabEnterpriseApi' ? sandbox().enterpriseKey : sandbox().standardKey;
				const query = options.qs ? `?${new URLSearchParams(options.qs as Record<string, string>).toString()}` : '';
				const response = await fetch(`${options.url}${query}`, {
					method: options.method,
					headers: { 'content-type': 'application/json' },
					body: options.method === 'GET' ? undefined : JSON.stringify({ ...(options.body as object), key }),
				});
				return { statusCode: response.status, body: await response.json() };
			},
		},
	} as unknown as ILoadOptionsFunctions;
	return { context, credentialsUsed };
}

describe('model picker (listSearch)', () => {
	it("lists the account's models from model_list, sorted, name and id", async () => {
		const { context, credentialsUsed } = loadOptionsContext('text2img');
		const { results } = await searchModels.call(context);
		const expected = sandbox()
			.account(sandbox().standardKey ?? '')
			?.models.map((model) => ({ name: `${model.model_name} (${model.model_id})`, value: model.model_id }))
			.sort((a, b) => a.name.localeCompare(b.name));
		expect(results).toEqual(expected);
		expect(results.length).toBeGreaterThan(1);
		expect(credentialsUsed).toEqual(['modelsLabApi']);
		expect(sandbox().counters().requests.map((request) => [request.path, request.body])).toEqual([
			['/api/v4/dreambooth/model_list', { key: sandbox().standardKey }],
		]);
	});

	it('filters by what the user types, in the name or the id', async () => {
		const { context } = loadOptionsContext('text2img');
		const { results } = await searchModels.call(context, 'FLUX');
		expect(results.map((model) => model.value)).toEqual(['flux']);
	});

	it('uses the enterprise credential for the enterprise operation', async () => {
		const { context, credentialsUsed } = loadOptionsContext('enterpriseText2img');
		await searchModels.call(context);
		expect(credentialsUsed).toEqual(['modelsLabEnterpriseApi']);
		expect(sandbox().counters().requests[0].body).toEqual({ key: sandbox().enterpriseKey });
	});
});

describe('Other Model ID picker (v7)', () => {
	it('searches ModelsLab\'s v7 image models with the key in the query string', async () => {
		const { context, credentialsUsed } = loadOptionsContext('generate');
		const { results } = await searchV7ImageModels.call(context, 'banana');
		expect(credentialsUsed).toEqual(['modelsLabApi']);
		const [request] = sandbox().counters().requests;
		expect(request.path).toBe('/api/v7/models');
		expect(request.method).toBe('GET');
		expect(request.url).toBe(`/api/v7/models?feature=imagen&search=banana&key=${sandbox().standardKey}`);
		expect(results.map((model) => model.value)).toEqual(expect.arrayContaining(['nano-banana-pro', 'nano-banana-t2i', 'nano-banana']));
		expect(results.every((model) => model.name.toLowerCase().includes('banana'))).toBe(true);
	});

	it('lists models beyond the node\'s catalog (the account\'s list is larger)', async () => {
		const { context } = loadOptionsContext('generate');
		const { results } = await searchV7ImageModels.call(context, 'sdxl');
		expect(results.map((model) => model.value)).toEqual(['sdxl']);
	});

	it.each([
		['generate', 'seedream', ['seedream-4.5', 'seedream-4', 'seedream-t2i']],
		['edit', 'seedream', ['seedream-4.5-i2i', 'seedream-4.0-i2i']],
		// gen4_image_turbo is an edit model: Generate Image's fallback does not offer it
		['generate', 'runway', ['gen4_image']],
	])('falls back to the node\'s catalog when the key cannot list models: %s lists its own models (%s)', async (operation, filter, expected) => {
		const { context } = loadOptionsContext(operation);
		sandbox().injectFault({ route: 'v7Models', kind: 'status', status: 401 });
		const { results } = await searchV7ImageModels.call(context, filter);
		expect(results.map((model) => model.value).sort()).toEqual([...expected].sort());
		expect(results.every((model) => IMAGE_MODELS.some((entry) => entry.id === model.value && entry.direction === operation))).toBe(true);
	});

	it('the video picker falls back to the operation\'s own video models', async () => {
		const { context } = loadOptionsContext('textToVideo');
		sandbox().injectFault({ route: 'v7Models', kind: 'status', status: 401 });
		const { results } = await searchV7VideoModels.call(context, 'kling');
		expect(results.map((model) => model.value).sort()).toEqual(['kling-v2-1-master-t2v', 'kling-v2-5-turbo-t2v']);
	});

	it('a listing that fails with the key in its query string: the request\'s error names no key', async () => {
		const { context } = loadOptionsContext('generate');
		sandbox().injectFault({ route: 'v7Models', kind: 'status', status: 500 });
		const error = await modelsLabApiRequest
			.call(context, { api: APIS.v7Images, url: V7_MODELS_PATH, query: { feature: 'imagen', search: 'x' }, purpose: 'lookup' })
			.then(() => undefined, (caught: unknown) => caught);
		expect(error).toBeDefined();
		const seen = JSON.stringify(error, Object.getOwnPropertyNames(error)) + String((error as Error).stack);
		expect(seen).not.toContain(sandbox().standardKey);
		expect(sandbox().counters().requests[0].url).toContain(`key=${sandbox().standardKey}`);
	});
});
