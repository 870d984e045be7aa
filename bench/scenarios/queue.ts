/**
 * Scenario 6 (queue mode): n8n in queue mode (Postgres, Redis, main and 2 workers at `--concurrency=1`, so
 * the two executions run on different processes), 2 executions × 100 items started at once through
 * production webhooks, one account with a queue limit of 5 (one sandbox, one key, shared by both), 2 s
 * jobs, 429 with `retry_after: 30`. Ideal makespan 200 / 5 × 2 s = 80 s.
 *
 * Three variants, each on the same cluster settings: the node of this checkout, the node as of the commit
 * before the queue adaptation (a7d3014, packed from a temporary worktree: its own cluster), and the
 * hand-built HTTP Request + IF + Wait 5 s loop.
 */
import { startSandbox } from '../../sandbox/server';
import type { Execution, N8nServer, QueueCluster, WorkflowJson } from '../../scripts/real-n8n';
import { SANDBOX_KEYS, startQueueCluster, withWebhookTrigger } from '../../scripts/real-n8n';
import type { ItemCounts } from '../lib/harness';
import { finalItems } from '../lib/harness';
import { packAtCommit } from '../lib/packAtCommit';
import { median } from '../lib/stats';
import type { WorkflowKind } from '../lib/workflows';
import { loadWorkflow } from '../lib/workflows';

export const QUEUE = {
	executions: 2,
	itemsPerExecution: 100,
	queueLimit: 5,
	jobMs: 2000,
	retryAfterSeconds: 30,
	workers: 2,
	workerConcurrency: 1,
	/** the node's Concurrency: its default */
	concurrency: 5,
} as const;
export const QUEUE_IDEAL_MS = ((QUEUE.executions * QUEUE.itemsPerExecution) / QUEUE.queueLimit) * QUEUE.jobMs;
export const QUEUE_GOAL_RATIO = 1.25;
/** The last commit before the queue slots adapted to the account (a1b9e54 added it): the node without adaptation. */
export const BEFORE_ADAPTATION = 'a1b9e54^';

interface QueueVariant {
	id: 'node' | 'node-before' | 'loop';
	kind: WorkflowKind;
}
const VARIANTS: QueueVariant[] = [
	{ id: 'node', kind: 'node' },
	{ id: 'loop', kind: 'loop' },
	{ id: 'node-before', kind: 'node' },
];

export interface QueueRun {
	variant: string;
	rep: number;
	executionIds: string[];
	statuses: Array<Execution['status']>;
	/** per execution, from the workers' logs: which worker started it (once each) */
	workers: number[][];
	/** both triggered (bench clock, the same machine's) -> both executions stopped (n8n's stoppedAt) */
	makespanMs: number;
	/** first create the sandbox received -> last result it delivered */
	deliveredSpanMs: number;
	/** per execution: trigger -> its stoppedAt */
	executionMs: number[];
	items: ItemCounts[];
	creates: number;
	createAttempts: number;
	rejected429: number;
	/** per execution (by its prompts): 429 answers */
	rejected429By: number[];
	/** jobs created for a prompt that already had one (billed twice) */
	duplicateCreates: number;
	fetches: number;
	peakProcessing: number;
	/** ms between the first create and the last delivery with fewer than `queueLimit` jobs processing */
	underfullMs: number;
	/** the places left unused over that span, in seconds of the whole queue: ∫ (limit − processing) / limit dt */
	unusedQueueMs: number;
	/** per execution: trigger -> its first accepted create */
	firstAcceptedMs: number[];
	/** every create answer, ms after the trigger: [t, execution index, HTTP status] */
	createLog: Array<[number, number, number]>;
	errors: Record<string, number>;
}

export interface QueueVariantResult {
	variant: string;
	label: string;
	runs: QueueRun[];
	summary: { makespanMedian: number; ratioMedian: number; failedMax: number; rejected429Median: number; createsOk: boolean; differentWorkers: boolean; underfullMedian: number; unusedQueueMedian: number };
}

