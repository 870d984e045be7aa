import type { Fault, ObservedShape } from '../../sandbox/server';
import { startSandbox } from '../../sandbox/server';
import {
	apiCalls,
	createAnswer,
	expectImagesOfJob,
	fetchResultParams,
	notFoundError,
	runNode,
	startNode,
	text2imgParams,
	trafficLog,
	useSandbox,
	waitUntil,
} from './setup';

/**
 * Issue 12: every answer shape the live API has been recorded giving (observed-answers.md), through
 * the node. Each test switches one shape on in the sandbox and asserts the exact outcome and the
 * exact API traffic (`route status [fault]`).
 */

const sandbox = useSandbox();
const STANDARD_KEY = 'sandbox-standard-key';

function counts() {
	const { creates, createAttempts, rejected429 } = sandbox().counters();
	return { creates, createAttempts, rejected429 };
}

/** A queued job: its first fetch (at 250 ms) finds it processing, the second (at 500 ms) ready. */
function queueTwoFetchJobs() {
	sandbox().configure({ processingMs: 450, etaSeconds: 0 });
}

const shape = (route: 'create' | 'fetch', shapes: ObservedShape | ObservedShape[], times = 1): Fault => ({
	route,
	kind: 'shape',
	shapes,
	times,
});

const fetchCall = (id: number | string) => ({ path: `/api/v6/images/fetch/${id}`, body: { key: STANDARD_KEY } });

/** The create answer the sandbox logged, as the node received it (after the shape). */
function createdId(): number {
	return sandbox().counters().jobs[0].id;
}

/** The item the node outputs for a finished standard job, from what the sandbox knows of it. */
function expectedItem(id: number, json: Record<string, unknown> = {}) {
	const job = sandbox().job(id)!;
	const success = sandbox()
		.counters()
		.requests.map((request) => request.response as { status?: string; meta?: unknown; generationTime?: unknown })
		.find((response) => response?.status === 'success');
	return {
		id: String(id),
		status: 'success',
		imageUrl: `${sandbox().cdnUrl}/generations/${job.uuid}-0.png`,
		imageIndex: 0,
		seed: job.seed,
		width: job.width,
		height: job.height,
		format: 'custom',
		generationTime: success?.generationTime,
		meta: success?.meta,
		...json,
	};
}

