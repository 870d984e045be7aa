import type { IDataObject, INode, INodeExecutionData, INodeParameters, NodeParameterValueType } from 'n8n-workflow';

import type { SuccessAnswer as ExpectedAnswer } from '../expectedOutput';
import { successJson } from '../expectedOutput';
import type { RunResult } from '../harness';
import { credentialRef } from '../harness';
import type { RequestRecord } from '../../sandbox/server';
import {
	FLUX,
	NODE_TYPE,
	PROMPT,
	apiCalls,
	expectKeyNowhereButApi,
	fetchResultParams,
	notFoundError,
	pngSize,
	runFlow,
	runNode,
	text2imgParams,
	useSandbox,
} from './setup';

/**
 * Enterprise Text2Img and Fetch Result, in-process through n8n-core's WorkflowExecute, against the
 * sandbox. Every test asserts the exact API requests and the exact output items.
 */

const sandbox = useSandbox();
const STANDARD_KEY = 'sandbox-standard-key';
const ENTERPRISE_KEY = 'sandbox-enterprise-key';

type SuccessAnswer = ExpectedAnswer & { proxy_links: string[] };

interface ProcessingAnswer {
	status: 'processing';
	id: number;
	eta: number;
	fetch_result: string;
	future_links: string[];
	meta: Record<string, unknown>;
}

const enterprise = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'image',
	operation: 'enterpriseText2img',
	modelId: FLUX,
	prompt: PROMPT,
	width: 512,
	height: 768,
	samples: 1,
	options: { numInferenceSteps: 31 },
	...extra,
});

/** Requests the sandbox saw, from index `from` on. */
function requests(from = 0): RequestRecord[] {
	return sandbox().counters().requests.slice(from);
}

function calls(from = 0) {
	return apiCalls(sandbox()).slice(from);
}

/** The items the node must output for a success answer: one per image, exactly. */
function successItems(
	answer: SuccessAnswer,
	itemIndex = 0,
	binaryPropertyName: string | null = 'data',
	format: string | null = 'custom',
) {
	const id = String(answer.id);
	return answer.output.map((_url, imageIndex) => ({
		json: successJson(answer, imageIndex, format),
		...(binaryPropertyName === null
			? {}
			: {
					binary: {
						[binaryPropertyName]: expect.objectContaining({
							mimeType: 'image/png',
							fileType: 'image',
							fileName: `modelslab-${id}-${imageIndex}.png`,
							fileExtension: 'png',
						}),
					},
				}),
		pairedItem: { item: itemIndex },
	}));
}

/** Fetch Result's items: the same, but it cannot know the job's Format. */
function fetchedItems(answer: SuccessAnswer, itemIndex = 0) {
	return successItems(answer, itemIndex, 'data', null);
}

function expectBytesOfJob(result: RunResult, id: number | string, property = 'data') {
	expect(result.binaries).toHaveLength(result.outputs.length);
	result.binaries.forEach((binary, index) => {
		expect(binary[property].equals(sandbox().jobBytes(id, index))).toBe(true);
	});
}

/** The exact call the enterprise operation sends with `enterprise()`'s parameters, plus `changes`. */
function enterpriseCreateCall(changes: Record<string, unknown> = {}) {
	return {
		path: '/api/v1/enterprise/text2img',
		body: {
			key: ENTERPRISE_KEY,
			model_id: 'flux',
			prompt: PROMPT,
			width: 512,
			height: 768,
			samples: 1,
			num_inference_steps: 31,
			...changes,
		},
	};
}

/** Neither key reaches an image host, an output item or an error. */
function expectKeysNowhereButApi(result: RunResult) {
	expectKeyNowhereButApi(sandbox(), result, STANDARD_KEY);
	expectKeyNowhereButApi(sandbox(), result, ENTERPRISE_KEY);
}

function credentialTypes(result: RunResult) {
	return result.credentialApplications.map((application) => application.credentialType);
}

