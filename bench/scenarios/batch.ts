/**
 * Scenario 3 (batch): 50 items, an account queue limit of 5, 2 s jobs (ideal makespan 50 / 5 × 2 s = 20 s).
 * The node at its default Concurrency 5, the loop, and the node at Concurrency 50 take turns.
 */
import { startSandbox } from '../../sandbox/server';
import type { N8nServer } from '../../scripts/real-n8n';
import { SANDBOX_KEYS } from '../../scripts/real-n8n';
import type { RunResult, Variant } from '../lib/harness';
import { Bench, LOOP, NODE, NODE_C50 } from '../lib/harness';
import { median } from '../lib/stats';

export const BATCH = { items: 50, queueLimit: 5, jobMs: 2000 } as const;
export const IDEAL_MS = (BATCH.items / BATCH.queueLimit) * BATCH.jobMs;

export interface BatchVariant {
	variant: string;
	/** per run: first create received -> last result delivered, sandbox clock */
	makespanMs: number[];
	/** per run: makespan / ideal */
	ratios: number[];
	n8nMs: number[];
	failed: number[];
	/** failed items whose error was the 429 */
	rateLimitedSeen: number[];
	/** 429 answers the sandbox sent (the node absorbs most of them) */
	rejected429: number[];
	creates: number[];
	fetches: number[];
	peakProcessing: number[];
	errors: Record<string, number>;
	summary: { ratioMedian: number; makespanMedian: number; n8nMedian: number; failedMedian: number; failedMax: number; rejected429Median: number; fetchesPerItem: number; rateLimitedSeenMedian: number };
}

export interface BatchResult {
	reps: number;
	idealMs: number;
	sandbox: { processingMs: number; jitter: number; queueLimit: number; retryAfterSeconds: number };
	variants: BatchVariant[];
	runs: RunResult[];
}

function summarise(variant: Variant, runs: RunResult[]): BatchVariant {
	const mine = runs.filter((r) => r.variant === variant.id);
	const makespanMs = mine.map((r) => r.lastDeliveredAt - r.firstCreateAt);
	const ratios = makespanMs.map((m) => m / IDEAL_MS);
	const errors: Record<string, number> = {};
	for (const run of mine) for (const [message, n] of Object.entries(run.items.errors)) errors[message] = (errors[message] ?? 0) + n;
	const failed = mine.map((r) => BATCH.items - r.items.ok);
	const fetches = mine.map((r) => r.counters.fetches);
	return {
		variant: variant.id,
		makespanMs,
		ratios,
		n8nMs: mine.map((r) => r.n8nMs),
		failed,
		rateLimitedSeen: mine.map((r) => r.items.rateLimited),
		rejected429: mine.map((r) => r.counters.rejected429),
		creates: mine.map((r) => r.counters.creates),
		fetches,
		peakProcessing: mine.map((r) => r.counters.peakProcessing),
		errors,
		summary: {
			ratioMedian: median(ratios),
			makespanMedian: median(makespanMs),
			n8nMedian: median(mine.map((r) => r.n8nMs)),
			failedMedian: median(failed),
			failedMax: Math.max(...failed),
			rejected429Median: median(mine.map((r) => r.counters.rejected429)),
			fetchesPerItem: median(fetches) / BATCH.items,
			rateLimitedSeenMedian: median(mine.map((r) => r.items.rateLimited)),
		},
	};
}

export async function batchScenario(n8n: N8nServer, reps: number, log: (line: string) => void): Promise<BatchResult> {
	const retryAfterSeconds = 30;
	const sandbox = await startSandbox({
		processingMs: BATCH.jobMs,
		jitter: 0,
		retryAfterSeconds,
		accounts: [{ key: SANDBOX_KEYS.standard, queueLimit: BATCH.queueLimit }],
	});
	try {
		const bench = new Bench(n8n, sandbox, await n8n.createSandboxCredentials(sandbox.baseUrl));
		const variants = [NODE, LOOP, NODE_C50];
		for (const variant of [NODE, LOOP]) await bench.run(variant, { items: 2, rep: -1 });
		const runs: RunResult[] = [];
		for (let rep = 0; rep < reps; rep++) {
			// rotate the order so no variant always runs first
			const order = variants.map((_, i) => variants[(i + rep) % variants.length]);
			for (const variant of order) {
				const run = await bench.run(variant, { items: BATCH.items, rep, seed: 2000 + rep, timeoutMs: 900_000 });
				runs.push(run);
				log(
					`batch ${rep + 1}/${reps} ${variant.id.padEnd(8)} makespan ${((run.lastDeliveredAt - run.firstCreateAt) / 1000).toFixed(1)} s, ` +
						`ok ${run.items.ok}/${BATCH.items}, 429 answered ${run.counters.rejected429}, fetches ${run.counters.fetches}`,
				);
			}
		}
		return {
			reps,
			idealMs: IDEAL_MS,
			sandbox: { processingMs: BATCH.jobMs, jitter: 0, queueLimit: BATCH.queueLimit, retryAfterSeconds },
			variants: variants.map((v) => summarise(v, runs)),
			runs,
		};
	} finally {
		await sandbox.close();
	}
}
