import type { JobRecord, Sandbox, SandboxStats } from '../../sandbox/server';
import type { Execution, ModelsLabCredentials, N8nServer, OutputItem, SavedWorkflow } from '../../scripts/real-n8n';
import { SANDBOX_KEYS } from '../../scripts/real-n8n';
import type { WorkflowKind } from './workflows';
import { TRIGGER, loadWorkflow } from './workflows';

/** The variants compared: the node (at a concurrency) and the hand-built loop. */
export interface Variant {
	id: string;
	label: string;
	kind: WorkflowKind;
	concurrency?: number;
	/** the node's Output (default Binary Files) */
	output?: 'binary' | 'urls';
}

export const NODE: Variant = { id: 'node', label: 'ModelsLab node', kind: 'node', concurrency: 5 };
export const LOOP: Variant = { id: 'loop', label: 'HTTP Request + IF + Wait 5 s loop', kind: 'loop' };
export const NODE_C50: Variant = { id: 'node-c50', label: 'ModelsLab node, Concurrency 50', kind: 'node', concurrency: 50 };
export const DOWNLOAD: Variant = { id: 'download', label: 'HTTP Request create + HTTP Request download (file)', kind: 'download' };

export interface ItemCounts {
	total: number;
	ok: number;
	failed: number;
	/** failed items whose error is the 429 "queue full" answer */
	rateLimited: number;
	/** every distinct error message, with how often it occurred */
	errors: Record<string, number>;
}

export interface RunResult {
	variant: string;
	rep: number;
	executionId: string;
	status: Execution['status'];
	/** n8n's own startedAt -> stoppedAt */
	n8nMs: number;
	/** first create request the sandbox received */
	firstCreateAt: number;
	/** last result delivered (a fetch or create that answered success) */
	lastDeliveredAt: number;
	jobs: JobRecord[];
	counters: Pick<SandboxStats, 'creates' | 'createAttempts' | 'rejected429' | 'fetches' | 'peakInFlight' | 'peakProcessing'>;
	items: ItemCounts;
}

const RATE_LIMITED = /429|rate limit|queue (is )?full|queued requests/i;

function countItems(items: OutputItem[], isOk: (item: OutputItem) => boolean): ItemCounts {
	const counts: ItemCounts = { total: items.length, ok: 0, failed: 0, rateLimited: 0, errors: {} };
	for (const item of items) {
		if (isOk(item)) {
			counts.ok++;
			continue;
		}
		counts.failed++;
		const error = item.json.error as unknown;
		let message =
			typeof error === 'string'
				? error
				: error && typeof error === 'object'
					? String((error as { message?: unknown }).message ?? JSON.stringify(error))
					: String(item.json.message ?? item.json.messege ?? item.json.status ?? 'unknown');
		// HTTP Request's error items carry the HTTP status apart from the message
		const code = error && typeof error === 'object' ? ((error as { httpCode?: unknown; status?: unknown }).httpCode ?? (error as { status?: unknown }).status) : undefined;
		if (code !== undefined && code !== null && !message.includes(String(code))) message = `HTTP ${String(code)}: ${message}`;
		const text = JSON.stringify(item.json);
		if (RATE_LIMITED.test(text)) counts.rateLimited++;
		const key = message.slice(0, 160);
		counts.errors[key] = (counts.errors[key] ?? 0) + 1;
	}
	return counts;
}

/** Every item the workflow ended with: the node's output, or what reached the loop's "Done" over all its runs. */
export function finalItems(execution: Execution, variant: Pick<Variant, 'kind' | 'output'>): ItemCounts {
	const { kind } = variant;
	const runData = execution.data.resultData.runData;
	if (kind === 'node') {
		const runs = runData.ModelsLab ?? [];
		const items = runs.flatMap((run) => run.data?.main[0] ?? []);
		const delivered = (item: OutputItem) => (variant.output === 'urls' ? typeof item.json.imageUrl === 'string' : Boolean(item.binary?.data));
		return countItems(items, (item) => item.json.status === 'success' && !item.json.error && delivered(item));
	}
	if (kind === 'download') {
		const items = (runData.Download ?? []).flatMap((run) => run.data?.main[0] ?? []);
		return countItems(items, (item) => !item.json.error && Boolean(item.binary?.data));
	}
	const runs = runData.Done ?? [];
	const items = runs.flatMap((run) => run.data?.main[0] ?? []);
	return countItems(items, (item) => item.json.status === 'success');
}

