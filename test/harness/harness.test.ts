import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type {
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeType,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError, sleep } from 'n8n-workflow';

import { INPUT_NODE_NAME, NODE_UNDER_TEST_NAME, runWorkflow, startWorkflow } from './index';
import type { NodeRunOptions } from './index';

// ---- local API server -------------------------------------------------------------------------

interface ReceivedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: IncomingHttpHeaders;
	body?: IDataObject;
}

const IMAGE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 255, 0]);
let server: Server;
let baseUrl: string;
const received: ReceivedRequest[] = [];

beforeAll(async () => {
	server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', baseUrl);
			const raw = Buffer.concat(chunks).toString();
			const body = raw ? (JSON.parse(raw) as IDataObject) : undefined;
			received.push({
				method: req.method ?? '',
				path: url.pathname,
				query: Object.fromEntries(url.searchParams),
				headers: req.headers,
				body,
			});

			if (url.pathname === '/generate' && body?.prompt === 'bad') {
				res.writeHead(422, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ status: 'error', message: 'prompt rejected' }));
			} else if (url.pathname === '/generate') {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ status: 'success', output: [`${baseUrl}/files/out.png`] }));
			} else if (url.pathname === '/files/out.png') {
				res.writeHead(200, { 'content-type': 'image/png' });
				res.end(IMAGE);
			} else {
				res.writeHead(404).end();
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
	received.length = 0;
});

// ---- credential types -------------------------------------------------------------------------

const testApi: ICredentialType = {
	name: 'testApi',
	displayName: 'Test API',
	properties: [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: 'http://127.0.0.1:9' },
		{ displayName: 'Region', name: 'region', type: 'string', default: 'eu' },
	],
	authenticate: { type: 'generic', properties: { body: { key: '={{$credentials.apiKey}}' } } },
};

const testFnApi: ICredentialType = {
	name: 'testFnApi',
	displayName: 'Test API (function auth)',
	properties: [
		{ displayName: 'Token', name: 'token', type: 'string', default: '' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
	],
	authenticate: async (credentials, requestOptions: IHttpRequestOptions) => ({
		...requestOptions,
		headers: { ...requestOptions.headers, 'x-api-token': credentials.token as string },
	}),
};

// ---- test node ----------------------------------------------------------------------------------

const TEST_NODE_TYPE = 'n8n-nodes-harness-test.testNode';
/** What the node saw of the cancel signal (written from inside the execution). */
const observed: { signalAborted?: boolean } = {};

const testNode: INodeType = {
	description: {
		displayName: 'Test Node',
		name: 'testNode',
		group: ['transform'],
		version: [1, 2],
		description: 'Exercises the harness',
		defaults: { name: 'Test Node' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'testApi', required: true, displayOptions: { show: { authentication: ['generic'] } } },
			{
				name: 'testFnApi',
				required: true,
				displayOptions: { show: { authentication: ['function'] } },
			},
		],
		properties: [
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{ name: 'Generic', value: 'generic' },
					{ name: 'Function', value: 'function' },
				],
				default: 'generic',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				options: [
					{ name: 'Generate', value: 'generate' },
					{ name: 'Wait', value: 'wait' },
				],
				default: 'generate',
			},
			{ displayName: 'Prompt', name: 'prompt', type: 'string', default: '' },
			{ displayName: 'Wait (ms)', name: 'waitMs', type: 'number', default: 10_000 },
		],
	},
	async execute(this: IExecuteFunctions) {
		const items = this.getInputData();
		const returnData: INodeExecutionData[] = [];
		const authentication = this.getNodeParameter('authentication', 0) as string;
		const credentialType = authentication === 'generic' ? 'testApi' : 'testFnApi';

		for (let i = 0; i < items.length; i++) {
			try {
				if (this.getNodeParameter('operation', i) === 'wait') {
					const signal = this.getExecutionCancelSignal();
					try {
						await sleep(this.getNodeParameter('waitMs', i) as number, signal);
					} catch (error) {
						observed.signalAborted = signal?.aborted;
						throw error;
					}
					returnData.push({ json: { waited: true }, pairedItem: { item: i } });
					continue;
				}

				const credentials = await this.getCredentials<{ baseUrl: string }>(credentialType, i);
				const prompt = this.getNodeParameter('prompt', i) as string;
				// n8n-core already wraps HTTP failures of this helper in a NodeApiError
				const generated = (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
					method: 'POST',
					url: `${credentials.baseUrl}/generate`,
					body: { prompt },
					json: true,
				})) as { output: string[] };
				const image = (await this.helpers.httpRequest({
					method: 'GET',
					url: generated.output[0],
					encoding: 'arraybuffer',
				})) as Buffer;
				const binary = await this.helpers.prepareBinaryData(Buffer.from(image), 'out.png', 'image/png');
				returnData.push({
					json: { prompt, imageUrl: generated.output[0] },
					binary: { data: binary },
					pairedItem: { item: i },
				});
			} catch (error) {
				if (this.continueOnFail()) {
					returnData.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				if (error instanceof NodeApiError || error instanceof NodeOperationError) throw error;
				throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
			}
		}
		return [returnData];
	},
};

