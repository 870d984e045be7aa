import type { Fault } from '../../sandbox/server';
import {
	apiCalls,
	createAnswer,
	expectImagesOfJob,
	fetchResultParams,
	runNode,
	startNode,
	startRecorder,
	text2imgParams,
	trafficLog,
	useSandbox,
	waitUntil,
	delay,
} from './setup';

/**
 * Issue 5's fault matrix, numbered as in the issue. Every fault is injected through the sandbox,
 * and every test asserts the exact API traffic (`route status [fault]`) and the exact outcome.
 */

const sandbox = useSandbox();
const STANDARD_KEY = 'sandbox-standard-key';

/** A queued job that is ready by the node's first fetch (eta 0 -> the wait loop's shortest delay). */
function queueShortJobs() {
	sandbox().configure({ processingMs: 200, etaSeconds: 0 });
}

function cdnStatuses() {
	return sandbox()
		.counters()
		.cdnLog.map((record) => [record.status, record.fault].filter((part) => part !== undefined).join(' '));
}

function counts() {
	const { creates, createAttempts, rejected429 } = sandbox().counters();
	return { creates, createAttempts, rejected429 };
}

/** A fetch that fails once is sent again to the same route: one create, then the job's own image. */
async function expectFetchRetried(fault: Fault, failedFetch: string) {
	queueShortJobs();
	sandbox().injectFault(fault);
	const result = await runNode(sandbox(), { parameters: text2imgParams() });
	expect(result.status).toBe('success');
	const id = createAnswer(sandbox()).id;
	expect(trafficLog(sandbox())).toEqual(['create 200', failedFetch, 'fetch 200']);
	const fetchCall = { path: `/api/v6/images/fetch/${id}`, body: { key: STANDARD_KEY } };
	expect(apiCalls(sandbox()).slice(1)).toEqual([fetchCall, fetchCall]);
	expect(counts()).toEqual({ creates: 1, createAttempts: 1, rejected429: 0 });
	expectImagesOfJob(sandbox(), result, id);
}