export interface QueueResult {
	reps: number;
	idealMs: number;
	goalRatio: number;
	setup: typeof QUEUE;
	/** the node without adaptation: which commit was packed */
	before: { commit: string; subject: string };
	variants: QueueVariantResult[];
}

/** Items with prompts of their own per execution ("Benchmark image A7"), so the sandbox's records tell the two apart. */
function tagged(kind: WorkflowKind, tag: string, baseUrl: string, path: string): WorkflowJson {
	const json = loadWorkflow(kind, {
		ITEMS: QUEUE.itemsPerExecution,
		SIZE: 512,
		CONCURRENCY: kind === 'node' ? QUEUE.concurrency : undefined,
		OUTPUT: kind === 'node' ? 'binary' : undefined,
		BASE_URL: kind !== 'node' ? baseUrl : undefined,
		API_KEY: kind !== 'node' ? SANDBOX_KEYS.standard : undefined,
	});
	for (const node of json.nodes) {
		const code = (node.parameters as { jsCode?: string }).jsCode;
		if (code) (node.parameters as { jsCode: string }).jsCode = code.replace('`Benchmark image ${i + 1}`', `\`Benchmark image ${tag}\${i + 1}\``);
	}
	if (!JSON.stringify(json).includes(`Benchmark image ${tag}`)) throw new Error(`bench/workflows/${kind}.json: no prompt to tag`);
	return withWebhookTrigger(json, path);
}

/** Between first create and last delivery: ms with fewer than `limit` jobs processing, and the unused places over time ÷ limit. */
function underfull(jobs: Array<{ createdAt: number; readyAt: number }>, from: number, to: number, limit: number): { underfullMs: number; unusedQueueMs: number } {
	const events: Array<[number, number]> = [];
	// a job holds its place in the sandbox's queue from its create until it is ready
	for (const job of jobs) {
		events.push([job.createdAt, 1]);
		events.push([job.readyAt, -1]);
	}
	events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	let level = 0;
	let at = from;
	let idle = 0;
	let unused = 0;
	const span = (until: number) => {
		if (level < limit) {
			idle += until - at;
			unused += ((until - at) * (limit - level)) / limit;
		}
	};
	for (const [t, d] of events) {
		const clipped = Math.min(Math.max(t, from), to);
		span(clipped);
		at = clipped;
		level += d;
	}
	span(to);
	return { underfullMs: idle, unusedQueueMs: unused };
}