/** Saves both workflows once per shape (items, size, concurrency) and runs them on demand. */
export class Bench {
	private saved = new Map<string, SavedWorkflow>();

	constructor(
		readonly n8n: N8nServer,
		readonly sandbox: Sandbox,
		readonly credentials: ModelsLabCredentials,
	) {}

	private async workflow(variant: Variant, items: number, size: number): Promise<SavedWorkflow> {
		const key = `${variant.id}:${items}:${size}`;
		let wf = this.saved.get(key);
		if (!wf) {
			const json = loadWorkflow(variant.kind, {
				ITEMS: items,
				SIZE: size,
				CONCURRENCY: variant.kind === 'node' ? (variant.concurrency ?? 5) : undefined,
				OUTPUT: variant.kind === 'node' ? (variant.output ?? 'binary') : undefined,
				BASE_URL: variant.kind !== 'node' ? this.sandbox.baseUrl : undefined,
				API_KEY: variant.kind !== 'node' ? SANDBOX_KEYS.standard : undefined,
			});
			json.name = `${json.name} (${variant.id}, ${items} × ${size}px)`;
			wf = await this.n8n.createWorkflow(json, this.credentials);
			this.saved.set(key, wf);
		}
		return wf;
	}

	/**
	 * n8n's REST API, polled while a heavy execution runs, now and then drops a kept-alive connection
	 * ("fetch failed"): ask again, a few times, rather than lose the measurement.
	 */
	private async waitForExecution(executionId: string, timeoutMs: number, intervalMs: number): Promise<Execution> {
		const deadline = Date.now() + timeoutMs;
		for (let attempt = 1; ; attempt++) {
			try {
				return await this.n8n.waitForExecution(executionId, { timeoutMs: Math.max(1000, deadline - Date.now()), intervalMs });
			} catch (error) {
				if (attempt >= 5 || !String(error).includes('fetch failed') || Date.now() > deadline) throw error;
				await new Promise((resolve) => setTimeout(resolve, 1000));
			}
		}
	}

	/**
	 * One manual execution: the sandbox is reset first (counters, jobs) and re-seeded, so paired runs of
	 * two variants see the same job durations; returns what both sides recorded.
	 */
	async run(
		variant: Variant,
		opts: { items: number; size?: number; rep: number; seed?: number; timeoutMs?: number; pollMs?: number },
	): Promise<RunResult> {
		const size = opts.size ?? 512;
		const wf = await this.workflow(variant, opts.items, size);
		this.sandbox.reset();
		if (opts.seed !== undefined) this.sandbox.configure({ rngSeed: opts.seed });
		const { executionId } = await this.n8n.runWorkflow(wf.id, TRIGGER);
		const execution = await this.waitForExecution(executionId, opts.timeoutMs ?? 600_000, opts.pollMs ?? 200);
		const stats = this.sandbox.counters();
		const creates = stats.requests.filter((r) => r.route === 'create').map((r) => r.t);
		// a job that was ready at once was delivered by its create answer
		const delivered = stats.jobs
			.map((j) => j.firstSuccessFetchAt ?? (j.readyAt <= j.createdAt ? j.createdAt : Number.NaN))
			.filter(Number.isFinite);
		const started = execution.startedAt ? Date.parse(execution.startedAt) : Number.NaN;
		const stopped = execution.stoppedAt ? Date.parse(execution.stoppedAt) : Number.NaN;
		return {
			variant: variant.id,
			rep: opts.rep,
			executionId,
			status: execution.status,
			n8nMs: stopped - started,
			firstCreateAt: creates.length ? Math.min(...creates) : Number.NaN,
			lastDeliveredAt: delivered.length ? Math.max(...delivered) : Number.NaN,
			jobs: stats.jobs,
			counters: {
				creates: stats.creates,
				createAttempts: stats.createAttempts,
				rejected429: stats.rejected429,
				fetches: stats.fetches,
				peakInFlight: stats.peakInFlight,
				peakProcessing: stats.peakProcessing,
			},
			items: finalItems(execution, variant),
		};
	}
}
