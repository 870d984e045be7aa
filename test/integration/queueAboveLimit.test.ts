import { expectEveryItemSucceeded, runPromptedItems, useQueueLimitedSandbox } from './setup';

/**
 * Concurrency above the account's queue limit: the creates over the limit get 429 with retry_after 30 s,
 * and each waits only until a job of the same run leaves the queue (job/accountQueue.ts), not 30 s.
 */
const LIMIT = 2;
const ITEMS = 8;
const sandbox = useQueueLimitedSandbox(LIMIT, 400);

describe('Concurrency above the queue limit', () => {
	it('runs every item, one 429 per create over the limit, in about ITEMS / LIMIT job times', async () => {
		const started = Date.now();
		const result = await runPromptedItems(sandbox(), { name: 'item', count: ITEMS, concurrency: ITEMS });
		const elapsed = Date.now() - started;
		expectEveryItemSucceeded(result, ITEMS);
		const counters = sandbox().counters();
		expect(counters.creates).toBe(ITEMS);
		expect(counters.peakProcessing).toBe(LIMIT);
		// the first wave: ITEMS - LIMIT refused; after that each freed place is taken by one woken create
		expect(counters.rejected429).toBe(ITEMS - LIMIT);
		expect(elapsed).toBeLessThan(10_000); // far below one retry_after (30 s)
	});
});