async function runOnce(
	cluster: QueueCluster,
	sandbox: Awaited<ReturnType<typeof startSandbox>>,
	credentials: Awaited<ReturnType<N8nServer['createSandboxCredentials']>>,
	variant: QueueVariant,
	rep: number,
	timeoutMs: number,
): Promise<QueueRun> {
	const main = cluster.main;
	const tags = ['A', 'B'].slice(0, QUEUE.executions);
	const workflows = [];
	for (const tag of tags) {
		const path = `bench-queue-${variant.id}-${rep}-${tag.toLowerCase()}`;
		const wf = await main.createWorkflow(tagged(variant.kind, tag, sandbox.baseUrl, path), credentials);
		await main.activateWorkflow(wf);
		workflows.push({ wf, path });
	}
	sandbox.reset();
	sandbox.configure({ rngSeed: 6000 + rep });
	try {
		const triggeredAt = Date.now();
		const executionIds = await Promise.all(workflows.map(async ({ wf, path }) => await main.triggerProductionWebhook(wf.id, path, { from: 'bench' })));
		const executions = await Promise.all(
			executionIds.map(async (id) => {
				for (let attempt = 1; ; attempt++) {
					try {
						return await main.waitForExecution(id, { timeoutMs, intervalMs: 500 });
					} catch (error) {
						if (attempt >= 5 || !String(error).includes('fetch failed')) throw error;
					}
				}
			}),
		);
		const stats = sandbox.counters();
		const stopped = executions.map((e) => (e.stoppedAt ? Date.parse(e.stoppedAt) : Number.NaN));
		const creates = stats.requests.filter((r) => r.route === 'create').map((r) => r.t);
		const delivered = stats.jobs.map((j) => j.firstSuccessFetchAt ?? (j.readyAt <= j.createdAt ? j.createdAt : Number.NaN)).filter(Number.isFinite);
		const firstCreate = creates.length ? Math.min(...creates) : Number.NaN;
		const lastDelivered = delivered.length ? Math.max(...delivered) : Number.NaN;
		const prompts = stats.jobs.map((j) => j.prompt);
		const items = executions.map((e) => finalItems(e, variant));
		const errors: Record<string, number> = {};
		for (const counts of items) for (const [message, n] of Object.entries(counts.errors)) errors[message] = (errors[message] ?? 0) + n;
		const promptOf = (body: unknown) => String((body as { prompt?: unknown } | undefined)?.prompt ?? '');
		const tagOf = (prompt: string) => tags.findIndex((tag) => prompt.startsWith(`Benchmark image ${tag}`));
		const createRequests = stats.requests.filter((r) => r.route === 'create');
		return {
			variant: variant.id,
			rep,
			executionIds,
			statuses: executions.map((e) => e.status),
			workers: executionIds.map((id) => cluster.workersThatStarted(id)),
			makespanMs: Math.max(...stopped) - triggeredAt,
			deliveredSpanMs: lastDelivered - firstCreate,
			executionMs: stopped.map((t) => t - triggeredAt),
			items,
			creates: stats.creates,
			createAttempts: stats.createAttempts,
			rejected429: stats.rejected429,
			rejected429By: tags.map((tag) => stats.requests.filter((r) => r.route === 'create' && r.status === 429 && promptOf(r.body).startsWith(`Benchmark image ${tag}`)).length),
			duplicateCreates: prompts.length - new Set(prompts).size,
			fetches: stats.fetches,
			peakProcessing: stats.peakProcessing,
			...underfull(stats.jobs, firstCreate, lastDelivered, QUEUE.queueLimit),
			firstAcceptedMs: tags.map((_, i) => Math.min(...stats.jobs.filter((j) => tagOf(j.prompt) === i).map((j) => j.createdAt)) - triggeredAt),
			createLog: createRequests.map((r) => [r.t - triggeredAt, tagOf(promptOf(r.body)), r.status]),
			errors,
		};
	} finally {
		for (const { wf } of workflows) await main.deactivateWorkflow(wf.id).catch(() => undefined);
	}
}

const LABELS: Record<QueueVariant['id'], (before: string) => string> = {
	node: () => 'ModelsLab node (this commit, Concurrency 5)',
	'node-before': (before) => `ModelsLab node without adaptation (${before}, Concurrency 5)`,
	loop: () => 'Hand-built loop',
};

function summarise(variant: QueueVariant, runs: QueueRun[], before: string): QueueVariantResult {
	const mine = runs.filter((r) => r.variant === variant.id);
	const failed = mine.map((r) => r.items.reduce((n, c) => n + (QUEUE.itemsPerExecution - c.ok), 0));
	return {
		variant: variant.id,
		label: LABELS[variant.id](before),
		runs: mine,
		summary: {
			makespanMedian: median(mine.map((r) => r.makespanMs)),
			ratioMedian: median(mine.map((r) => r.makespanMs / QUEUE_IDEAL_MS)),
			failedMax: Math.max(...failed),
			rejected429Median: median(mine.map((r) => r.rejected429)),
			createsOk: mine.every((r) => r.duplicateCreates === 0),
			differentWorkers: mine.every((r) => r.workers.every((w) => w.length === 1) && new Set(r.workers.flat()).size === r.workers.length),
			underfullMedian: median(mine.map((r) => r.underfullMs)),
			unusedQueueMedian: median(mine.map((r) => r.unusedQueueMs)),
		},
	};
}