describe('create answers in recorded shapes (a job finished at once)', () => {
	it.each<[ObservedShape[], Record<string, unknown>]>([
		[['stringId'], {}],
		[['outputString'], {}],
		[['proxyLinksObject'], {}],
		[['proxyLinksNull'], {}],
		[['tips', 'extras'], {}],
		[['escapedSlashes'], {}],
		[['noGenerationTime'], { generationTime: null }],
	])('%j: the same items and images', async (shapes, json) => {
		sandbox().injectFault(shape('create', shapes));
		const result = await runNode(sandbox(), { parameters: text2imgParams() });
		expect(result.status).toBe('success');
		expect(trafficLog(sandbox())).toEqual(['create 200 shape']);
		const id = createdId();
		expect(result.outputs.map((item) => item.json)).toEqual([expectedItem(id, json)]);
		expectImagesOfJob(sandbox(), result, id);
	});

	it('meta under other key names (W/H, model, safetychecker, lora_strength "1.0", a seed above 2^32): passed on as it came', async () => {
		sandbox().injectFault(shape('create', 'metaVariant'));
		const result = await runNode(sandbox(), { parameters: text2imgParams({ output: 'urls' }) });
		const meta = (createAnswer(sandbox()) as { meta: Record<string, unknown> }).meta;
		expect(meta).toMatchObject({ W: 512, H: 512, model: 'flux', lora_strength: '1.0', file_prefix: 'not-the-file-name' });
		expect(meta.width).toBeUndefined();
		const id = createdId();
		expect(result.outputs.map((item) => item.json)).toEqual([expectedItem(id, { seed: meta.seed, meta })]);
		expect(meta.seed).toBeGreaterThan(2 ** 31);
	});

	it('no output links, the images only in proxy_links as an object {"0": url}', async () => {
		sandbox().injectFault({ route: 'create', kind: 'shape', shapes: 'proxyLinksObject', set: { output: '' } });
		const result = await runNode(sandbox(), { parameters: text2imgParams() });
		expect(trafficLog(sandbox())).toEqual(['create 200 shape']);
		const id = createdId();
		expect(result.outputs.map((item) => item.json)).toEqual([expectedItem(id)]);
		expectImagesOfJob(sandbox(), result, id);
	});

	it.each<[ObservedShape]>([['nullId'], ['emptyId']])(
		'%s on a success: id null, the file named after the link (version 2)',
		async (idShape) => {
			sandbox().injectFault(shape('create', idShape));
			const result = await runNode(sandbox(), { parameters: text2imgParams({ samples: 2 }) });
			expect(trafficLog(sandbox())).toEqual(['create 200 shape']);
			const job = sandbox().counters().jobs[0];
			expect(result.outputs.map((item) => [item.json.id, item.json.imageUrl, item.binary?.data.fileName])).toEqual([
				[null, `${sandbox().cdnUrl}/generations/${job.uuid}-0.png`, `${job.uuid}-0-0.png`],
				[null, `${sandbox().cdnUrl}/generations/${job.uuid}-1.png`, `${job.uuid}-1-1.png`],
			]);
			result.binaries.forEach((binary, index) => expect(binary.data.equals(sandbox().jobBytes(job.id, index))).toBe(true));
		},
	);

	it('nullId on a success in a version 1 node: "unknown", as saved workflows knew it', async () => {
		sandbox().injectFault(shape('create', 'nullId'));
		const result = await runNode(sandbox(), { parameters: text2imgParams(), typeVersion: 1 });
		expect(result.outputs.map((item) => [item.json.id, item.binary?.data.fileName])).toEqual([
			['unknown', 'modelslab-unknown-0.png'],
		]);
	});

	it('a success without a usable id and without images: the error says "the request", not a made-up id', async () => {
		sandbox().injectFault({ route: 'create', kind: 'shape', shapes: 'nullId', set: { output: '', proxy_links: null } });
		const result = await runNode(sandbox(), { parameters: text2imgParams() });
		expect(result.error).toMatchObject({ message: 'ModelsLab reported the request as successful but returned no images' });
	});
});