describe('fault matrix', () => {
	it('1. 429 + retry_after on create: waits retry_after, sends the same create again, bills once', async () => {
		sandbox().injectFault({ route: 'create', kind: 'rateLimit', retryAfter: 0.5 });
		const result = await runNode(sandbox(), { parameters: text2imgParams() });
		expect(result.status).toBe('success');
		expect(trafficLog(sandbox())).toEqual(['create 429 rateLimit', 'create 200']);
		const [rejected, accepted] = sandbox().counters().requests;
		expect(accepted.t - rejected.t).toBeGreaterThanOrEqual(480);
		expect(accepted.body).toEqual(rejected.body);
		expect(counts()).toEqual({ creates: 1, createAttempts: 2, rejected429: 1 });
		expectImagesOfJob(sandbox(), result, (accepted.response as { id: number }).id);
	});

	it('1. a 429 that never clears is retried a bounded number of times, then fails with nothing billed', async () => {
		sandbox().injectFault({ route: 'create', kind: 'rateLimit', retryAfter: 0, times: Infinity });
		const result = await runNode(sandbox(), { parameters: text2imgParams() });
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			httpCode: '429',
			message: 'ModelsLab queue limit reached: Rate limit exceeded. Maximum 5 queued requests allowed.',
		});
		expect(trafficLog(sandbox())).toEqual(Array(6).fill('create 429 rateLimit'));
		expect(counts()).toEqual({ creates: 0, createAttempts: 6, rejected429: 6 });
	});

	it.each([
		[2, 500],
		[3, 502],
		[4, 503],
	])('%i. HTTP %i on fetch: retried, then the image', async (_number, status) => {
		await expectFetchRetried({ route: 'fetch', kind: 'status', status }, `fetch ${status} status`);
	});

	it('5. connection reset on fetch: retried, then the image', async () => {
		await expectFetchRetried({ route: 'fetch', kind: 'reset' }, 'fetch 0 reset');
	});

	it('6. HTTP 200 with status "error" on create: a clear error, no job, not resent', async () => {
		sandbox().injectFault({ route: 'create', kind: 'apiError', message: 'Server is busy', field: 'message' });
		const result = await runNode(sandbox(), { parameters: text2imgParams() });
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'ModelsLab refused the request: Server is busy',
			description: 'Status "error". No job was created, so nothing was billed.',
		});
		expect(trafficLog(sandbox())).toEqual(['create 200 apiError']);
		expect(counts()).toEqual({ creates: 0, createAttempts: 1, rejected429: 0 });
	});

	it('6. HTTP 200 with status "error" on fetch: an error naming the request id, no further fetch', async () => {
		queueShortJobs();
		sandbox().injectFault({ route: 'fetch', kind: 'apiError', message: 'Request expired' });
		const result = await runNode(sandbox(), { parameters: text2imgParams(), continueOnFail: true });
		const id = String(createAnswer(sandbox()).id);
		expect(trafficLog(sandbox())).toEqual(['create 200', 'fetch 200 apiError']);
		expect(result.outputs).toEqual([
			{
				json: {
					error: `ModelsLab refused request ${id}: Request expired`,
					description: `Status "error" for request ID ${id} (Fetch Result, API: Standard).`,
					id,
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('7. status "failed": an error with the API message and the request id', async () => {
		queueShortJobs();
		sandbox().configure({ failNextJobs: 1 });
		const result = await runNode(sandbox(), { parameters: text2imgParams() });
		const id = createAnswer(sandbox()).id;
		expect(trafficLog(sandbox())).toEqual(['create 200', 'fetch 200']);
		expect(sandbox().counters().requests[1].response).toMatchObject({ status: 'failed', id });
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: `ModelsLab failed request ${id}: Image generation failed`,
			description: `Status "failed" for request ID ${id} (Fetch Result, API: Standard).`,
		});
	});

	it('8. a validation error object in `messege`: every field and message, no job', async () => {
		sandbox().injectFault({
			route: 'create',
			kind: 'apiError',
			field: 'messege',
			message: { width: ['The width must be between 256 and 1024.'], prompt: ['The prompt field is required.'] },
		});
		const result = await runNode(sandbox(), { parameters: text2imgParams() });
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message:
				'ModelsLab refused the request: width: The width must be between 256 and 1024.; prompt: The prompt field is required.',
			description: 'Status "error". No job was created, so nothing was billed.',
		});
		expect(trafficLog(sandbox())).toEqual(['create 200 apiError']);
		expect(counts().creates).toBe(0);
	});

	it('9. HTML instead of JSON on fetch: retried, then the image', async () => {
		await expectFetchRetried({ route: 'fetch', kind: 'html' }, 'fetch 200 html');
	});

	it('10. processing that never ends: stops at Max Wait Time, naming the request id and last status', async () => {
		sandbox().configure({ processingMs: 60_000, etaSeconds: 0 });
		const started = Date.now();
		const result = await runNode(sandbox(), { parameters: text2imgParams({ maxWaitTime: 1 }) });
		const id = createAnswer(sandbox()).id;
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: `Request ${id} was still processing after 1 s (Max Wait Time)`,
			description: `The job may still finish and is billed either way. Collect it with Fetch Result (API: Standard) and request ID ${id}, or raise Max Wait Time.`,
		});
		const [create, ...fetches] = sandbox().counters().requests;
		expect(create.route).toBe('create');
		expect(fetches.length).toBeGreaterThanOrEqual(1);
		for (const fetch of fetches) {
			expect([fetch.route, fetch.status, (fetch.response as { status: string }).status]).toEqual(['fetch', 200, 'processing']);
			// the last fetch may fall on the deadline itself (plus scheduling slack on a loaded machine), none after it
			expect(fetch.t - create.t).toBeLessThan(1400);
		}
		expect(Date.now() - started).toBeLessThan(4000);
		// stopped for good: nothing more arrives after the error
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(sandbox().counters().requests).toHaveLength(fetches.length + 1);
	});

	it('11. image links that 404 until the CDN has them: retried, then the exact image', async () => {
		sandbox().injectFault({ route: 'cdn', kind: 'status', status: 404, times: 2 });
		const result = await runNode(sandbox(), { parameters: text2imgParams() });
		expect(result.status).toBe('success');
		expect(trafficLog(sandbox())).toEqual(['create 200']);
		expect(cdnStatuses()).toEqual(['404 status', '404 status', '200']);
		expectImagesOfJob(sandbox(), result, createAnswer(sandbox()).id);
	});

	it('11. future_links reported as done before the job is: 404 until ready, retried in time', async () => {
		sandbox().configure({ processingMs: 700, etaSeconds: 0, cdnNotFoundUntilReady: true });
		const run = startNode(sandbox(), { parameters: text2imgParams() });
		const queued = await waitUntil(() => createAnswer(sandbox()));
		// the fetch says "success" with the future links at once, while the CDN still answers 404
		sandbox().injectFault({
			route: 'fetch',
			kind: 'status',
			status: 200,
			body: { status: 'success', id: queued.id, output: queued.future_links, meta: queued.meta },
		});
		const result = await run.promise;
		expect(result.status).toBe('success');
		expect(trafficLog(sandbox())).toEqual(['create 200', 'fetch 200 status']);
		const statuses = cdnStatuses();
		expect(statuses.at(-1)).toBe('200');
		expect(statuses.length).toBeGreaterThanOrEqual(2);
		expect(new Set(statuses.slice(0, -1))).toEqual(new Set(['404']));
		expect(result.outputs[0].json.imageUrl).toBe(queued.future_links?.[0]);
		expectImagesOfJob(sandbox(), result, queued.id);
	});

	it('11. a link that keeps answering 404: a clear error once Max Wait Time is spent, with how to resume', async () => {
		sandbox().injectFault({ route: 'cdn', kind: 'status', status: 404, times: Infinity });
		const result = await runNode(sandbox(), { parameters: text2imgParams({ maxWaitTime: 1 }), continueOnFail: true });
		const answer = createAnswer(sandbox());
		const id = String(answer.id);
		expect(result.outputs).toEqual([
			{
				json: {
					error: `Could not download image 0 of request ${id}: HTTP 404`,
					description: `Tried 3 times: ${answer.output[0]}. The job itself finished: collect it again with Fetch Result and request ID ${id}, or set Output to Image URLs.`,
					id,
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(trafficLog(sandbox())).toEqual(['create 200']);
		expect(cdnStatuses()).toEqual(['404 status', '404 status', '404 status']);
	});

	it.each<[string, Fault]>([
		['cut short', { route: 'cdn', kind: 'truncate' }],
		['reset', { route: 'cdn', kind: 'reset' }],
		['HTTP 503', { route: 'cdn', kind: 'status', status: 503 }],
		['an HTML page', { route: 'cdn', kind: 'html' }],
	])('12. a download that is %s: detected, retried, then the exact image', async (_name, fault) => {
		sandbox().injectFault(fault);
		const result = await runNode(sandbox(), { parameters: text2imgParams() });
		expect(result.status).toBe('success');
		expect(trafficLog(sandbox())).toEqual(['create 200']);
		const [failed, ok, ...rest] = sandbox().counters().cdnLog;
		expect([failed.fault, ok.status, ok.fault, rest]).toEqual([fault.kind, 200, undefined, []]);
		expectImagesOfJob(sandbox(), result, createAnswer(sandbox()).id);
	});

	it('12. a download that keeps failing: a clear error with the request id', async () => {
		sandbox().injectFault({ route: 'cdn', kind: 'status', status: 500, times: Infinity });
		const result = await runNode(sandbox(), { parameters: text2imgParams({ maxWaitTime: 1 }) });
		const id = createAnswer(sandbox()).id;
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: `Could not download image 0 of request ${id}: HTTP 500`,
			description: expect.stringContaining(`Fetch Result and request ID ${id}`),
		});
		expect(cdnStatuses()).toEqual(['500 status', '500 status', '500 status']);
	});

	it.each(['text/plain', 'application/octet-stream', 'image/jpeg', null])(
		'13. content-type %p: the type comes from the bytes (PNG)',
		async (value) => {
			sandbox().injectFault({ route: 'cdn', kind: 'contentType', value });
			const result = await runNode(sandbox(), { parameters: text2imgParams() });
			expect(result.status).toBe('success');
			const id = createAnswer(sandbox()).id;
			expect(cdnStatuses()).toEqual(['200 contentType']);
			expect(result.outputs[0].binary?.data).toMatchObject({
				mimeType: 'image/png',
				fileName: `modelslab-${id}-0.png`,
				fileExtension: 'png',
			});
			expectImagesOfJob(sandbox(), result, id);
		},
	);

	it('14. cancelled mid-wait: stops at once, no further request', async () => {
		sandbox().configure({ processingMs: 20_000 });
		const run = startNode(sandbox(), { parameters: text2imgParams() });
		await delay(600);
		expect(trafficLog(sandbox())).toEqual(['create 200']);
		const cancelledAt = Date.now();
		run.cancel();
		const result = await run.promise;
		expect(Date.now() - cancelledAt).toBeLessThan(1000);
		expect(result.status).toBe('canceled');
		await delay(300);
		expect(trafficLog(sandbox())).toEqual(['create 200']);
		expect(sandbox().counters().cdnRequests).toBe(0);
	});

	it('15. fetch_result on another origin: ignored, the documented route is used, the other origin gets nothing', async () => {
		const other = await startRecorder();
		try {
			queueShortJobs();
			sandbox().configure({ fetchResultOrigin: other.url });
			const result = await runNode(sandbox(), { parameters: text2imgParams() });
			expect(result.status).toBe('success');
			const answer = createAnswer(sandbox());
			expect(answer.fetch_result).toBe(`${other.url}/api/v6/images/fetch/${answer.id}`);
			expect(apiCalls(sandbox())[1]).toEqual({ path: `/api/v6/images/fetch/${answer.id}`, body: { key: STANDARD_KEY } });
			expect(trafficLog(sandbox())).toEqual(['create 200', 'fetch 200']);
			expect(other.requests).toEqual([]);
			expectImagesOfJob(sandbox(), result, answer.id);
		} finally {
			await other.close();
		}
	});
});