export async function queueScenario(
	tgz: string,
	opts: { reps: number; variants?: Array<QueueVariant['id']> },
	log: (line: string) => void,
): Promise<QueueResult> {
	const variants = VARIANTS.filter((v) => !opts.variants || opts.variants.includes(v.id));
	const sandbox = await startSandbox({
		processingMs: QUEUE.jobMs,
		jitter: 0,
		retryAfterSeconds: QUEUE.retryAfterSeconds,
		accounts: [{ key: SANDBOX_KEYS.standard, queueLimit: QUEUE.queueLimit }],
	});
	const runs: QueueRun[] = [];
	let before = { commit: BEFORE_ADAPTATION, subject: '' };
	// the node without adaptation waits out retry_after: give each run room
	const timeoutMs = 20 * 60 * 1000;
	try {
		const packages: Array<{ tgz: string; variants: QueueVariant[] }> = [{ tgz, variants: variants.filter((v) => v.id !== 'node-before') }];
		if (variants.some((v) => v.id === 'node-before')) {
			const packed = packAtCommit(BEFORE_ADAPTATION);
			before = { commit: packed.commit, subject: packed.subject };
			log(`packed the node as of ${packed.commit} (${packed.subject.slice(0, 60)}…)`);
			packages.push({ tgz: packed.tgz, variants: variants.filter((v) => v.id === 'node-before') });
		}
		for (const pkg of packages) {
			if (pkg.variants.length === 0) continue;
			log(`queue: starting Postgres, Redis, main and ${QUEUE.workers} workers (--concurrency=${QUEUE.workerConcurrency}) for ${pkg.variants.map((v) => v.id).join(', ')}`);
			const cluster = await startQueueCluster({
				tgz: pkg.tgz,
				workers: QUEUE.workers,
				workerConcurrency: QUEUE.workerConcurrency,
				name: 'bench-queue',
				maxLifetimeMs: 60 * 60 * 1000,
				services: { maxLifetimeMs: 60 * 60 * 1000 },
			});
			try {
				await cluster.main.setupOwner();
				const credentials = await cluster.main.createSandboxCredentials(sandbox.baseUrl);
				for (let rep = 0; rep < opts.reps; rep++) {
					const order = pkg.variants.map((_, i) => pkg.variants[(i + rep) % pkg.variants.length]);
					for (const variant of order) {
						const run = await runOnce(cluster, sandbox, credentials, variant, rep, timeoutMs);
						runs.push(run);
						const failed = run.items.reduce((n, c) => n + (QUEUE.itemsPerExecution - c.ok), 0);
						log(
							`queue ${rep + 1}/${opts.reps} ${variant.id.padEnd(11)} makespan ${(run.makespanMs / 1000).toFixed(1)} s ` +
								`(first create -> last result ${(run.deliveredSpanMs / 1000).toFixed(1)} s), failed ${failed}/${QUEUE.executions * QUEUE.itemsPerExecution}, ` +
								`429 ${run.rejected429} (${run.rejected429By.join(' + ')}), creates ${run.creates}, duplicates ${run.duplicateCreates}, ` +
								`workers ${run.workers.map((w) => w.join('/')).join(' and ')}, first accepted ${run.firstAcceptedMs.map((t) => (t / 1000).toFixed(1)).join(' / ')} s, ` +
								`done ${run.executionMs.map((t) => (t / 1000).toFixed(1)).join(' / ')} s, unused queue ${(run.unusedQueueMs / 1000).toFixed(1)} s`,
						);
					}
				}
				const blocked = cluster.blockedOutbound();
				if (blocked.length > 0) log(`warning: n8n tried to reach ${blocked.map((b) => b.host).join(', ')} (refused)`);
			} finally {
				await cluster.stop();
			}
		}
	} finally {
		await sandbox.close();
	}
	return {
		reps: opts.reps,
		idealMs: QUEUE_IDEAL_MS,
		goalRatio: QUEUE_GOAL_RATIO,
		setup: QUEUE,
		before,
		variants: variants.map((v) => summarise(v, runs, before.commit)),
	};
}