async function sleep(ms: number) {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sleeps until the sandbox job is ready (plus a margin). */
async function untilReady(id: number | string) {
	const job = sandbox().job(id);
	if (!job) throw new Error(`no job ${id}`);
	await sleep(Math.max(0, job.readyAt - Date.now()) + 50);
}

/**
 * Queues a standard job through the node with Wait for Completion off (ready in 800 ms, eta 1 s), then runs
 * Fetch Result on its ID with `extra` and checks the fetch succeeded. `from` indexes the fetch's first request.
 */
async function fetchQueuedJob(extra: INodeParameters = {}) {
	sandbox().configure({ processingMs: 800 });
	const queued = await runNode(sandbox(), { parameters: text2imgParams({ waitForCompletion: false }) });
	expect(queued.status).toBe('success');
	const id = String(queued.outputs[0].json.id);
	const from = requests().length;

	const result = await runNode(sandbox(), { parameters: fetchResultParams(id, extra) });
	expect(result.error).toBeUndefined();
	expect(result.status).toBe('success');
	return { queued, id, from, result };
}

/** Creates a finished standard job through the node (processingMs 0) and returns its answer and run. */
async function createStandardJob(extra: INodeParameters = {}) {
	const from = requests().length;
	const result = await runNode(sandbox(), { parameters: text2imgParams(extra) });
	expect(result.status).toBe('success');
	const create = requests(from).find((request) => request.route === 'create');
	return { result, answer: create?.response as SuccessAnswer };
}

describe('Enterprise Text2Img', () => {
	it('1. succeeds at once: one exact create with the enterprise key, exact item, exact bytes', async () => {
		const result = await runNode(sandbox(), { parameters: enterprise() });
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');

		expect(calls()).toEqual([
			enterpriseCreateCall(),
		]);
		const [create] = requests();
		expect(create.status).toBe(200);
		const answer = create.response as SuccessAnswer;
		expect(answer.status).toBe('success');
		expect(answer.meta.num_inference_steps).toBe(31);

		expect(result.outputs).toEqual(successItems(answer));
		expectBytesOfJob(result, answer.id);
		expect(pngSize(result.binaries[0].data)).toEqual({ width: 512, height: 768 });
		expect(sandbox().counters().cdnLog.map((record) => record.path)).toEqual([new URL(answer.output[0]).pathname]);
		expect(credentialTypes(result)).toEqual(['modelsLabEnterpriseApi']);
		expect(sandbox().counters().creates).toBe(1);
		expectKeysNowhereButApi(result);
	});

	it('2. queued then success: create, one enterprise fetch { key, request_id } at the eta, then the images', async () => {
		sandbox().configure({ processingMs: 700 });
		const result = await runNode(sandbox(), { parameters: enterprise({ samples: 2 }) });
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');

		const [create, fetch, ...rest] = requests();
		expect(rest).toEqual([]);
		const queued = create.response as ProcessingAnswer;
		expect(queued).toMatchObject({
			status: 'processing',
			eta: 1,
			fetch_result: `${sandbox().baseUrl}/api/v1/enterprise/fetch`,
		});
		const id = String(queued.id);
		expect(calls()).toEqual([
			enterpriseCreateCall({ samples: 2 }),
			{ path: '/api/v1/enterprise/fetch', body: { key: ENTERPRISE_KEY, request_id: id } },
		]);
		// first fetch just before the API said the job would be ready: 0.875 × eta (1 s), not sooner
		expect(fetch.t - create.t).toBeGreaterThanOrEqual(870);
		const done = fetch.response as SuccessAnswer;
		expect(done.status).toBe('success');

		expect(result.outputs).toEqual(successItems(done));
		expectBytesOfJob(result, id);
		expect(credentialTypes(result)).toEqual(['modelsLabEnterpriseApi', 'modelsLabEnterpriseApi']);
		expect(sandbox().counters().creates).toBe(1);
		expectKeysNowhereButApi(result);
	});

	it('3a. refuses Inference Steps 30 (only 21, 31, 41) before any request', async () => {
		const result = await runNode(sandbox(), { parameters: enterprise({ options: { numInferenceSteps: 30 } }) });
		expect(result.status).toBe('error');
		expect(result.outputs).toEqual([]);
		const message = result.error?.message ?? '';
		expect(message).toBe('Invalid parameters: Inference Steps must be one of 21, 31, 41, got 30');
		expect(message).toContain('Inference Steps');
		expect(message).toContain('30');
		expect(message).toContain('21, 31, 41');
		expect(result.error?.description).toBe('Nothing was sent to ModelsLab.');
		expect(sandbox().counters().requests).toEqual([]);
		expect(result.credentialApplications).toEqual([]);
		expectKeysNowhereButApi(result);
	});

	it('3b. accepts each of 21, 31 and 41 (also as an expression string) and sends it as a number', async () => {
		const cases: Array<[number | string, number]> = [
			[21, 21],
			[31, 31],
			[41, 41],
			['={{ "41" }}', 41],
		];
		for (const [given, sent] of cases) {
			sandbox().reset();
			const result = await runNode(sandbox(), { parameters: enterprise({ options: { numInferenceSteps: given } }) });
			expect(result.status).toBe('success');
			expect(calls()).toEqual([
				enterpriseCreateCall({ num_inference_steps: sent }),
			]);
			expect(result.outputs).toEqual(successItems(requests()[0].response as SuccessAnswer));
			expectKeysNowhereButApi(result);
		}
	});

	it('3c. an empty model is refused before any request: by n8n when static, by the node when from an expression', async () => {
		// static empty values: n8n's own "required" check stops the workflow before the node runs
		for (const modelId of [{ __rl: true, mode: 'list', value: '' }, { __rl: true, mode: 'id', value: '' }, undefined]) {
			const parameters = enterprise({ modelId });
			if (modelId === undefined) delete parameters.modelId;
			await expect(runNode(sandbox(), { parameters })).rejects.toThrow('Parameter "Model" is required');
			expect(sandbox().counters().requests).toEqual([]);
		}
		// blank or expression-made empty values reach the node, whose validation refuses them
		const dynamic: Array<[NodeParameterValueType, IDataObject]> = [
			[{ __rl: true, mode: 'id', value: '   ' }, {}],
			[{ __rl: true, mode: 'id', value: '={{ $json.model }}' }, { model: '' }],
		];
		for (const [modelId, json] of dynamic) {
			const result = await runNode(sandbox(), { parameters: enterprise({ modelId }), inputItems: [{ json }] });
			expect(result.status).toBe('error');
			expect(result.outputs).toEqual([]);
			expect(result.error?.message).toMatch(/^Invalid parameters: Model is required on the enterprise endpoint/);
			expect(result.error?.description).toBe('Nothing was sent to ModelsLab.');
			expect(sandbox().counters().requests).toEqual([]);
			expect(result.credentialApplications).toEqual([]);
			expectKeysNowhereButApi(result);
		}
	});
});

describe('Fetch Result', () => {
	it('4. on a finished job: exactly one POST /api/v6/images/fetch/<id> { key }, items exactly as text2img gave', async () => {
		const created = await createStandardJob({ samples: 2, options: { seed: 7 } });
		const id = String(created.answer.id);
		const from = requests().length;

		const result = await runNode(sandbox(), { parameters: fetchResultParams(id) });
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');

		expect(calls(from)).toEqual([{ path: `/api/v6/images/fetch/${id}`, body: { key: STANDARD_KEY } }]);
		const fetched = requests(from)[0].response as SuccessAnswer;
		expect(fetched.status).toBe('success');

		expect(result.outputs).toEqual(fetchedItems(fetched));
		// the same items text2img produced for this job: json, file names, pairing
		// but for Format, which Fetch Result cannot know
		expect(result.outputs.map((item) => item.json)).toEqual(created.result.outputs.map((item) => ({ ...item.json, format: null })));
		expect(result.outputs.map((item) => item.binary?.data.fileName)).toEqual(
			created.result.outputs.map((item) => item.binary?.data.fileName),
		);
		expectBytesOfJob(result, id);
		result.binaries.forEach((binary, index) => expect(binary.data.equals(created.result.binaries[index].data)).toBe(true));
		expect(credentialTypes(result)).toEqual(['modelsLabApi']);
		expect(sandbox().counters().creates).toBe(1);
		expectKeysNowhereButApi(result);
	});

	it('5. on a queued job: waits by the eta, then returns the images', async () => {
		const { queued, id, from, result } = await fetchQueuedJob();

		const fetchCall = { path: `/api/v6/images/fetch/${id}`, body: { key: STANDARD_KEY } };
		expect(calls(from)).toEqual([fetchCall, fetchCall]);
		const [first, second] = requests(from);
		expect(first.response).toMatchObject({ status: 'processing', id: Number(id), eta: 1 });
		expect(second.response).toMatchObject({ status: 'success', id: Number(id) });
		// the second fetch waited by the first fetch's eta (1 s): 0.875 × eta
		expect(second.t - first.t).toBeGreaterThanOrEqual(870);

		expect(result.outputs).toEqual(fetchedItems(second.response as SuccessAnswer));
		expectBytesOfJob(result, id);
		expect(sandbox().counters().creates).toBe(1);
		expectKeysNowhereButApi(result);
		expectKeysNowhereButApi(queued);
	});

	it('6. with Wait for Completion off on a queued job: one fetch, then { id, status, eta, futureLinks }', async () => {
		const { id, from, result } = await fetchQueuedJob({ waitForCompletion: false });

		expect(calls(from)).toEqual([{ path: `/api/v6/images/fetch/${id}`, body: { key: STANDARD_KEY } }]);
		const answer = requests(from)[0].response as ProcessingAnswer;
		expect(answer).toMatchObject({ status: 'processing', eta: 1 });
		expect(result.outputs).toEqual([
			{
				json: { id, status: 'processing', eta: answer.eta, futureLinks: answer.future_links },
				pairedItem: { item: 0 },
			},
		]);
		expect(answer.future_links).toHaveLength(1);
		expect(sandbox().counters().cdnLog).toEqual([]);
		expectKeysNowhereButApi(result);
	});

	// issue 12: "Request not found" is asked again for a grace time (bounded here by Max Wait Time, 1 s) before it counts
	it('7a. an unknown request id fails with a message naming the id and "not found"', async () => {
		const result = await runNode(sandbox(), { parameters: fetchResultParams('999999999', { maxWaitTime: 1 }) });
		expect(result.status).toBe('error');
		expect(result.outputs).toEqual([]);
		const notFoundCall = { path: '/api/v6/images/fetch/999999999', body: { key: STANDARD_KEY } };
		expect(calls()).toEqual([notFoundCall, notFoundCall]);
		expect(result.error?.message).toContain('999999999');
		expect(result.error?.message).toMatch(/not found/i);
		expectKeysNowhereButApi(result);
	});

	it('7b. with continue on fail, the unknown id becomes an error item paired to its input; the other item goes on', async () => {
		const created = await createStandardJob();
		const id = String(created.answer.id);
		const from = requests().length;

		const result = await runNode(sandbox(), {
			parameters: fetchResultParams('={{ $json.requestId }}', { maxWaitTime: 1 }),
			inputItems: [{ json: { requestId: id } }, { json: { requestId: '999999999' } }],
			continueOnFail: true,
		});
		expect(result.status).toBe('success');

		expect(calls(from)).toEqual([
			{ path: `/api/v6/images/fetch/${id}`, body: { key: STANDARD_KEY } },
			{ path: '/api/v6/images/fetch/999999999', body: { key: STANDARD_KEY } },
			{ path: '/api/v6/images/fetch/999999999', body: { key: STANDARD_KEY } },
		]);
		const fetched = requests(from)[0].response as SuccessAnswer;
		expect(result.outputs).toHaveLength(2);
		expect(result.outputs[0]).toEqual(fetchedItems(fetched, 0)[0]);
		expect(result.outputs[1]).toEqual({ json: notFoundError('999999999'), pairedItem: { item: 1 } });
		expectKeysNowhereButApi(result);
	});

	it('7c. the error item carries the request id in json.id, as the router does for other failures', async () => {
		const result = await runNode(sandbox(), {
			parameters: fetchResultParams('999999999', { maxWaitTime: 1 }),
			continueOnFail: true,
		});
		expect(result.status).toBe('success');
		const notFoundCall = { path: '/api/v6/images/fetch/999999999', body: { key: STANDARD_KEY } };
		expect(calls()).toEqual([notFoundCall, notFoundCall]);
		// router.ts errorItem() adds `id` from error.context.requestId; jobFailure() (job/jobs.ts) never sets it
		expect(result.outputs).toEqual([{ json: notFoundError('999999999'), pairedItem: { item: 0 } }]);
	});

	it('7e. its first fetch fails on a 502 and a reset connection: asked again after 1 s, then 1.5 s, and the images come', async () => {
		const created = await runNode(sandbox(), { parameters: text2imgParams({ output: 'urls' }) });
		const id = String(created.outputs[0].json.id);
		sandbox().injectFault({ route: 'fetch', kind: 'status', status: 502 });
		sandbox().injectFault({ route: 'fetch', kind: 'reset' });
		const from = requests().length;
		const result = await runNode(sandbox(), { parameters: fetchResultParams(id) });
		expect(result.error).toBeUndefined();
		const fetchCall = { path: `/api/v6/images/fetch/${id}`, body: { key: STANDARD_KEY } };
		expect(calls(from)).toEqual([fetchCall, fetchCall, fetchCall]);
		const [first, second, third] = requests(from);
		expect([first.status, third.status]).toEqual([502, 200]);
		expect(second.t - first.t).toBeGreaterThanOrEqual(950);
		expect(third.t - second.t).toBeGreaterThanOrEqual(1450);
		expect(result.outputs).toEqual(fetchedItems(third.response as SuccessAnswer));
	});

	it('7f. its first fetch refused for good (401) is not asked again; one 502 after another ends at Max Wait Time', async () => {
		const created = await runNode(sandbox(), { parameters: text2imgParams({ output: 'urls' }) });
		const id = String(created.outputs[0].json.id);
		const from = requests().length;
		const refused = await runNode(sandbox(), { parameters: fetchResultParams(id), credentials: { standardKey: 'not-a-key' } });
		expect(refused.error).toMatchObject({ httpCode: '401' });
		expect(requests(from)).toHaveLength(1);

		sandbox().injectFault({ route: 'fetch', kind: 'status', status: 502, times: Infinity });
		const again = requests().length;
		const failing = await runNode(sandbox(), { parameters: fetchResultParams(id, { maxWaitTime: 2 }) });
		// at 0, 1 s; the next (at 2.5 s) would pass Max Wait Time
		expect(requests(again).map((request) => request.status)).toEqual([502, 502]);
		expect(failing.error).toMatchObject({ httpCode: '502' });
		expect(JSON.stringify(failing.error)).not.toContain(STANDARD_KEY);
	});

	it('7d. a Fetch Result that times out also gives an error item with the request id', async () => {
		sandbox().configure({ processingMs: 1000 });
		const queued = await runNode(sandbox(), { parameters: text2imgParams({ waitForCompletion: false }) });
		const id = String(queued.outputs[0].json.id);
		// first fetch answers normally ("processing"), every later one is a 503, until Max Wait Time (1 s)
		sandbox().injectFault({ route: 'fetch', kind: 'delay', ms: 0 });
		sandbox().injectFault({ route: 'fetch', kind: 'status', status: 503, times: Infinity });
		const from = requests().length;

		const result = await runNode(sandbox(), {
			parameters: fetchResultParams(id, { maxWaitTime: 1 }),
			continueOnFail: true,
		});
		expect(result.status).toBe('success');
		const fetchCall = { path: `/api/v6/images/fetch/${id}`, body: { key: STANDARD_KEY } };
		// the immediate fetch, the wait's fetch at 0.875 × eta (if before the deadline), a last one at the deadline
		const statuses = requests(from).map((request) => request.status);
		expect([[200, 503], [200, 503, 503]]).toContainEqual(statuses);
		expect(calls(from)).toEqual(statuses.map(() => fetchCall));
		expect(result.outputs).toEqual([
			{
				json: {
					error: expect.stringMatching(new RegExp(`^Request ${id} was still unreachable .* after 1 s \\(Max Wait Time\\)$`)),
					description: expect.stringContaining(`Fetch Result (API: Standard) and request ID ${id}`),
					id,
				},
				pairedItem: { item: 0 },
			},
		]);
		expectKeysNowhereButApi(result);
	});

	it('8a. api "enterprise" fetches an enterprise job with the enterprise key only', async () => {
		const created = await runNode(sandbox(), { parameters: enterprise() });
		expect(created.status).toBe('success');
		const answer = requests()[0].response as SuccessAnswer;
		const id = String(answer.id);
		const from = requests().length;

		const result = await runNode(sandbox(), { parameters: fetchResultParams(id, { api: 'enterprise' }) });
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');

		expect(calls(from)).toEqual([
			{ path: '/api/v1/enterprise/fetch', body: { key: ENTERPRISE_KEY, request_id: id } },
		]);
		expect(JSON.stringify(requests(from))).not.toContain(STANDARD_KEY);
		expect(credentialTypes(result)).toEqual(['modelsLabEnterpriseApi']);
		expect(result.outputs).toEqual(fetchedItems(requests(from)[0].response as SuccessAnswer));
		expect(result.outputs.map((item) => item.json)).toEqual(created.outputs.map((item) => ({ ...item.json, format: null })));
		expectBytesOfJob(result, id);
		expectKeysNowhereButApi(result);
	});

	it('8b. api "standard" fetches a standard job with the standard key only', async () => {
		const created = await createStandardJob();
		const id = String(created.answer.id);
		const from = requests().length;

		const result = await runNode(sandbox(), { parameters: fetchResultParams(id, { api: 'standard' }) });
		expect(result.status).toBe('success');
		expect(calls(from)).toEqual([{ path: `/api/v6/images/fetch/${id}`, body: { key: STANDARD_KEY } }]);
		expect(JSON.stringify(requests(from))).not.toContain(ENTERPRISE_KEY);
		expect(credentialTypes(result)).toEqual(['modelsLabApi']);
		expect(result.outputs).toEqual(fetchedItems(requests(from)[0].response as SuccessAnswer));
		expectKeysNowhereButApi(result);
	});

	it('8c. a standard job fetched with api "enterprise" is not found: the enterprise key went to the enterprise route', async () => {
		const created = await createStandardJob();
		const id = String(created.answer.id);
		const from = requests().length;

		// issue 12: asked again once when the "not found" grace time ends (Max Wait Time, 1 s)
		const result = await runNode(sandbox(), { parameters: fetchResultParams(id, { api: 'enterprise', maxWaitTime: 1 }) });
		expect(result.status).toBe('error');
		const enterpriseCall = { path: '/api/v1/enterprise/fetch', body: { key: ENTERPRISE_KEY, request_id: id } };
		expect(calls(from)).toEqual([enterpriseCall, enterpriseCall]);
		expect(result.error?.message).toContain(id);
		expect(result.error?.message).toMatch(/not found/i);
		expectKeysNowhereButApi(result);
	});

	it('9. accepts a request id that an expression yields as a number', async () => {
		const created = await createStandardJob();
		const numericId = created.answer.id;
		expect(typeof numericId).toBe('number');
		const from = requests().length;

		const result = await runNode(sandbox(), {
			parameters: fetchResultParams('={{ $json.id }}'),
			inputItems: [{ json: { id: numericId } }],
		});
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(calls(from)).toEqual([{ path: `/api/v6/images/fetch/${numericId}`, body: { key: STANDARD_KEY } }]);
		expect(result.outputs).toEqual(fetchedItems(requests(from)[0].response as SuccessAnswer));
		expectBytesOfJob(result, numericId);
		expectKeysNowhereButApi(result);
	});
});

describe('Both credentials in one workflow', () => {
	it('10. text2img (standard) then enterprise text2img: each request carries its own key', async () => {
		const bothCredentials = {
			modelsLabApi: credentialRef('modelsLabApi'),
			modelsLabEnterpriseApi: credentialRef('modelsLabEnterpriseApi'),
		};
		const nodes: INode[] = [
			{
				id: 'a',
				name: 'Generate',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: text2imgParams({ output: 'urls', options: { seed: 3 } }),
				credentials: bothCredentials,
			},
			{
				id: 'b',
				name: 'Enterprise',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [220, 0],
				parameters: enterprise({ prompt: '={{ $json.imageUrl }}', width: 256, height: 256 }),
				credentials: bothCredentials,
			},
		];
		const result = await runFlow(sandbox(), {
			nodes,
			connections: { Generate: { main: [[{ node: 'Enterprise', type: 'main', index: 0 }]] } },
		});
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.nodeExecutionOrder).toEqual(['Generate', 'Enterprise']);

		const [createA, createB, ...rest] = requests();
		expect(rest).toEqual([]);
		const answerA = createA.response as SuccessAnswer;
		const answerB = createB.response as SuccessAnswer;
		expect(calls()).toEqual([
			{
				path: '/api/v6/images/text2img',
				body: { key: STANDARD_KEY, model_id: 'flux', prompt: PROMPT, width: 512, height: 512, samples: 1, seed: 3 },
			},
			enterpriseCreateCall({ prompt: answerA.output[0], width: 256, height: 256 }),
		]);

		const outputsA = result.runData.Generate.at(-1)?.data?.main[0] as INodeExecutionData[];
		expect(outputsA).toEqual(successItems(answerA, 0, null));
		expect(result.outputs).toEqual(successItems(answerB, 0));
		expectBytesOfJob(result, answerB.id);
		expect(pngSize(result.binaries[0].data)).toEqual({ width: 256, height: 256 });
		expect(result.credentialApplications.map(({ credentialType, nodeName }) => ({ credentialType, nodeName }))).toEqual([
			{ credentialType: 'modelsLabApi', nodeName: 'Generate' },
			{ credentialType: 'modelsLabEnterpriseApi', nodeName: 'Enterprise' },
		]);
		expect(JSON.stringify(outputsA)).not.toContain(STANDARD_KEY);
		expect(JSON.stringify(outputsA)).not.toContain(ENTERPRISE_KEY);
		expectKeysNowhereButApi(result);
	});
});

