/**
 * Scenario 1 (latency) and 2 (requests): single jobs of 3 s (eta 3), each actually ready after 3 s ± 30 %.
 * Node and loop runs alternate; run i of both uses sandbox seed i, so both see the same job duration.
 */
import { startSandbox } from '../../sandbox/server';
import type { N8nServer } from '../../scripts/real-n8n';
import type { RunResult } from '../lib/harness';
import { Bench, LOOP, NODE } from '../lib/harness';
import { max, median, quantile } from '../lib/stats';

export const LATENCY_SANDBOX = { processingMs: 3000, etaSeconds: 3, jitter: 0.3 } as const;

export interface LatencyVariant {
	variant: string;
	/** per job: firstSuccessFetchAt - readyAt (ms) */
	latencies: number[];
	/** per job: fetch calls */
	fetches: number[];
	/** per job: job duration (readyAt - createdAt), to show both variants saw the same jobs */
	durations: number[];
	/** per run: n8n's execution time (ms) */
	n8nMs: number[];
	failedRuns: number;
	summary: { latencyMedian: number; latencyP95: number; latencyMax: number; fetchesMedian: number; fetchesMean: number; n8nMedian: number };
}

export interface LatencyResult {
	reps: number;
	sandbox: typeof LATENCY_SANDBOX;
	variants: LatencyVariant[];
	runs: RunResult[];
}

function summarise(variant: string, runs: RunResult[]): LatencyVariant {
	const mine = runs.filter((r) => r.variant === variant);
	const jobs = mine.map((r) => r.jobs[0]);
	const latencies = jobs.map((j) => (j?.firstSuccessFetchAt ? j.firstSuccessFetchAt - j.readyAt : Number.NaN));
	const fetches = jobs.map((j) => j?.fetches ?? Number.NaN);
	const n8nMs = mine.map((r) => r.n8nMs);
	return {
		variant,
		latencies,
		fetches,
		durations: jobs.map((j) => (j ? j.readyAt - j.createdAt : Number.NaN)),
		n8nMs,
		failedRuns: mine.filter((r) => r.status !== 'success' || r.items.ok !== 1).length,
		summary: {
			latencyMedian: median(latencies),
			latencyP95: quantile(latencies, 0.95),
			latencyMax: max(latencies.filter(Number.isFinite)),
			fetchesMedian: median(fetches),
			fetchesMean: fetches.reduce((a, b) => a + b, 0) / fetches.length,
			n8nMedian: median(n8nMs),
		},
	};
}

export async function latencyScenario(n8n: N8nServer, reps: number, log: (line: string) => void): Promise<LatencyResult> {
	const sandbox = await startSandbox({ ...LATENCY_SANDBOX });
	try {
		const bench = new Bench(n8n, sandbox, await n8n.createSandboxCredentials(sandbox.baseUrl));
		// warm-up (task runner, first expression compile): not recorded
		for (const variant of [NODE, LOOP]) await bench.run(variant, { items: 1, rep: -1, seed: 1 });
		const runs: RunResult[] = [];
		for (let rep = 0; rep < reps; rep++) {
			const order = rep % 2 === 0 ? [NODE, LOOP] : [LOOP, NODE];
			for (const variant of order) {
				const run = await bench.run(variant, { items: 1, rep, seed: 1000 + rep, timeoutMs: 120_000 });
				runs.push(run);
				const job = run.jobs[0];
				log(
					`latency ${rep + 1}/${reps} ${variant.id.padEnd(4)} job ${job ? job.readyAt - job.createdAt : '?'} ms, ` +
						`latency ${job?.firstSuccessFetchAt ? job.firstSuccessFetchAt - job.readyAt : 'n/a'} ms, fetches ${job?.fetches ?? '?'}`,
				);
			}
		}
		return { reps, sandbox: LATENCY_SANDBOX, variants: [summarise(NODE.id, runs), summarise(LOOP.id, runs)], runs };
	} finally {
		await sandbox.close();
	}
}
