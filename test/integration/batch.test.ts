import type { IDataObject } from 'n8n-workflow';

import type { Fault, JobRecord } from '../../sandbox/server';
import { prng } from '../hostileValues';
import { runNode, startRecorder, text2imgParams, useSandbox } from './setup';

/**
 * Nothing lost: 50 items at the pay-as-you-go queue limit (5) and Concurrency 5, each with a fault
 * from the matrix drawn with a fixed seed. Every item must come back exactly once, paired to its
 * input, with its own job's bytes or the error its fault calls for, and nothing may be billed twice.
 */

const ITEMS = 50;
const CONCURRENCY = 5;
// room for a fetch retry (1 s) on a loaded machine; "processing never ends" waits it out
const MAX_WAIT_SECONDS = 5;

// short jobs (first fetch at once), short 429 waits: the whole batch runs in a few seconds; the
// latency makes requests overlap, so the peak shows the real concurrency
const sandbox = useSandbox({ processingMs: 200, etaSeconds: 0, retryAfterSeconds: 0.2, latencyMs: 30 });

type Expected = (job: JobRecord | undefined) => { error: string; id?: string } | 'success';

interface Scenario {
	name: string;
	faults: Fault[];
	expected: Expected;
}

const success: Expected = () => 'success';
const onJob = (message: (id: string) => string): Expected => (job) => {
	const id = String(job?.id);
	return { error: message(id), id };
};

const SCENARIOS: Scenario[] = [
	{ name: 'no fault', faults: [], expected: success },
	{ name: '1. 429 on create', faults: [{ route: 'create', kind: 'rateLimit', retryAfter: 0.2 }], expected: success },
	{ name: '2. 500 on fetch', faults: [{ route: 'fetch', kind: 'status', status: 500 }], expected: success },
	{ name: '3. 502 on fetch', faults: [{ route: 'fetch', kind: 'status', status: 502 }], expected: success },
	{ name: '4. 503 on fetch', faults: [{ route: 'fetch', kind: 'status', status: 503 }], expected: success },
	{ name: '5. reset on fetch', faults: [{ route: 'fetch', kind: 'reset' }], expected: success },
	{
		name: '6. status error on create',
		faults: [{ route: 'create', kind: 'apiError', message: 'Server is busy' }],
		expected: () => ({ error: 'ModelsLab refused the request: Server is busy' }),
	},
	{
		name: '6. status error on fetch',
		faults: [{ route: 'fetch', kind: 'apiError', message: 'Request expired' }],
		expected: onJob((id) => `ModelsLab refused request ${id}: Request expired`),
	},
	{
		name: '7. failed',
		faults: [{ route: 'fetch', kind: 'failed', message: 'Image generation failed' }],
		expected: onJob((id) => `ModelsLab failed request ${id}: Image generation failed`),
	},
	{
		name: '8. validation messege',
		faults: [{ route: 'create', kind: 'apiError', message: { prompt: ['The prompt is too long.'] } }],
		expected: () => ({ error: 'ModelsLab refused the request: prompt: The prompt is too long.' }),
	},
	{ name: '9. HTML on fetch', faults: [{ route: 'fetch', kind: 'html' }], expected: success },
	{
		name: '9. HTML on create, after accepting',
		faults: [{ route: 'create', kind: 'html', afterAccept: true }],
		expected: () => ({ error: 'ModelsLab answered HTTP 200 with an HTML page' }),
	},
	{
		name: '10. processing never ends',
		faults: [
			{ route: 'fetch', kind: 'status', status: 200, body: { status: 'processing', eta: 1 }, times: Infinity },
		],
		expected: onJob((id) => `Request ${id} was still processing after ${MAX_WAIT_SECONDS} s (Max Wait Time)`),
	},
	{ name: '11. image 404 until ready', faults: [{ route: 'cdn', kind: 'status', status: 404, times: 2 }], expected: success },
	{ name: '12. download cut short', faults: [{ route: 'cdn', kind: 'truncate' }], expected: success },
	{ name: '12. download reset', faults: [{ route: 'cdn', kind: 'reset' }], expected: success },
	{ name: '13. wrong content-type', faults: [{ route: 'cdn', kind: 'contentType', value: 'text/plain' }], expected: success },
	{ name: '13. no content-type', faults: [{ route: 'cdn', kind: 'contentType', value: null }], expected: success },
	{
		name: 'ambiguous create: 502 after accepting',
		faults: [{ route: 'create', kind: 'status', status: 502, afterAccept: true }],
		expected: () => ({ error: 'ModelsLab answered HTTP 502: Bad Gateway' }),
	},
];

/** Every scenario at least once, the rest drawn at random, all shuffled. */
function drawScenarios(seed: number): Scenario[] {
	const random = prng(seed);
	const drawn = [...SCENARIOS];
	while (drawn.length < ITEMS) drawn.push(SCENARIOS[Math.floor(random() * SCENARIOS.length)]);
	for (let index = drawn.length - 1; index > 0; index--) {
		const other = Math.floor(random() * (index + 1));
		[drawn[index], drawn[other]] = [drawn[other], drawn[index]];
	}
	return drawn;
}