describe('processing and fetch answers in recorded shapes', () => {
	it.each<[string, Fault[]]>([
		['bare fetch answer ({status, id: "", messege, output: ""})', [shape('fetch', 'bare')]],
		['empty id on every fetch answer', [shape('fetch', 'emptyId', 2)]],
		['null id on every fetch answer', [shape('fetch', 'nullId', 2)]],
		['output "" while processing, one string when done', [shape('fetch', 'outputString', 2)]],
		['no eta, no future links, no generationTime', [shape('fetch', ['noEta', 'noFutureLinks', 'noGenerationTime'], 2)]],
		['message object and the other spelling', [shape('fetch', ['messageObject', 'messageSpelling', 'tips'], 2)]],
		['float eta and a string id on the create answer', [shape('create', ['floatEta', 'stringId'])]],
		['fetch_result naming another API version', [shape('create', 'fetchResultOtherVersion')]],
		['fetch_result on a legacy host', [shape('create', 'fetchResultLegacyHost')]],
	])('%s: the create answer\'s id is kept, the documented route is fetched, the images arrive', async (_name, faults) => {
		queueTwoFetchJobs();
		for (const fault of faults) sandbox().injectFault(fault);
		const result = await runNode(sandbox(), { parameters: text2imgParams() });
		expect(result.status).toBe('success');
		const id = createdId();
		const calls = apiCalls(sandbox());
		expect(calls.slice(1).every((call) => JSON.stringify(call) === JSON.stringify(fetchCall(id)))).toBe(true);
		const log = trafficLog(sandbox()).map((line) => line.replace(/ shape$/, ''));
		// the first fetch finds it processing (unless the create's eta already covers the job), the last one done
		expect(log[0]).toBe('create 200');
		expect(log.slice(1)).toEqual(log.length === 2 ? ['fetch 200'] : ['fetch 200', 'fetch 200']);
		expect(result.outputs).toHaveLength(1);
		expect(result.outputs[0].json).toMatchObject({ id: String(id), status: 'success', imageIndex: 0 });
		expectImagesOfJob(sandbox(), result, id);
	});

	it('a long job whose every fetch comes back bare: collected by the create answer\'s id when done', async () => {
		sandbox().configure({ processingMs: 3000, etaSeconds: 1 });
		sandbox().injectFault(shape('fetch', 'bare', Infinity));
		const result = await runNode(sandbox(), { parameters: text2imgParams() });
		expect(result.status).toBe('success');
		const id = createdId();
		const [create, ...fetches] = sandbox().counters().requests;
		expect(create.route).toBe('create');
		expect(fetches.length).toBeGreaterThanOrEqual(3);
		expect(fetches.map((fetch) => ({ path: fetch.path, body: fetch.body }))).toEqual(fetches.map(() => fetchCall(id)));
		const answers = fetches.map((fetch) => fetch.response as Record<string, unknown>);
		for (const answer of answers.slice(0, -1)) {
			expect(answer).toEqual({ status: 'processing', id: '', messege: 'Request processing', output: '' });
		}
		expect(answers.at(-1)).toMatchObject({ status: 'success', id });
		expectImagesOfJob(sandbox(), result, id);
	});

	it('a processing create answer with an empty id: the id comes from its fetch_result link', async () => {
		queueTwoFetchJobs();
		sandbox().injectFault(shape('create', 'emptyId'));
		const result = await runNode(sandbox(), { parameters: text2imgParams() });
		const id = createdId();
		expect(createAnswer(sandbox())).toMatchObject({ id: '', fetch_result: `${sandbox().baseUrl}/api/v6/images/fetch/${id}` });
		expect(apiCalls(sandbox()).slice(1)).toEqual([fetchCall(id), fetchCall(id)]);
		expectImagesOfJob(sandbox(), result, id);
	});

	it('a processing create answer with no usable id anywhere (bare): a clear error, nothing sent again', async () => {
		sandbox().configure({ processingMs: 5000 });
		sandbox().injectFault(shape('create', 'bare'));
		const result = await runNode(sandbox(), { parameters: text2imgParams() });
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'ModelsLab queued the job but gave no request ID to fetch it with',
			description: 'The job may exist and be billed. The node does not send the request again; check your ModelsLab dashboard.',
		});
		expect(trafficLog(sandbox())).toEqual(['create 200 shape']);
	});

	it('wait off, with no future links and proxy_links null: the pending item keeps the id, futureLinks []', async () => {
		sandbox().configure({ processingMs: 5000, etaSeconds: 36 });
		sandbox().injectFault({ route: 'create', kind: 'shape', shapes: ['noFutureLinks', 'proxyLinksNull', 'floatEta'] });
		const result = await runNode(sandbox(), { parameters: text2imgParams({ waitForCompletion: false }) });
		expect(result.outputs).toEqual([
			{ json: { id: String(createdId()), status: 'processing', eta: 36.941116006399994, futureLinks: [] }, pairedItem: { item: 0 } },
		]);
	});

	it('a failed job whose message is an object in `messege`: the message, the create answer\'s id', async () => {
		queueTwoFetchJobs();
		sandbox().configure({ failNextJobs: 1 });
		sandbox().injectFault(shape('fetch', ['messageObject', 'messageSpelling', 'emptyId'], 2));
		const result = await runNode(sandbox(), { parameters: text2imgParams() });
		const id = createdId();
		expect(trafficLog(sandbox())).toEqual(['create 200', 'fetch 200 shape', 'fetch 200 shape']);
		expect(sandbox().counters().requests[2].response).toEqual({
			status: 'failed',
			id: '',
			messege: { error: ['Image generation failed'] },
			track_id: null,
		});
		expect(result.error).toMatchObject({
			message: `ModelsLab failed request ${id}: error: Image generation failed`,
			description: `Status "failed" for request ID ${id} (Fetch Result, API: Standard).`,
		});
	});

	it('"Failed, Try Again" (a model warming up): the item fails with the create answer\'s id; the create is not sent again', async () => {
		queueTwoFetchJobs();
		sandbox().injectFault({ route: 'fetch', kind: 'recorded', answer: 'failedTryAgain' });
		const result = await runNode(sandbox(), { parameters: text2imgParams(), continueOnFail: true });
		const id = String(createdId());
		expect(trafficLog(sandbox())).toEqual(['create 200', 'fetch 200 recorded']);
		expect(result.outputs).toEqual([
			{
				json: { error: `ModelsLab failed request ${id}: Failed, Try Again`, description: `Status "failed" for request ID ${id} (Fetch Result, API: Standard).`, id },
				pairedItem: { item: 0 },
			},
		]);
		expect(counts()).toEqual({ creates: 1, createAttempts: 1, rejected429: 0 });
	});
});