describe('a create that may have been accepted is never sent again', () => {
	it.each<[string, Fault, number]>([
		['HTTP 502 after accepting', { route: 'create', kind: 'status', status: 502, afterAccept: true }, 1],
		['a reset after accepting', { route: 'create', kind: 'reset', afterAccept: true }, 1],
		['HTML after accepting', { route: 'create', kind: 'html', afterAccept: true }, 1],
		['HTTP 500 (the node cannot tell it was not accepted)', { route: 'create', kind: 'status', status: 500 }, 0],
	])('%s: one create, an error saying a job may exist and how to resume', async (_name, fault, billed) => {
		sandbox().injectFault(fault);
		const result = await runNode(sandbox(), { parameters: text2imgParams() });
		expect(result.status).toBe('error');
		expect(result.error?.description).toMatch(/does not send it again/);
		expect(result.error?.description).toMatch(/Fetch Result/);
		expect(trafficLog(sandbox())).toHaveLength(1);
		expect(counts()).toEqual({ creates: billed, createAttempts: 1, rejected429: 0 });
		// the job that was billed can still be collected by its id
		if (billed) {
			const id = String(sandbox().counters().jobs[0].id);
			const fetched = await runNode(sandbox(), { parameters: fetchResultParams(id) });
			expectImagesOfJob(sandbox(), fetched, id);
		}
	});
});

