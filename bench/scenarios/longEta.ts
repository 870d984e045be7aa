/**
 * Scenario 1b (long etas): the etas ModelsLab really gives (6 s to 417 s; 20, 36 and 82 s are typical).
 * Jobs with eta 30 s, each ready after a time uniform between 0.5x and 2x the eta (15-60 s), run
 * concurrently (the sandbox's queue limit raised), so the scenario takes minutes rather than an hour.
 * The node (Concurrency = jobs) and the loop run the same seeded jobs in turn; fetch answers report the
 * time truly left.
 *
 * Its steady variant: jobs ready at 0.6 × the eta ± 10 %, and fetch answers that only count the create's
 * eta down, as an estimate would. Nothing in the answers says when a job is ready: the node must learn it
 * from the account's jobs, after a warm-up of 10.
 */
import { startSandbox } from '../../sandbox/server';
import type { N8nServer } from '../../scripts/real-n8n';
import { SANDBOX_KEYS } from '../../scripts/real-n8n';
import type { RunResult, Variant } from '../lib/harness';
import { Bench, LOOP } from '../lib/harness';
import { median, quantile } from '../lib/stats';

/** processingMs 37.5 s ± 60 %: ready uniform in 15-60 s; every create says eta 30. */
export const LONG_ETA_SANDBOX = { processingMs: 37_500, jitter: 0.6, etaSeconds: 30, etaCountsDown: false } as const;
/** 18 s ± 10 %: ready at 0.6 × the eta (30 s) ± 10 %, and fetch answers count the eta down. */
export const STEADY_SANDBOX = { processingMs: 18_000, jitter: 0.1, etaSeconds: 30, etaCountsDown: true } as const;
export const LONG_ETA_JOBS = 20;
export const STEADY_WARM_UP_JOBS = 10;

export const GOAL_LONG_LATENCY_MS = 500;
export const GOAL_STEADY_P95_MS = 1000;

export interface LongEtaVariant {
	variant: string;
	/** per job: result delivered - job ready (ms) */
	latencies: number[];
	fetches: number[];
	durations: number[];
	failed: number;
	summary: { latencyMedian: number; latencyP95: number; fetchesMedian: number; fetchesMean: number };
}

export interface LongEtaRuns {
	jobs: number;
	reps: number;
	sandbox: typeof LONG_ETA_SANDBOX | typeof STEADY_SANDBOX;
	/** node jobs run before the measured ones, on the same account, not measured */
	warmUp?: number;
	variants: LongEtaVariant[];
}

export interface LongEtaResult extends LongEtaRuns {
	steady?: LongEtaRuns;
}

function summarise(variant: string, runs: RunResult[]): LongEtaVariant {
	const mine = runs.filter((r) => r.variant === variant);
	const jobs = mine.flatMap((r) => r.jobs);
	const latencies = jobs.map((j) => (j.firstSuccessFetchAt ? j.firstSuccessFetchAt - j.readyAt : Number.NaN));
	const fetches = jobs.map((j) => j.fetches);
	return {
		variant,
		latencies,
		fetches,
		durations: jobs.map((j) => j.readyAt - j.createdAt),
		failed: mine.reduce((sum, r) => sum + (r.items.total - r.items.ok), 0),
		summary: {
			latencyMedian: median(latencies),
			latencyP95: quantile(latencies, 0.95),
			fetchesMedian: median(fetches),
			fetchesMean: fetches.reduce((a, b) => a + b, 0) / fetches.length,
		},
	};
}

async function longEtaRuns(
	n8n: N8nServer,
	settings: typeof LONG_ETA_SANDBOX | typeof STEADY_SANDBOX,
	{ reps, jobs, warmUp = 0, name }: { reps: number; jobs: number; warmUp?: number; name: string },
	log: (line: string) => void,
): Promise<LongEtaRuns> {
	const sandbox = await startSandbox({ ...settings, accounts: [{ key: SANDBOX_KEYS.standard, queueLimit: 100 }] });
	const node: Variant = { id: 'node', label: `ModelsLab node, Concurrency ${jobs}`, kind: 'node', concurrency: jobs };
	try {
		const bench = new Bench(n8n, sandbox, await n8n.createSandboxCredentials(sandbox.baseUrl));
		if (warmUp > 0) {
			const run = await bench.run({ ...node, id: 'node-warm-up', concurrency: warmUp }, { items: warmUp, rep: -1, seed: 4000, timeoutMs: 300_000, pollMs: 1000 });
			log(`${name} warm-up: ${warmUp} jobs, ok ${run.items.ok}/${warmUp}`);
		}
		const runs: RunResult[] = [];
		for (let rep = 0; rep < reps; rep++) {
			const order = rep % 2 === 0 ? [node, LOOP] : [LOOP, node];
			for (const variant of order) {
				const run = await bench.run(variant, { items: jobs, rep, seed: 3000 + rep, timeoutMs: 300_000, pollMs: 1000 });
				runs.push(run);
				const mine = summarise(variant.id, [run]);
				log(
					`${name} ${rep + 1}/${reps} ${variant.id.padEnd(4)} ${jobs} jobs of ${(Math.min(...mine.durations) / 1000).toFixed(0)}-${(Math.max(...mine.durations) / 1000).toFixed(0)} s: ` +
						`latency median ${mine.summary.latencyMedian.toFixed(0)} ms, p95 ${mine.summary.latencyP95.toFixed(0)} ms, fetches median ${mine.summary.fetchesMedian}, ok ${run.items.ok}/${jobs}`,
				);
			}
		}
		return { jobs, reps, sandbox: settings, ...(warmUp > 0 ? { warmUp } : {}), variants: [summarise(node.id, runs), summarise(LOOP.id, runs)] };
	} finally {
		await sandbox.close();
	}
}

export async function longEtaScenario(n8n: N8nServer, reps: number, log: (line: string) => void, jobs = LONG_ETA_JOBS): Promise<LongEtaResult> {
	const uniform = await longEtaRuns(n8n, LONG_ETA_SANDBOX, { reps, jobs, name: 'long eta' }, log);
	const steady = await longEtaRuns(n8n, STEADY_SANDBOX, { reps, jobs, warmUp: STEADY_WARM_UP_JOBS, name: 'steady eta' }, log);
	return { ...uniform, steady };
}