describe('statuses outside the four', () => {
	it.each<[string, Record<string, unknown> | undefined, string]>([
		['an object', { status: { code: 1 } }, '{"code":1}'],
		['a list', { status: ['success'] }, '["success"]'],
		['a number', { status: 200 }, '200'],
		['a long string', { status: `done ${'x'.repeat(100)}` }, `"done ${'x'.repeat(51)}...`],
		['missing', undefined, 'no status'],
	])('%s on the create answer: an error naming the id and the value, cut short', async (_name, set, shown) => {
		sandbox().injectFault({ route: 'create', kind: 'shape', ...(set ? { set } : { drop: ['status'] }) });
		const result = await runNode(sandbox(), { parameters: text2imgParams() });
		const id = createdId();
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: `ModelsLab answered request ${id} with an unknown status: ${shown}`,
			description: `Expected "success", "processing", "error" or "failed". The job may still finish and be billed: collect it later with Fetch Result and request ID ${id}.`,
		});
		expect(trafficLog(sandbox())).toEqual(['create 200 shape']);
	});

	it('an object status on a fetch: the same error, and no further fetch', async () => {
		queueTwoFetchJobs();
		sandbox().injectFault({ route: 'fetch', kind: 'shape', set: { status: { state: 'queued' }, id: '' } });
		const result = await runNode(sandbox(), { parameters: text2imgParams(), continueOnFail: true });
		const id = String(createdId());
		expect(trafficLog(sandbox())).toEqual(['create 200', 'fetch 200 shape']);
		expect(result.outputs[0].json).toEqual({
			error: `ModelsLab answered request ${id} with an unknown status: {"state":"queued"}`,
			description: `Expected "success", "processing", "error" or "failed". The job may still finish and be billed: collect it later with Fetch Result and request ID ${id}.`,
			id,
		});
	});
});

