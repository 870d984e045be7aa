import { runNode, text2imgParams, useSandbox } from './setup';

/**
 * Concurrency above the account's queue limit: the creates over the limit get 429 with retry_after 30 s,
 * and each waits only until a job of the same run leaves the queue (helpers/queueSlots.ts), not 30 s.
 */
const LIMIT = 2;
const ITEMS = 8;
const sandbox = useSandbox({
	processingMs: 400,
	retryAfterSeconds: 30,
	accounts: [{ key: 'sandbox-standard-key', queueLimit: LIMIT }],
});

describe('Concurrency above the queue limit', () => {
	it('runs every item, one 429 per create over the limit, in about ITEMS / LIMIT job times', async () => {
		const started = Date.now();
		const result = await runNode(sandbox(), {
			parameters: text2imgParams({ concurrency: ITEMS, output: 'urls', prompt: '={{ $json.prompt }}' }),
			inputItems: Array.from({ length: ITEMS }, (_, i) => ({ json: { prompt: `item ${i}` } })),
		});
		const elapsed = Date.now() - started;
		expect(result.error).toBeUndefined();
		expect(result.outputs.map((item) => [item.json.status, item.pairedItem])).toEqual(
			Array.from({ length: ITEMS }, (_, i) => ['success', { item: i }]),
		);
		const counters = sandbox().counters();
		expect(counters.creates).toBe(ITEMS);
		expect(counters.peakProcessing).toBe(LIMIT);
		// the first wave: ITEMS - LIMIT refused; after that each freed place is taken by one woken create
		expect(counters.rejected429).toBe(ITEMS - LIMIT);
		expect(elapsed).toBeLessThan(10_000); // far below one retry_after (30 s)
	});
});
