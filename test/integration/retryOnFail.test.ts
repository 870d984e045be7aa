import type { IDataObject, INode, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { ModelsLabApi } from '../../credentials/ModelsLabApi.credentials';
import { ModelsLab } from '../../nodes/ModelsLab/ModelsLab.node';
import { RetryMemory } from '../../nodes/ModelsLab/job/retryMemory';
import type { Fault, RequestRecord } from '../../sandbox/server';
import { encodePng } from '../../sandbox/images/png';
import type { SuccessAnswer } from '../expectedOutput';
import { successJson } from '../expectedOutput';
import type { RunResult } from '../harness';
import { INPUT_NODE_TYPE, createInputNodeType, credentialRef, runWorkflow } from '../harness';
import { NODE_TYPE, runNode, text2imgParams, useSandbox } from './setup';

/**
 * n8n's own error settings, run by n8n-core's WorkflowExecute: Retry On Fail calls the node again with
 * the same items, execution and run index, and each item must then do what costs nothing and loses
 * nothing (job/runJob.ts). Continue (using error output) must put failed rows on the error output.
 */

const sandbox = useSandbox();
const KEY = 'sandbox-standard-key';
const RETRY = { retryOnFail: true, maxTries: 2, waitBetweenTries: 10 };
const PROMPTS = ['first row', 'second row', 'third row'];
const rows = (prompts = PROMPTS): INodeExecutionData[] => prompts.map((prompt) => ({ json: { prompt } }));
const rowParams = (extra: INodeParameters = {}) =>
	text2imgParams({ prompt: '={{ $json.prompt }}', concurrency: 3, ...extra });

const requests = (): RequestRecord[] => sandbox().counters().requests;
const promptOf = (request: RequestRecord) => (request.body as { prompt?: string }).prompt;

/** How many creates each prompt got, in PROMPTS order. */
function createsPerRow(prompts = PROMPTS): number[] {
	const creates = requests().filter((request) => request.route === 'create');
	return prompts.map((prompt) => creates.filter((request) => promptOf(request) === prompt).length);
}

/** The sandbox's jobs for a prompt, oldest first. */
function jobsOf(prompt: string) {
	return sandbox()
		.counters()
		.jobs.filter((job) => job.prompt === prompt);
}

/** The answer that finished job `id`: its create's, or the fetch's that found it done. */
function successAnswer(id: number): SuccessAnswer {
	const answer = requests()
		.map((request) => request.response as SuccessAnswer | undefined)
		.find((response) => response?.status === 'success' && response.id === id);
	if (!answer) throw new Error(`no success answer for job ${id}`);
	return answer;
}

/** The fetch requests, as the exact path and body, in order. */
function fetches() {
	return requests()
		.filter((request) => request.route === 'fetch')
		.map((request) => ({ path: request.path, body: request.body }));
}
const fetchOf = (id: number) => ({ path: `/api/v6/images/fetch/${id}`, body: { key: KEY } });
/** Requests in path order: items run at once, so their jobs' IDs come in any order. */
const byPath = <T extends { path: string }>(list: T[]) => [...list].sort((a, b) => a.path.localeCompare(b.path));

/** Each output item is the success item of `ids[i]`'s job, paired to row i, with that job's exact bytes. */
function expectImagesOfJobs(result: RunResult, ids: number[]) {
	expect(result.outputs).toEqual(
		ids.map((id, row) => ({
			json: successJson(successAnswer(id), 0),
			binary: { data: expect.objectContaining({ mimeType: 'image/png', fileName: `modelslab-${id}-0.png` }) },
			pairedItem: { item: row },
		})),
	);
	ids.forEach((id, row) => expect(result.binaries[row].data.equals(sandbox().jobBytes(id, 0))).toBe(true));
}

const run = async (parameters: INodeParameters, extra: { inputItems?: INodeExecutionData[]; settings?: object } = {}) =>
	await runNode(sandbox(), { parameters, inputItems: extra.inputItems ?? rows(), settings: { ...RETRY, ...extra.settings } });

describe('Retry On Fail: each row billed once', () => {
	it('the issue\'s three rows: a failed job is created again, the finished ones are fetched by ID, not created (1, 2, 1)', async () => {
		sandbox().injectFault({ route: 'create', kind: 'failed', prompt: 'second row' });
		const result = await run(rowParams());

		expect(result.error).toBeUndefined();
		expect(createsPerRow()).toEqual([1, 2, 1]);
		const [first] = jobsOf('first row');
		const [, second] = jobsOf('second row');
		const [third] = jobsOf('third row');
		// the second try fetched the two finished jobs by their IDs, once each, for free
		expect(byPath(fetches())).toEqual(byPath([fetchOf(first.id), fetchOf(third.id)]));
		expectImagesOfJobs(result, [first.id, second.id, third.id]);
		expect(sandbox().counters().creates).toBe(4);
	});

	it('each try of the node ends by refreshing its rows\' entries, so a long batch\'s first rows outlive the try', async () => {
		const refreshed = jest.spyOn(RetryMemory.prototype, 'refreshRun');
		try {
			sandbox().injectFault({ route: 'create', kind: 'failed', prompt: 'second row' });
			const result = await run(rowParams());
			expect(result.error).toBeUndefined();
			// two tries of the node (the second after the failed row), each refreshing the same run at its end
			expect(refreshed).toHaveBeenCalledTimes(2);
			expect(refreshed.mock.calls[0][0]).toBe(refreshed.mock.calls[1][0]);
			expect(createsPerRow()).toEqual([1, 2, 1]);
		} finally {
			refreshed.mockRestore();
		}
	});

	it('a job that fails while it is waited for is created again; the rows whose jobs finished are fetched by ID (1, 2, 1)', async () => {
		sandbox().configure({ processingMs: 400 });
		sandbox().injectFault({ route: 'create', kind: 'failed', prompt: 'second row' });
		const result = await run(rowParams());

		expect(result.error).toBeUndefined();
		// every create was answered "processing": the failure came from a fetch
		expect(requests().filter((request) => request.route === 'create').map((request) => (request.response as { status: string }).status)).toEqual(['processing', 'processing', 'processing', 'processing']);
		expect(createsPerRow()).toEqual([1, 2, 1]);
		const [failed, second] = jobsOf('second row');
		expect(failed.state).toBe('failed');
		const [first] = jobsOf('first row');
		const [third] = jobsOf('third row');
		expectImagesOfJobs(result, [first.id, second.id, third.id]);
		expect(sandbox().counters().creates).toBe(4);
	});

	it('a job still processing when Max Wait Time ran out is waited for again on its ID, never created again', async () => {
		sandbox().configure({ processingMs: 2500 });
		const result = await run(rowParams({ maxWaitTime: 1 }), { inputItems: rows(['first row']), settings: { waitBetweenTries: 1000 } });

		expect(result.error).toBeUndefined();
		expect(createsPerRow(['first row'])).toEqual([1]);
		const [job] = jobsOf('first row');
		expect(new Set(fetches().map((request) => request.path))).toEqual(new Set([fetchOf(job.id).path]));
		// the first try's fetch found it processing; the second try's last found it done
		expect(requests().map((request) => [request.route, (request.response as { status: string }).status])).toEqual([
			['create', 'processing'],
			...Array.from({ length: fetches().length - 1 }, () => ['fetch', 'processing']),
			['fetch', 'success'],
		]);
		expectImagesOfJobs(result, [job.id]);
	});

	it('without Wait for Completion a queued job gives its pending item again, with no request; a refused create is sent again', async () => {
		sandbox().configure({ processingMs: 60_000 });
		sandbox().injectFault({ route: 'create', kind: 'apiError', message: 'The prompt field is required.', prompt: 'second row' });
		const result = await run(rowParams({ waitForCompletion: false }), { inputItems: rows(['first row', 'second row']) });

		expect(result.error).toBeUndefined();
		expect(createsPerRow(['first row', 'second row'])).toEqual([1, 2]);
		expect(fetches()).toEqual([]);
		const pending = (prompt: string, row: number) => {
			const [job] = jobsOf(prompt);
			const answer = requests().find((request) => request.route === 'create' && promptOf(request) === prompt && request.status === 200 && (request.response as IDataObject).status === 'processing')!.response as IDataObject;
			return { json: { id: String(job.id), status: 'processing', eta: answer.eta, futureLinks: answer.future_links }, pairedItem: { item: row } };
		};
		expect(result.outputs).toEqual([pending('first row', 0), pending('second row', 1)]);
	});

	const refusals: Array<[string, Fault]> = [
		['429, queue full (retry_after past Max Wait Time)', { route: 'create', kind: 'recorded', answer: 'queueFull', prompt: 'second row' }],
		['the spam filter', { route: 'create', kind: 'recorded', answer: 'spamFilter', prompt: 'second row' }],
	];
	it.each(refusals)('a create refused before ModelsLab accepted it (%s) is created again; nothing was billed', async (_name, fault) => {
		sandbox().injectFault(fault);
		const result = await run(rowParams({ maxWaitTime: 1 }));

		expect(result.error).toBeUndefined();
		expect(createsPerRow()).toEqual([1, 2, 1]);
		const refused = requests().find((request) => request.fault === 'recorded')!;
		expect(promptOf(refused)).toBe('second row');
		expect(jobsOf('second row')).toHaveLength(1);
		const [first, second, third] = PROMPTS.map((prompt) => jobsOf(prompt)[0].id);
		expect(byPath(fetches())).toEqual(byPath([fetchOf(first), fetchOf(third)]));
		expectImagesOfJobs(result, [first, second, third]);
	});

	const ambiguous: Array<[string, Fault]> = [
		['HTTP 500', { route: 'create', kind: 'status', status: 500, afterAccept: true, prompt: 'second row' }],
		['a reset connection', { route: 'create', kind: 'reset', afterAccept: true, prompt: 'second row' }],
		['an HTML page', { route: 'create', kind: 'html', afterAccept: true, prompt: 'second row' }],
	];
	it.each(ambiguous)('a create answered with %s (a job may exist) is not sent again: the row fails saying so', async (_name, fault) => {
		sandbox().injectFault(fault);
		const result = await run(rowParams());

		expect(createsPerRow()).toEqual([1, 1, 1]);
		const [first, , third] = PROMPTS.map((prompt) => jobsOf(prompt)[0].id);
		expect(byPath(fetches())).toEqual(byPath([fetchOf(first), fetchOf(third)]));
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(
			/^Not sent again: this item's create got no clear answer at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \((ModelsLab answered HTTP|ModelsLab did not answer)/,
		);
		expect(result.error?.description).toContain('may have accepted and billed it');
		expect((result.error as { context?: IDataObject }).context?.itemIndex).toBe(1);
		expect(JSON.stringify(result.error)).not.toContain(KEY);
	});

	const uploadCases = [
		{ operation: 'upscale', files: { data: 'product' }, uploads: 1 },
		{ operation: 'objectRemoval', files: { data: 'product', mask: 'mask' }, uploads: 2 },
	];
	it.each(uploadCases)('$operation: a row whose job finished uploads nothing on the retry, is only fetched, and gives the same item', async ({ operation, files, uploads }) => {
		const png = encodePng(64, 48, Buffer.alloc(64 * 48 * 3, 200));
		const withFiles: INodeExecutionData = {
			json: {},
			binary: Object.fromEntries(Object.keys(files).map((name) => [name, { data: png.toString('base64'), mimeType: 'image/png', fileName: `${name}.png` }])),
		};
		// the first row has no file: with Continue it is an error item, and n8n retries a node whose first item is an error
		const result = await run(
			{ resource: 'image', operation, concurrency: 1 },
			{ inputItems: [{ json: {} }, withFiles], settings: { onError: 'continueRegularOutput' } },
		);

		const routes = requests().map((request) => request.route);
		const route = routes.find((name) => name !== 'upload')!;
		const created = requests().find((request) => request.route === route)!.response as { id: number; meta: IDataObject; generationTime: number; output: string[] };
		expect(routes).toEqual([...Array<string>(uploads).fill('upload'), route, 'imageEditingFetch']);
		const fetched = requests().at(-1)!;
		expect(fetched.path).toBe(`/api/v6/image_editing/fetch/${created.id}`);
		// image_editing fetches carry no meta: the item keeps the first answer's, as the first try gave it
		expect(fetched.response).not.toHaveProperty('meta');
		expect(result.outputs[0]).toEqual({
			json: {
				error: 'Input Binary Field "data": item 0 has no binary field "data"',
				description: 'Nothing was sent to ModelsLab. The item\'s binary fields: none. Set Input Binary Field to the one that holds the image, or use Image Source "URL".',
			},
			pairedItem: { item: 0 },
		});
		expect(result.outputs[1]).toEqual({
			json: expect.objectContaining({ id: String(created.id), status: 'success', imageUrl: created.output[0], meta: created.meta, generationTime: created.generationTime }),
			binary: { data: expect.objectContaining({ fileName: `modelslab-${created.id}-0.png` }) },
			pairedItem: { item: 1 },
		});
		expect(result.binaries[1].data.equals(sandbox().jobBytes(created.id, 0))).toBe(true);
	});

	it('the node run again in the same execution (two branches into it, or Loop Over Items) creates a new job for the same prompt', async () => {
		const node = (name: string, type: string, parameters: INodeParameters = {}): INode => ({
			id: name,
			name,
			type,
			typeVersion: type === NODE_TYPE ? 2 : 1,
			position: [0, 0],
			parameters,
		});
		const toModelsLab = { main: [[{ node: 'ModelsLab', type: 'main' as const, index: 0 }]] };
		const result = await runWorkflow({
			nodeTypes: { [NODE_TYPE]: new ModelsLab(), [INPUT_NODE_TYPE]: createInputNodeType(rows(['first row'])) },
			credentialTypes: { modelsLabApi: new ModelsLabApi() },
			credentials: { modelsLabApi: { apiKey: KEY, baseUrl: sandbox().baseUrl } },
			workflow: {
				nodes: [
					node('Start', INPUT_NODE_TYPE),
					node('Branch A', INPUT_NODE_TYPE),
					node('Branch B', INPUT_NODE_TYPE),
					{ ...node('ModelsLab', NODE_TYPE, rowParams({ output: 'urls' })), credentials: { modelsLabApi: credentialRef('modelsLabApi') }, ...RETRY },
				],
				connections: {
					Start: { main: [[{ node: 'Branch A', type: 'main', index: 0 }, { node: 'Branch B', type: 'main', index: 0 }]] },
					'Branch A': toModelsLab,
					'Branch B': toModelsLab,
				},
			},
			nodeUnderTest: 'ModelsLab',
			startNode: 'Start',
		});

		expect(result.error).toBeUndefined();
		expect(result.runData.ModelsLab).toHaveLength(2);
		expect(createsPerRow(['first row'])).toEqual([2]);
		expect(fetches()).toEqual([]);
		const [a, b] = jobsOf('first row');
		expect(result.runData.ModelsLab.map((task) => task.data?.main[0]?.[0]?.json.id)).toEqual([String(a.id), String(b.id)]);
	});

	it('the same workflow run again, as a new execution, creates its own jobs: a user who runs it again wants new images', async () => {
		// the same saved node (n8n keeps its ID): only the execution differs
		const savedNode = { inputItems: rows(['first row']), settings: { id: 'saved-modelslab-node' } };
		const first = await run(rowParams({ output: 'urls' }), savedNode);
		const second = await run(rowParams({ output: 'urls' }), savedNode);

		expect(first.executionId).not.toBe(second.executionId);
		expect(createsPerRow(['first row'])).toEqual([2]);
		const [a, b] = jobsOf('first row');
		expect([first.outputs[0].json.id, second.outputs[0].json.id]).toEqual([String(a.id), String(b.id)]);
	});

	it('without Retry On Fail nothing is remembered: the same node, failing, creates every row again when run again', async () => {
		sandbox().injectFault({ route: 'create', kind: 'failed', prompt: 'second row' });
		const result = await runNode(sandbox(), { parameters: rowParams(), inputItems: rows() });

		expect(result.error?.message).toBe(`ModelsLab failed request ${jobsOf('second row')[0].id}: Image generation failed`);
		expect(createsPerRow()).toEqual([1, 1, 1]);
		expect(fetches()).toEqual([]);
	});
});

describe('Continue (using error output)', () => {
	const errorOutputRun = async (settings: object) => {
		sandbox().injectFault({ route: 'create', kind: 'failed', prompt: 'second row' });
		return await runNode(sandbox(), { parameters: rowParams({ output: 'urls' }), inputItems: rows(), settings });
	};

	it('three rows, the middle one failing: 2 images on the success output, the failed row on the error output with its request ID', async () => {
		const result = await errorOutputRun({ onError: 'continueErrorOutput' });

		expect(result.error).toBeUndefined();
		const [success, failed] = result.allOutputs;
		const [first, second, third] = PROMPTS.map((prompt) => jobsOf(prompt)[0].id);
		expect(success.map((item) => [item.json.id, item.json.status, item.pairedItem])).toEqual([
			[String(first), 'success', { item: 0 }],
			[String(third), 'success', { item: 2 }],
		]);
		expect(failed).toHaveLength(1);
		// n8n adds the input row's fields to an item on the error output; the request ID is in both texts
		expect(failed[0].json).toEqual({
			prompt: 'second row',
			error: `ModelsLab failed request ${second}: Image generation failed`,
			message: `Status "failed" for request ID ${second} (Fetch Result, API: Standard).`,
		});
		expect(failed[0].pairedItem).toEqual({ item: 1 });
		expect(createsPerRow()).toEqual([1, 1, 1]);
	});

	it('Continue (regular output) keeps the failed row among the images, as before: { error, description, id } and no error attached', async () => {
		const result = await errorOutputRun({ onError: 'continueRegularOutput' });

		const second = jobsOf('second row')[0].id;
		expect(result.allOutputs).toHaveLength(1);
		expect(result.outputs[1]).toEqual({
			json: {
				error: `ModelsLab failed request ${second}: Image generation failed`,
				description: `Status "failed" for request ID ${second} (Fetch Result, API: Standard).`,
				id: String(second),
			},
			pairedItem: { item: 1 },
		});
	});

	it('with Retry On Fail too, n8n retries only when the first output item is an error: a failing middle row goes to the error output untried', async () => {
		const result = await errorOutputRun({ onError: 'continueErrorOutput', ...RETRY });

		expect(createsPerRow()).toEqual([1, 1, 1]);
		expect(result.allOutputs.map((items) => items.map((item) => item.pairedItem))).toEqual([[{ item: 0 }, { item: 2 }], [{ item: 1 }]]);
	});

	it('with Retry On Fail too, a failing first row makes n8n retry: it is created again, the other rows are fetched, every image on the success output', async () => {
		sandbox().injectFault({ route: 'create', kind: 'failed', prompt: 'first row' });
		const result = await runNode(sandbox(), {
			parameters: rowParams({ output: 'urls' }),
			inputItems: rows(),
			settings: { onError: 'continueErrorOutput', ...RETRY },
		});

		expect(createsPerRow()).toEqual([2, 1, 1]);
		const [, first] = jobsOf('first row');
		const [second, third] = ['second row', 'third row'].map((prompt) => jobsOf(prompt)[0].id);
		expect(byPath(fetches())).toEqual(byPath([fetchOf(second), fetchOf(third)]));
		expect(result.allOutputs[0].map((item) => [item.json.id, item.pairedItem])).toEqual([
			[String(first.id), { item: 0 }],
			[String(second), { item: 1 }],
			[String(third), { item: 2 }],
		]);
		expect(result.allOutputs[1]).toEqual([]);
	});
});