describe('"Request not found" right after the create: a grace time before it counts', () => {
	it('two early "not found" answers, then the job: the images, one create, asked again 1 s and 1.5 s later', async () => {
		sandbox().configure({ processingMs: 200, etaSeconds: 0 });
		sandbox().injectFault({ route: 'fetch', kind: 'recorded', answer: 'notFound', times: 2 });
		const result = await runNode(sandbox(), { parameters: text2imgParams() });
		expect(result.status).toBe('success');
		const id = createdId();
		expect(trafficLog(sandbox())).toEqual(['create 200', 'fetch 200 recorded', 'fetch 200 recorded', 'fetch 200']);
		expect(apiCalls(sandbox()).slice(1)).toEqual([fetchCall(id), fetchCall(id), fetchCall(id)]);
		const [, first, second, third] = sandbox().counters().requests;
		expect(second.t - first.t).toBeGreaterThanOrEqual(980);
		expect(third.t - second.t).toBeGreaterThanOrEqual(1480);
		expect(counts()).toEqual({ creates: 1, createAttempts: 1, rejected429: 0 });
		expectImagesOfJob(sandbox(), result, id);
	});

	it('"not found" that never ends: after the grace time (here cut to Max Wait Time, 2 s) an error naming the id', async () => {
		sandbox().configure({ processingMs: 200, etaSeconds: 0 });
		sandbox().injectFault({ route: 'fetch', kind: 'recorded', answer: 'notFound', times: Infinity });
		const started = Date.now();
		const result = await runNode(sandbox(), { parameters: text2imgParams({ maxWaitTime: 2 }), continueOnFail: true });
		const id = String(createdId());
		expect(result.outputs).toEqual([{ json: notFoundError(id), pairedItem: { item: 0 } }]);
		const [create, ...fetches] = sandbox().counters().requests;
		expect(create.route).toBe('create');
		// at 0.25 s, 1.25 s, and when the grace ends at 2 s
		expect(fetches.map((fetch) => [fetch.path, fetch.fault])).toEqual(fetches.map(() => [fetchCall(id).path, 'recorded']));
		expect(fetches.length).toBe(3);
		expect(Date.now() - started).toBeLessThan(3500);
	});

	it('Fetch Result of a job created seconds earlier, answered "not found" at first (examples/02): the images', async () => {
		sandbox().configure({ processingMs: 300 });
		const queued = await runNode(sandbox(), { parameters: text2imgParams({ waitForCompletion: false }) });
		const id = String(queued.outputs[0].json.id);
		sandbox().injectFault({ route: 'fetch', kind: 'recorded', answer: 'notFound' });
		const result = await runNode(sandbox(), { parameters: fetchResultParams(id) });
		expect(trafficLog(sandbox())).toEqual(['create 200', 'fetch 200 recorded', 'fetch 200']);
		expect(apiCalls(sandbox()).slice(1)).toEqual([fetchCall(id), fetchCall(id)]);
		expectImagesOfJob(sandbox(), result, id);
	});
});

