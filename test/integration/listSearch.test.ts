import type { IHttpRequestOptions, ILoadOptionsFunctions } from 'n8n-workflow';

import { searchModels } from '../../nodes/ModelsLab/methods/listSearch';
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
				const response = await fetch(options.url, {
					method: options.method,
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ ...(options.body as object), key }),
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