describe('downloads: http(s) only, capped in size', () => {
	const fakeSuccess = (output: string[]): Fault => ({
		route: 'create',
		kind: 'status',
		status: 200,
		body: { status: 'success', id: 4242, output, meta: { seed: 1 } },
	});

	it.each([
		['ftp:', 'ftp://127.0.0.1/generations/a-0.png'],
		['file:', 'file:///etc/passwd'],
		['data:', 'data:text/html,<b>hi</b>'],
		['javascript:', 'javascript:alert(1)'],
	])('a %s link from the API is refused, in both output modes, and nothing is fetched', async (scheme, link) => {
		for (const output of ['binary', 'urls']) {
			sandbox().reset();
			sandbox().injectFault(fakeSuccess([link]));
			const result = await runNode(sandbox(), { parameters: text2imgParams({ output }) });
			expect(result.error).toMatchObject({
				name: 'NodeOperationError',
				message: `ModelsLab sent a ${scheme} link for image 0 of request 4242; only http(s) links are downloaded`,
				description: 'Nothing was fetched from it.',
			});
			expect(sandbox().counters().cdnRequests).toBe(0);
		}
	});

	it('base64 data URIs stay legitimate', async () => {
		const png = (await runNode(sandbox(), { parameters: text2imgParams() })).binaries[0].data;
		sandbox().reset();
		sandbox().injectFault(fakeSuccess([`data:image/png;base64,${png.toString('base64')}`]));
		const result = await runNode(sandbox(), { parameters: text2imgParams({ output: 'urls' }) });
		expect(result.status).toBe('success');
		expect(result.outputs[0].json.imageUrl).toBeNull();
		expect(result.binaries[0].data.equals(png)).toBe(true);
	});

	it('an image over Max Image Size fails its item at once with the limit named; nothing more is read', async () => {
		const result = await runNode(sandbox(), { parameters: text2imgParams({ width: 256, height: 256, maxImageSize: 0.01 }) });
		const answer = createAnswer(sandbox());
		expect(sandbox().jobBytes(answer.id, 0).length).toBeGreaterThan(0.01 * 1024 * 1024);
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: `Could not download image 0 of request ${answer.id}: larger than the 0.01 MB limit (Max Image Size)`,
			description: `Tried once: ${answer.output[0]}.`,
		});
		expect(sandbox().counters().cdnRequests).toBe(1);
	});

	it('the cap holds for base64 answers too', async () => {
		sandbox().configure({ base64Form: 'raw' });
		const result = await runNode(sandbox(), {
			parameters: text2imgParams({ width: 256, height: 256, maxImageSize: 0.01, options: { base64: true } }),
		});
		expect(result.error?.message).toBe(
			`ModelsLab sent image 0 of request ${createAnswer(sandbox()).id} as data that is no usable image: larger than the 0.01 MB limit (Max Image Size)`,
		);
	});

	it('a size just above the image passes', async () => {
		const result = await runNode(sandbox(), { parameters: text2imgParams({ width: 256, height: 256, maxImageSize: 0.02 }) });
		expect(result.status).toBe('success');
		expectImagesOfJob(sandbox(), result, createAnswer(sandbox()).id);
	});
});