describe('refusals that say when to come back', () => {
	it('the spam filter (HTTP 200, "wait for N seconds" in tips): waited out, sent again once, billed once', async () => {
		sandbox().injectFault({ route: 'create', kind: 'recorded', answer: 'spamFilter', seconds: 0.5 });
		const result = await runNode(sandbox(), { parameters: text2imgParams() });
		expect(result.status).toBe('success');
		expect(trafficLog(sandbox())).toEqual(['create 200 recorded', 'create 200']);
		const [refused, accepted] = sandbox().counters().requests;
		expect(refused.response).toEqual({
			status: 'error',
			message: 'Rate limit exceeded',
			tips: 'you are sending same request multiple times, spam filter is enabled, please wait for 0.5 seconds and try again',
		});
		expect(accepted.t - refused.t).toBeGreaterThanOrEqual(480);
		expect(accepted.body).toEqual(refused.body);
		expect(counts()).toEqual({ creates: 1, createAttempts: 2, rejected429: 0 });
		expectImagesOfJob(sandbox(), result, (accepted.response as { id: number }).id);
	});

	it('the recorded 30 s do not fit in Max Wait Time (20 s): refused at once, nothing billed, not sent again', async () => {
		sandbox().injectFault({ route: 'create', kind: 'recorded', answer: 'spamFilter' });
		const started = Date.now();
		const result = await runNode(sandbox(), { parameters: text2imgParams({ maxWaitTime: 20 }) });
		expect(result.error).toMatchObject({
			message: 'ModelsLab refused the request: Rate limit exceeded',
			description: 'Status "error". No job was created, so nothing was billed.',
		});
		expect(Date.now() - started).toBeLessThan(2000);
		expect(counts()).toEqual({ creates: 0, createAttempts: 1, rejected429: 0 });
	});

	it('a spam-filter answer that names no wait: 30 s, so with Max Wait Time 20 s it is not sent again (10 s would fit)', async () => {
		sandbox().injectFault({ route: 'create', kind: 'recorded', answer: 'spamFilterNoWait' });
		const result = await runNode(sandbox(), { parameters: text2imgParams({ maxWaitTime: 20 }) });
		expect(result.error?.message).toBe('ModelsLab refused the request: Rate limit exceeded');
		expect(counts()).toEqual({ creates: 0, createAttempts: 1, rejected429: 0 });
	});

	it('a spam filter that never clears: sent again at most 5 times, then the refusal', async () => {
		sandbox().injectFault({ route: 'create', kind: 'recorded', answer: 'spamFilter', seconds: 0, times: Infinity });
		const result = await runNode(sandbox(), { parameters: text2imgParams() });
		expect(result.error?.message).toBe('ModelsLab refused the request: Rate limit exceeded');
		expect(trafficLog(sandbox())).toEqual(Array(6).fill('create 200 recorded'));
		expect(counts()).toEqual({ creates: 0, createAttempts: 6, rejected429: 0 });
	});

	it('retry_after on an HTTP 200 refusal, and seconds in a 429 text: each waited out as asked', async () => {
		sandbox().injectFault({
			route: 'create',
			kind: 'status',
			status: 200,
			body: { status: 'error', message: 'Too many requests', retry_after: 0.3 },
		});
		sandbox().injectFault({
			route: 'create',
			kind: 'status',
			status: 429,
			body: { status: 'error', message: 'Too many requests, try again in 0.4 seconds' },
		});
		const result = await runNode(sandbox(), { parameters: text2imgParams() });
		expect(result.status).toBe('success');
		expect(trafficLog(sandbox())).toEqual(['create 200 status', 'create 429 status', 'create 200']);
		const [first, second, third] = sandbox().counters().requests;
		expect(second.t - first.t).toBeGreaterThanOrEqual(280);
		expect(third.t - second.t).toBeGreaterThanOrEqual(380);
		expect(counts()).toEqual({ creates: 1, createAttempts: 3, rejected429: 0 });
	});

	it('the queue-full 429 without retry_after, with nothing of this process in the queue: probed after 2 s, within the 10 s default', async () => {
		sandbox().injectFault({ route: 'create', kind: 'recorded', answer: 'queueFullNoRetryAfter' });
		const result = await runNode(sandbox(), { parameters: text2imgParams({ maxWaitTime: 5 }) });
		expect(result.status).toBe('success');
		expect(trafficLog(sandbox())).toEqual(['create 429 recorded', 'create 200']);
		const [refused, resent] = sandbox().counters().requests;
		expect(resent.t - refused.t).toBeGreaterThanOrEqual(1950);
		expect(resent.t - refused.t).toBeLessThan(5000);
		expect(counts()).toEqual({ creates: 1, createAttempts: 2, rejected429: 1 });
	});

	it('the queue-full 429 when not even a probe fits in Max Wait Time (1 s): not sent again', async () => {
		sandbox().injectFault({ route: 'create', kind: 'recorded', answer: 'queueFullNoRetryAfter' });
		const result = await runNode(sandbox(), { parameters: text2imgParams({ maxWaitTime: 1 }) });
		expect(result.error).toMatchObject({ httpCode: '429' });
		expect(counts()).toEqual({ creates: 0, createAttempts: 1, rejected429: 1 });
	});

	it('the recorded queue-full 429 with retry_after: waited out and sent again', async () => {
		sandbox().injectFault({ route: 'create', kind: 'recorded', answer: 'queueFull', seconds: 0.3 });
		const result = await runNode(sandbox(), { parameters: text2imgParams() });
		expect(result.status).toBe('success');
		expect(trafficLog(sandbox())).toEqual(['create 429 recorded', 'create 200']);
		expect(counts()).toEqual({ creates: 1, createAttempts: 2, rejected429: 1 });
	});

	it.each<[string, Fault, string]>([
		['"Invalid API Request" (its tip is not shown)', { route: 'create', kind: 'recorded', answer: 'invalidRequest' }, 'ModelsLab refused the request: Invalid API Request'],
		[
			'a validation answer',
			{ route: 'create', kind: 'recorded', answer: 'validation' },
			'ModelsLab refused the request: width: The width must be a number.; height: The height must be a number.',
		],
		['HTTP 402 that names a wait', { route: 'create', kind: 'status', status: 402, body: { status: 'error', message: 'Insufficient credits, try again in 5 seconds' } }, 'ModelsLab: insufficient credits (HTTP 402): Insufficient credits, try again in 5 seconds'],
		['HTTP 403', { route: 'create', kind: 'status', status: 403, body: { status: 'error', message: 'Feature not available' } }, 'ModelsLab: feature not available on your plan (HTTP 403): Feature not available'],
		['HTTP 401', { route: 'create', kind: 'status', status: 401, body: { status: 'error', message: 'Invalid API key' } }, 'ModelsLab rejected the API key (HTTP 401): Invalid API key'],
	])('%s: never sent again', async (_name, fault, message) => {
		sandbox().injectFault(fault);
		const result = await runNode(sandbox(), { parameters: text2imgParams() });
		expect(result.error?.message).toBe(message);
		expect(counts()).toEqual({ creates: 0, createAttempts: 1, rejected429: 0 });
	});

	it('a throttled fetch (HTTP 200 "Rate limit exceeded"): asked again after the wait it names, then the images', async () => {
		queueTwoFetchJobs();
		sandbox().injectFault({ route: 'fetch', kind: 'recorded', answer: 'spamFilter', seconds: 0.3 });
		const result = await runNode(sandbox(), { parameters: text2imgParams() });
		const id = createdId();
		expect(trafficLog(sandbox())).toEqual(['create 200', 'fetch 200 recorded', 'fetch 200']);
		expect(counts()).toEqual({ creates: 1, createAttempts: 1, rejected429: 0 });
		expectImagesOfJob(sandbox(), result, id);
	});
});

describe('ids past 32 bits', () => {
	it('a job id above 2^32: fetched and output by it', async () => {
		const big = await startSandbox({ firstJobId: 2 ** 32 + 7, processingMs: 200, etaSeconds: 0 });
		try {
			const result = await runNode(big, { parameters: text2imgParams() });
			const id = 2 ** 32 + 7;
			expect(big.counters().requests.map((request) => request.path)).toEqual(['/api/v6/images/text2img', `/api/v6/images/fetch/${id}`]);
			expectImagesOfJob(big, result, id);
		} finally {
			await big.close();
		}
	});
});

describe('a base64 link fetched too early', () => {
	it('answers an HTML page first: tried again, then the decoded image', async () => {
		sandbox().configure({ base64Form: 'link' });
		sandbox().injectFault({ route: 'cdn', kind: 'html' });
		const run = startNode(sandbox(), { parameters: text2imgParams({ options: { base64: true } }) });
		await waitUntil(() => createAnswer(sandbox()));
		const result = await run.promise;
		expect(sandbox().counters().cdnLog.map((record) => [record.path.endsWith('.base64'), record.fault])).toEqual([
			[true, 'html'],
			[true, undefined],
		]);
		expectImagesOfJob(sandbox(), result, createdId());
	});
});