describe('Generate now, fetch later', () => {
	it('11. text2img with wait off, then Fetch Result, gives the same image as one text2img with wait on', async () => {
		const seedOptions = { options: { seed: 42 } };

		// (a) generate with wait off on a queued job; fetch it later by id
		sandbox().configure({ processingMs: 600 });
		const queued = await runNode(sandbox(), { parameters: text2imgParams({ ...seedOptions, waitForCompletion: false }) });
		expect(queued.status).toBe('success');
		const createAnswer = requests()[0].response as ProcessingAnswer;
		expect(createAnswer.status).toBe('processing');
		const id = String(createAnswer.id);
		expect(queued.outputs).toEqual([
			{
				json: { id, status: 'processing', eta: 1, futureLinks: createAnswer.future_links },
				pairedItem: { item: 0 },
			},
		]);
		expect(calls()).toEqual([
			{
				path: '/api/v6/images/text2img',
				body: { key: STANDARD_KEY, model_id: 'flux', prompt: PROMPT, width: 512, height: 512, samples: 1, seed: 42 },
			},
		]);

		await untilReady(id);
		const later = await runNode(sandbox(), {
			parameters: fetchResultParams('={{ $json.id }}'),
			inputItems: queued.outputs.map((item) => ({ json: item.json })),
		});
		expect(later.error).toBeUndefined();
		expect(later.status).toBe('success');
		expect(calls(1)).toEqual([{ path: `/api/v6/images/fetch/${id}`, body: { key: STANDARD_KEY } }]);
		const fetched = requests(1)[0].response as SuccessAnswer;
		expect(later.outputs).toEqual(fetchedItems(fetched));
		// the images are where the queued answer said they would be
		expect(later.outputs.map((item) => item.json.imageUrl)).toEqual(createAnswer.future_links);
		expectBytesOfJob(later, id);
		const countersA = sandbox().counters();
		expect(countersA.creates).toBe(1);
		expect(countersA.createAttempts).toBe(1);
		expectKeysNowhereButApi(queued);
		expectKeysNowhereButApi(later);
		const itemA = later.outputs[0];
		const bytesA = later.binaries[0].data;

		// (b) the same prompt and seed in one text2img with wait on
		sandbox().reset();
		const direct = await runNode(sandbox(), { parameters: text2imgParams(seedOptions) });
		expect(direct.status).toBe('success');
		const answerB = requests()[0].response as SuccessAnswer;
		expect(direct.outputs).toEqual(successItems(answerB));
		const itemB = direct.outputs[0];
		const bytesB = direct.binaries[0].data;
		expect(bytesB.equals(sandbox().jobBytes(answerB.id, 0))).toBe(true);
		expectKeysNowhereButApi(direct);

		// same image, same item shape; only what names the job (id, its CDN link, file_prefix) differs
		expect(bytesA.equals(bytesB)).toBe(true);
		expect(Object.keys(itemA.json).sort()).toEqual(Object.keys(itemB.json).sort());
		expect(itemA.json.imageIndex).toBe(itemB.json.imageIndex);
		expect(itemA.json.seed).toBe(42);
		expect(itemB.json.seed).toBe(42);
		const { file_prefix: prefixA, ...metaA } = itemA.json.meta as IDataObject;
		const { file_prefix: prefixB, ...metaB } = itemB.json.meta as IDataObject;
		expect(metaA).toEqual(metaB);
		expect(itemA.json.imageUrl).toBe(`${sandbox().cdnUrl}/generations/${String(prefixA)}-0.png`);
		expect(itemB.json.imageUrl).toBe(`${sandbox().cdnUrl}/generations/${String(prefixB)}-0.png`);
		expect(itemA.binary?.data.fileName).toBe(`modelslab-${id}-0.png`);
		expect(itemB.binary?.data.fileName).toBe(`modelslab-${answerB.id}-0.png`);
	});
});
