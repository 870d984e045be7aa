/**
 * Scenario 7 (scale): a big sheet. 1,000 rows in one execution, an account queue limit of 10, the node at
 * Concurrency 10, jobs of 2 s ± 30 %: the ideal makespan is 1,000 / 10 × 2 s = 200 s. Once with Image URLs
 * output and once with Binary Files, each on an n8n of its own (lib/freshN8n.ts), so that its RSS growth
 * and CPU time are its own.
 *
 * The same rows through the hand-built loop and through HTTP Request (create, then download as a file)
 * give their RSS and CPU time beside the node's. Against a queue limit of 10 they would fail nearly every
 * row (scenario 3), so they run with the limit lifted; HTTP Request, which cannot wait, gets jobs that are
 * ready at once. Their makespans are not comparable, their memory and CPU per row are.
 */
import type { JobRecord } from '../../sandbox/server';
import { startSandbox } from '../../sandbox/server';
import { SANDBOX_KEYS } from '../../scripts/real-n8n';
import { runInFreshN8n } from '../lib/freshN8n';
import type { Variant } from '../lib/harness';
import { DOWNLOAD, LOOP } from '../lib/harness';

export const SCALE = { rows: 1000, queueLimit: 10, concurrency: 10, jobMs: 2000, jitter: 0.3, size: 256 } as const;
export const GOAL_SCALE_RATIO = 1.1;

export const NODE_URLS: Variant = { id: 'node-urls', label: 'ModelsLab node, Image URLs', kind: 'node', concurrency: SCALE.concurrency, output: 'urls' };
export const NODE_BINARY: Variant = { id: 'node-binary', label: 'ModelsLab node, Binary Files', kind: 'node', concurrency: SCALE.concurrency, output: 'binary' };

/** Where a node run's makespan went, in seconds of the account's 10 places. */
export interface ScaleTime {
	/** the jobs' own processing: the sum of their durations ÷ the queue limit */
	jobsS: number;
	/** from each job's readiness to the fetch that found it ready ÷ the queue limit */
	noticingS: number;
	/** the rest: handing the result on (downloads), creating the next job, the start and the last jobs' spread, the end of the execution */
	restS: number;
}

export interface ScaleRun {
	variant: string;
	rows: number;
	ok: number;
	failed: number;
	/** accepted creates, and rows whose prompt was created more than once */
	creates: number;
	createdTwice: number;
	rejected429: number;
	fetches: number;
	makespanMs: number;
	idealMs: number;
	ratio: number;
	n8nMs: number;
	rssGrowthMB: number;
	/** main + task runner */
	rssGrowthTreeMB: number;
	heldAfterGcMB: number;
	cpuMsPerRow: number;
	time?: ScaleTime;
	/** what the sandbox was told for this run */
	sandbox: { processingMs: number; queueLimit: number };
}

export interface ScaleResult {
	rows: number;
	queueLimit: number;
	concurrency: number;
	jobMs: number;
	jitter: number;
	idealMs: number;
	runs: ScaleRun[];
}

function timeSpent(jobs: JobRecord[], makespanMs: number, queueLimit: number): ScaleTime {
	const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
	const jobsS = sum(jobs.map((j) => j.readyAt - j.createdAt)) / queueLimit / 1000;
	const noticingS = sum(jobs.map((j) => (j.firstSuccessFetchAt ?? j.readyAt) - j.readyAt)) / queueLimit / 1000;
	return { jobsS, noticingS, restS: makespanMs / 1000 - jobsS - noticingS };
}

async function measure(tgz: string, variant: Variant, rows: number, log: (line: string) => void): Promise<ScaleRun> {
	const isNode = variant.kind === 'node';
	// the baselines fail nearly every row against the limit, and HTTP Request cannot wait for a job
	const queueLimit = isNode ? SCALE.queueLimit : rows;
	const processingMs = variant.kind === 'download' ? 0 : SCALE.jobMs;
	const sandbox = await startSandbox({
		processingMs,
		jitter: processingMs > 0 ? SCALE.jitter : 0,
		// a CDN has the file when the job is done: the sandbox's render (in this process) must not hold up a download
		renderAtCreate: true,
		accounts: [{ key: SANDBOX_KEYS.standard, queueLimit }],
	});
	try {
		const fresh = await runInFreshN8n(tgz, sandbox, variant, {
			name: `bench-scale-${variant.id}`,
			items: rows,
			size: SCALE.size,
			rep: 0,
			seed: 7000,
			warmUpItems: 10,
			timeoutMs: 1_800_000,
		});
		const { run } = fresh;
		const byPrompt = new Map<string, number>();
		for (const job of run.jobs) byPrompt.set(job.prompt, (byPrompt.get(job.prompt) ?? 0) + 1);
		// the whole execution, as a user waits for it: the last downloads included
		const makespanMs = run.n8nMs;
		const idealMs = (rows / SCALE.queueLimit) * SCALE.jobMs;
		const result: ScaleRun = {
			variant: variant.id,
			rows,
			ok: run.items.ok,
			failed: rows - run.items.ok,
			creates: run.counters.creates,
			createdTwice: [...byPrompt.values()].filter((n) => n > 1).length,
			rejected429: run.counters.rejected429,
			fetches: run.counters.fetches,
			makespanMs,
			idealMs,
			ratio: makespanMs / idealMs,
			n8nMs: run.n8nMs,
			rssGrowthMB: fresh.peakMainMB - fresh.baselineMainMB,
			rssGrowthTreeMB: fresh.peakTreeMB - fresh.baselineTreeMB,
			heldAfterGcMB: fresh.gcAfter.heapUsedMB - fresh.gcBefore.heapUsedMB,
			cpuMsPerRow: fresh.cpuMs / rows,
			...(isNode ? { time: timeSpent(run.jobs, makespanMs, SCALE.queueLimit) } : {}),
			sandbox: { processingMs, queueLimit },
		};
		log(
			`scale ${variant.id}: ${rows} rows, ok ${result.ok}, makespan ${(makespanMs / 1000).toFixed(1)} s (${result.ratio.toFixed(3)} × ideal), ` +
				`creates ${result.creates} (${result.createdTwice} twice), RSS +${result.rssGrowthMB.toFixed(1)} MB, CPU ${result.cpuMsPerRow.toFixed(2)} ms per row`,
		);
		return result;
	} finally {
		await sandbox.close();
	}
}

export async function scaleScenario(tgz: string, log: (line: string) => void, rows: number = SCALE.rows): Promise<ScaleResult> {
	const runs: ScaleRun[] = [];
	for (const variant of [NODE_URLS, NODE_BINARY, LOOP, DOWNLOAD]) runs.push(await measure(tgz, variant, rows, log));
	return {
		rows,
		queueLimit: SCALE.queueLimit,
		concurrency: SCALE.concurrency,
		jobMs: SCALE.jobMs,
		jitter: SCALE.jitter,
		idealMs: (rows / SCALE.queueLimit) * SCALE.jobMs,
		runs,
	};
}