// Declarative-style hybrid: no execute(), the engine must route to the custom operation.
const CUSTOM_NODE_TYPE = 'n8n-nodes-harness-test.customOps';
const customOpsNode: INodeType = {
	description: {
		displayName: 'Custom Ops',
		name: 'customOps',
		group: ['transform'],
		version: 1,
		description: 'customOperations without execute',
		defaults: { name: 'Custom Ops' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		requestDefaults: { baseURL: 'http://127.0.0.1:9' },
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Image', value: 'image' }],
				default: 'image',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['image'] } },
				options: [{ name: 'Text to Image', value: 'text2img', action: 'Text to image' }],
				default: 'text2img',
			},
			{ displayName: 'Prompt', name: 'prompt', type: 'string', default: 'a cat' },
		],
	},
	customOperations: {
		image: {
			async text2img(this: IExecuteFunctions) {
				return [
					this.getInputData().map((item, i) => ({
						json: {
							via: 'customOperation',
							prompt: this.getNodeParameter('prompt', i) as string,
							resource: this.getNodeParameter('resource', i) as string,
							operation: this.getNodeParameter('operation', i) as string,
							input: item.json,
						},
						pairedItem: { item: i },
					})),
				];
			},
		},
	},
};

// ---- helpers -----------------------------------------------------------------------------------

const base = (overrides: Partial<NodeRunOptions> = {}): NodeRunOptions => ({
	nodeTypes: { [TEST_NODE_TYPE]: testNode },
	credentialTypes: { testApi, testFnApi },
	credentials: { testApi: { apiKey: 'k', baseUrl } },
	node: { type: TEST_NODE_TYPE, parameters: { prompt: '={{ $json.prompt }}' } },
	inputItems: [{ json: { prompt: 'a red fox' } }],
	...overrides,
});

const hasKeyAnywhere = (request: ReceivedRequest) =>
	'key' in request.query ||
	(request.body !== undefined && 'key' in request.body) ||
	Object.values(request.headers).some((value) => String(value).includes('k-secret'));

// ---- tests -------------------------------------------------------------------------------------