describe('a batch of 50 with random faults (fixed seed)', () => {
	it('returns exactly 50 outcomes, each paired to its input, billing each job once', async () => {
		const scenarios = drawScenarios(20260105);
		const prompts = scenarios.map((_scenario, index) => `item ${index}`);
		scenarios.forEach((scenario, index) => {
			for (const fault of scenario.faults) sandbox().injectFault({ ...fault, prompt: prompts[index] });
		});
		// 15: every fetch_result points at another origin, which must get nothing
		const other = await startRecorder();
		sandbox().configure({ fetchResultOrigin: other.url });

		let result;
		try {
			result = await runNode(sandbox(), {
				parameters: text2imgParams({
					prompt: '={{ $json.prompt }}',
					width: 256,
					height: 256,
					maxWaitTime: MAX_WAIT_SECONDS,
					concurrency: CONCURRENCY,
				}),
				inputItems: prompts.map((prompt) => ({ json: { prompt } })),
				continueOnFail: true,
			});
		} finally {
			await other.close();
		}
		expect(result.status).toBe('success');
		expect(other.requests).toEqual([]);

		const counters = sandbox().counters();
		const jobsByPrompt = new Map<string, JobRecord[]>();
		for (const job of counters.jobs) jobsByPrompt.set(job.prompt, [...(jobsByPrompt.get(job.prompt) ?? []), job]);

		// exactly one outcome per input, in input order
		expect(result.outputs).toHaveLength(ITEMS);
		expect(result.outputs.map((item) => item.pairedItem)).toEqual(prompts.map((_prompt, item) => ({ item })));

		scenarios.forEach((scenario, index) => {
			const jobs = jobsByPrompt.get(prompts[index]) ?? [];
			// never billed twice for one item
			expect(jobs.length).toBeLessThanOrEqual(1);
			const expected = scenario.expected(jobs[0]);
			const item = result.outputs[index];
			const outcome = { scenario: scenario.name, json: item.json as IDataObject };
			if (expected === 'success') {
				expect(outcome).toEqual({
					scenario: scenario.name,
					json: expect.objectContaining({ id: String(jobs[0]?.id), status: 'success', imageIndex: 0 }),
				});
				expect(item.binary?.data.mimeType).toBe('image/png');
				expect(result.binaries[index].data.equals(sandbox().jobBytes(jobs[0].id, 0))).toBe(true);
			} else {
				expect(outcome).toEqual({
					scenario: scenario.name,
					json: expected.id
						? { error: expected.error, description: expect.any(String), id: expected.id }
						: { error: expected.error, description: expect.any(String) },
				});
			}
		});

		// every create was accepted once or refused with 429 (and then sent again): never more
		const refusedWithoutJob = scenarios.filter((scenario) => scenario.faults.some((fault) => fault.kind === 'apiError' && fault.route === 'create')).length;
		expect(counters.createAttempts).toBe(ITEMS + counters.rejected429);
		expect(counters.creates).toBe(ITEMS - refusedWithoutJob);
		expect(counters.rejected429).toBeGreaterThanOrEqual(scenarios.filter((scenario) => scenario.name.startsWith('1.')).length);
		// concurrency: never more requests at once than the setting, and the queue never over its limit.
		// Reaching the setting exactly is not promised: a loaded machine spreads the requests out, and after a
		// 429 the account's window holds creates back (job/accountQueue.ts)
		expect(counters.peakInFlight).toBeLessThanOrEqual(CONCURRENCY);
		expect(counters.peakInFlight).toBeGreaterThan(1);
		expect(counters.peakProcessing).toBeLessThanOrEqual(5);
		// every injected one-off fault was met, so each item really went through its fault
		expect(sandbox().faults.filter((fault) => fault.times !== Infinity)).toEqual([]);
	}, 60_000);
});

describe("a finished job's files download while the next item starts", () => {
	it('Concurrency 1: the next create goes while the last image downloads, and at most one such download besides', async () => {
		// every download takes 600 ms; each job 200 ms
		sandbox().injectFault({ route: 'cdn', kind: 'delay', ms: 600, times: Infinity });
		const prompts = ['row 1', 'row 2', 'row 3'];
		const result = await runNode(sandbox(), {
			parameters: text2imgParams({ prompt: '={{ $json.prompt }}', width: 256, height: 256, concurrency: 1 }),
			inputItems: prompts.map((prompt) => ({ json: { prompt } })),
		});
		expect(result.status).toBe('success');
		const counters = sandbox().counters();
		const creates = counters.requests.filter((request) => request.route === 'create').map((request) => request.t);
		const downloads = counters.cdnLog.map((record) => record.t);
		expect(creates).toHaveLength(3);
		expect(downloads).toHaveLength(3);
		// row 2's job starts while row 1's image is still downloading …
		expect(creates[1]).toBeGreaterThanOrEqual(downloads[0]);
		expect(creates[1]).toBeLessThan(downloads[0] + 600);
		// … but row 3's waits for that download: one finished job's download at a time besides the job
		expect(creates[2]).toBeGreaterThanOrEqual(downloads[0] + 600);
		// every row still gets its own image, in order
		expect(result.outputs.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		const jobs = counters.jobs;
		result.binaries.forEach((binary, index) => {
			expect(jobs[index].prompt).toBe(prompts[index]);
			expect(binary.data.equals(sandbox().jobBytes(jobs[index].id, 0))).toBe(true);
		});
	});
});
