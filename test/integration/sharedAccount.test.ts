import { expectEveryItemSucceeded, runPromptedItems, useQueueLimitedSandbox } from './setup';

/**
 * Several executions, one account (job/accountQueue.ts): two executions of 50 items at Concurrency 5
 * share one account whose queue holds 5 jobs. In one process they share what the answers taught about
 * the account's queue, so a place one frees wakes the other, and 429s stay few.
 */
const LIMIT = 5;
const ITEMS = 50;
const sandbox = useQueueLimitedSandbox(LIMIT, 300);

/** Every create refused with 429 was sent again, for the same item, sooner than `ms` after the refusal. */
function expectEveryRefusalResentWithin(ms: number) {
	const creates = sandbox().stats.requests.filter((r) => r.route === 'create');
	for (const [index, refused] of creates.entries()) {
		if (refused.status !== 429) continue;
		const prompt = (refused.body as { prompt: string }).prompt;
		const resent = creates.slice(index + 1).find((r) => (r.body as { prompt: string }).prompt === prompt);
		expect(resent).toBeDefined();
		expect(resent!.t - refused.t).toBeLessThan(ms);
	}
}

describe('two executions sharing one account', () => {
	jest.setTimeout(240_000);

	it('every item of both runs gets its image, each job billed once, with a bounded number of 429s', async () => {
		const run = (name: string) => runPromptedItems(sandbox(), { name, count: ITEMS, concurrency: 5 });
		const [a, b] = await Promise.all([run('a'), run('b')]);
		const counters = sandbox().counters();
		for (const result of [a, b]) expectEveryItemSucceeded(result, ITEMS);
		// 100 outcomes, every job accepted once: nothing lost, nothing billed twice
		expect(counters.creates).toBe(2 * ITEMS);
		expect(counters.createAttempts).toBe(counters.creates + counters.rejected429);
		expect(counters.peakProcessing).toBe(LIMIT);
		// the first wave over the limit, then at most one probe per window of finished jobs
		expect(counters.rejected429).toBeGreaterThanOrEqual(LIMIT);
		expect(counters.rejected429).toBeLessThanOrEqual(LIMIT + (2 * ITEMS) / LIMIT);
		// a refused create is sent again when a place frees, whichever run's job freed it, not after retry_after
		expectEveryRefusalResentWithin(15_000);
	});

	it('two processes (queue-mode workers) learn nothing from each other, yet no refused create waits out retry_after', async () => {
		// The queue slots are per process and per account, keyed by key and base URL: the same sandbox under
		// two spellings of its base URL gets two sets, as two workers would, while the sandbox sees one account.
		const started = Date.now();
		const run = (name: string, baseUrl: string) => runPromptedItems(sandbox(), { name, count: ITEMS, concurrency: 5, baseUrl });
		const [a, b] = await Promise.all([run('a', sandbox().baseUrl), run('b', `${sandbox().baseUrl}/`)]);
		const elapsed = Date.now() - started;
		const counters = sandbox().counters();
		for (const result of [a, b]) expectEveryItemSucceeded(result, ITEMS);
		expect(counters.creates).toBe(2 * ITEMS);
		expect(counters.createAttempts).toBe(counters.creates + counters.rejected429);
		expect(new Set(counters.jobs.map((job) => job.prompt)).size).toBe(2 * ITEMS);
		expect(counters.peakProcessing).toBe(LIMIT);
		expect(counters.rejected429).toBeGreaterThanOrEqual(LIMIT);
		// a process with nothing in the queue probes it (after 2 s, then 4, 8 …) instead of waiting 30 s
		expectEveryRefusalResentWithin(30_000);
		expect(elapsed).toBeLessThan(30_000);
	});
});