describe('runWorkflow', () => {
	test.each(['default', 'filesystem'] as const)(
		'authenticated POST, plain download and binary output (binaryMode=%s)',
		async (binaryMode) => {
			const result = await runWorkflow(
				base({ binaryMode, credentials: { testApi: { apiKey: 'k-secret', baseUrl } } }),
			);

			expect(result.error).toBeUndefined();
			expect(result.status).toBe('success');
			expect(result.nodeExecutionOrder).toEqual([INPUT_NODE_NAME, NODE_UNDER_TEST_NAME]);

			const [post, download] = received;
			expect(post).toMatchObject({ method: 'POST', path: '/generate' });
			// generic authenticate merges into the node's own body
			expect(post.body).toEqual({ prompt: 'a red fox', key: 'k-secret' });
			expect(download).toMatchObject({ method: 'GET', path: '/files/out.png' });
			expect(hasKeyAnywhere(download)).toBe(false);

			expect(result.credentialApplications).toHaveLength(1);
			expect(result.credentialApplications[0]).toMatchObject({
				credentialType: 'testApi',
				kind: 'generic',
				method: 'POST',
				url: `${baseUrl}/generate`,
				nodeName: NODE_UNDER_TEST_NAME,
				requestOptions: { body: { prompt: 'a red fox', key: 'k-secret' } },
			});

			expect(result.outputs).toHaveLength(1);
			expect(result.outputs[0].json).toEqual({
				prompt: 'a red fox',
				imageUrl: `${baseUrl}/files/out.png`,
			});
			expect(result.outputs[0].pairedItem).toEqual({ item: 0 });
			expect(result.binaries).toEqual([{ data: IMAGE }]);

			const binary = result.outputs[0].binary!.data;
			expect(binary).toMatchObject({ mimeType: 'image/png', fileName: 'out.png' });
			if (binaryMode === 'default') {
				expect(binary.id).toBeUndefined();
				expect(Buffer.from(binary.data, 'base64')).toEqual(IMAGE);
			} else {
				expect(binary.id).toMatch(/^filesystem-v2:/);
			}
		},
	);

	test('function-typed authenticate, selected through a credential displayOptions', async () => {
		const result = await runWorkflow(
			base({
				credentials: { testFnApi: { token: 'tok-1', baseUrl } },
				node: {
					type: TEST_NODE_TYPE,
					parameters: { authentication: 'function', prompt: 'x' },
				},
			}),
		);

		expect(result.error).toBeUndefined();
		expect(received[0].headers['x-api-token']).toBe('tok-1');
		expect(received[0].body).toEqual({ prompt: 'x' });
		expect(received[1].headers['x-api-token']).toBeUndefined();
		expect(result.credentialApplications.map((a) => a.kind)).toEqual(['function']);
	});

	test('credential data gets the credential type defaults, as the CLI fills them', async () => {
		const seen: IDataObject[] = [];
		const probe: INodeType = {
			description: { ...testNode.description, name: 'probe' },
			async execute(this: IExecuteFunctions) {
				seen.push(await this.getCredentials('testApi'));
				return [this.getInputData()];
			},
		};
		await runWorkflow(base({ nodeTypes: { [TEST_NODE_TYPE]: probe } }));
		expect(seen).toEqual([{ apiKey: 'k', baseUrl, region: 'eu' }]);
	});

	test('expressions per item and pairedItem mapping over several items', async () => {
		const result = await runWorkflow(
			base({ inputItems: [{ json: { prompt: 'one' } }, { json: { prompt: 'two' } }] }),
		);

		expect(result.outputs.map((o) => [o.json.prompt, o.pairedItem])).toEqual([
			['one', { item: 0 }],
			['two', { item: 1 }],
		]);
		expect(received.filter((r) => r.path === '/generate').map((r) => r.body)).toEqual([
			{ prompt: 'one', key: 'k' },
			{ prompt: 'two', key: 'k' },
		]);
		expect(result.binaries).toEqual([{ data: IMAGE }, { data: IMAGE }]);
	});

	test('continueOnFail turns a failing item into an error item', async () => {
		const result = await runWorkflow(
			base({
				node: {
					type: TEST_NODE_TYPE,
					parameters: { prompt: '={{ $json.prompt }}' },
					continueOnFail: true,
				},
				inputItems: [{ json: { prompt: 'bad' } }, { json: { prompt: 'good' } }],
			}),
		);

		expect(result.status).toBe('success');
		expect(result.error).toBeUndefined();
		expect(result.outputs).toHaveLength(2);
		expect(result.outputs[0].json.error).toEqual(expect.any(String));
		expect(result.outputs[0].pairedItem).toEqual({ item: 0 });
		expect(result.outputs[1].json.prompt).toBe('good');
		expect(result.binaries).toEqual([{}, { data: IMAGE }]);
	});

	test('without continueOnFail the run fails with the node error', async () => {
		const result = await runWorkflow(base({ inputItems: [{ json: { prompt: 'bad' } }] }));

		expect(result.status).toBe('error');
		expect(result.outputs).toEqual([]);
		// n8n stores a plain copy of the error ({ ...error, message, stack }), not the instance
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			httpCode: '422',
			description: 'prompt rejected',
			node: { name: NODE_UNDER_TEST_NAME },
		});
	});

	test('onError: continueErrorOutput routes failures to the second output', async () => {
		const result = await runWorkflow(
			base({
				node: {
					type: TEST_NODE_TYPE,
					parameters: { prompt: '={{ $json.prompt }}' },
					onError: 'continueErrorOutput',
				},
				inputItems: [{ json: { prompt: 'good' } }, { json: { prompt: 'bad' } }],
			}),
		);
		expect(result.status).toBe('success');
		expect(result.allOutputs).toHaveLength(2);
		expect(result.allOutputs[0].map((o) => o.json.prompt)).toEqual(['good']);
		expect(result.allOutputs[1]).toHaveLength(1);
		expect(result.allOutputs[1][0].pairedItem).toEqual({ item: 1 });
	});

	test('n8n refuses to start a workflow with parameter issues', async () => {
		const strict: INodeType = {
			...testNode,
			description: {
				...testNode.description,
				properties: [
					...testNode.description.properties,
					{ displayName: 'Model', name: 'model', type: 'string', required: true, default: '' },
				],
			},
		};
		await expect(runWorkflow(base({ nodeTypes: { [TEST_NODE_TYPE]: strict } }))).rejects.toThrow(
			'Parameter "Model" is required',
		);
	});

	test('a missing credential fails like n8n does', async () => {
		const result = await runWorkflow(base({ credentials: {} }));
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/credentials/i);
	});

	test('cancel() stops the run through the execution cancel signal', async () => {
		observed.signalAborted = undefined;
		const started = Date.now();
		const execution = startWorkflow(
			base({ node: { type: TEST_NODE_TYPE, parameters: { operation: 'wait', waitMs: 20_000 } } }),
		);
		setTimeout(() => execution.cancel(), 200);
		const result = await execution.promise;

		expect(Date.now() - started).toBeLessThan(5_000);
		expect(result.status).toBe('canceled');
		expect(observed.signalAborted).toBe(true);
		expect(result.outputs).toEqual([]);
		// The node rethrew the signal's abort error, so the engine's own IRun says 'error'; n8n
		// records the execution as canceled regardless. (Under jest the DOMException comes from
		// another realm, so ensureError() turns it into "Error that was not an instance of Error…".)
		expect(result.error).toBeDefined();
		expect(result.run.status).toBe('error');
	});

	test('cancelAfterMs does the same', async () => {
		observed.signalAborted = undefined;
		const started = Date.now();
		const result = await runWorkflow(
			base({
				node: { type: TEST_NODE_TYPE, parameters: { operation: 'wait', waitMs: 20_000 } },
				cancelAfterMs: 100,
			}),
		);
		expect(Date.now() - started).toBeLessThan(5_000);
		expect(result.status).toBe('canceled');
		expect(observed.signalAborted).toBe(true);
	});

	test.each([
		['omitted (filled from defaults)', {}],
		['saved explicitly', { resource: 'image', operation: 'text2img' }],
	])('customOperations run without execute() when resource/operation are %s', async (_, saved) => {
		const result = await runWorkflow({
			nodeTypes: { [CUSTOM_NODE_TYPE]: customOpsNode },
			node: { type: CUSTOM_NODE_TYPE, parameters: saved },
			inputItems: [{ json: { n: 1 } }],
		});

		expect(result.error).toBeUndefined();
		expect(result.outputs).toEqual([
			{
				json: {
					via: 'customOperation',
					prompt: 'a cat',
					resource: 'image',
					operation: 'text2img',
					input: { n: 1 },
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	test('explicit workflow form', async () => {
		const result = await runWorkflow({
			nodeTypes: { [CUSTOM_NODE_TYPE]: customOpsNode, [TEST_NODE_TYPE]: testNode },
			credentialTypes: { testApi },
			credentials: { testApi: { apiKey: 'k', baseUrl } },
			workflow: {
				nodes: [
					{
						id: '1',
						name: 'Prompts',
						type: CUSTOM_NODE_TYPE,
						typeVersion: 1,
						position: [0, 0],
						parameters: { prompt: 'from first node' },
					},
					{
						id: '2',
						name: 'Generate',
						type: TEST_NODE_TYPE,
						typeVersion: 2,
						position: [200, 0],
						parameters: { prompt: '={{ $json.prompt }}' },
						credentials: { testApi: { id: 'testApi', name: 'Test API' } },
					},
				],
				connections: { Prompts: { main: [[{ node: 'Generate', type: 'main', index: 0 }]] } },
			},
		});

		expect(result.error).toBeUndefined();
		expect(result.nodeExecutionOrder).toEqual(['Prompts', 'Generate']);
		expect(result.outputs[0].json.prompt).toBe('from first node');
		expect(result.binaries).toEqual([{ data: IMAGE }]);
	});
});
