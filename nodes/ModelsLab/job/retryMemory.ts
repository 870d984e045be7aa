/**
 * What each item's job came to, remembered for n8n's Retry On Fail. n8n retries a failed node by
 * calling it again in the same process with the same items, execution ID and run index, so an item
 * found here has a job already: it is fetched (free) or waited for again instead of created (billed)
 * again. Loop Over Items and AI Agent tool calls run the node with a new run index: new jobs.
 */
import { createHash } from 'node:crypto';

import type { IExecuteFunctions } from 'n8n-workflow';

import type { ApiAnswer } from '../api/answer';

export type RememberedJob =
	/** ModelsLab accepted the create. `answer` is kept only where no fetch can stand for it. */
	| { kind: 'accepted'; requestId?: string; finished: boolean; answer?: ApiAnswer }
	/** The create got no clear answer (timeout, reset, 5xx, HTML): a job may exist, so it is never sent again. */
	| { kind: 'ambiguous'; at: string; reason: string };

/** n8n's own bounds on Retry On Fail (WorkflowExecute.getRetryParams). */
const N8N_TRIES = { min: 2, max: 5, default: 3 };
const N8N_WAIT_BETWEEN_MS = { max: 5000, default: 1000 };
/** Added to each try's time: the node's own work around the wait (uploads, downloads). */
const MARGIN_MS = 5000;

const RETRY_MEMORY = {
	/** At most this many items are remembered in one process; the oldest go first. */
	maxEntries: 20_000,
};

/** How long an entry must outlive its last update: every try n8n may still make, each as long as it can take. */
export function retentionMs(node: { maxTries?: number; waitBetweenTries?: number }, maxWaitTimeSeconds: number): number {
	const tries = Math.min(N8N_TRIES.max, Math.max(N8N_TRIES.min, node.maxTries || N8N_TRIES.default));
	const between = Math.min(N8N_WAIT_BETWEEN_MS.max, Math.max(0, node.waitBetweenTries || N8N_WAIT_BETWEEN_MS.default));
	return tries * (maxWaitTimeSeconds * 1000 + between + MARGIN_MS);
}

/**
 * A bounded map from item keys to their jobs. An entry lives for its retention after its last update,
 * and again after the end of each try of its run (`refreshRun`): one try of a big batch may take far
 * longer than one job, and n8n's next try must still find the first rows' jobs.
 */
export class RetryMemory {
	private readonly entries = new Map<string, { job: RememberedJob; expiresAt: number; retention: number; run: string }>();

	constructor(
		private readonly maxEntries = RETRY_MEMORY.maxEntries,
		private readonly now: () => number = () => Date.now(),
	) {}

	get size(): number {
		return this.entries.size;
	}

	recall(key: string): RememberedJob | undefined {
		const entry = this.entries.get(key);
		if (!entry) return undefined;
		if (entry.expiresAt > this.now()) return entry.job;
		this.entries.delete(key);
		return undefined;
	}

	remember(key: string, job: RememberedJob, retention: number, run = ''): void {
		this.store(key, { job, retention, run, expiresAt: this.now() + retention });
	}

	/** Every live entry of `run` lives its retention again from now: the try that wrote them has ended. */
	refreshRun(run: string): void {
		for (const [key, entry] of [...this.entries]) {
			if (entry.run === run && entry.expiresAt > this.now()) this.store(key, { ...entry, expiresAt: this.now() + entry.retention });
		}
	}

	forget(key: string): void {
		this.entries.delete(key);
	}

	private store(key: string, entry: { job: RememberedJob; expiresAt: number; retention: number; run: string }): void {
		// re-inserted, so the map's order is the order of last updates: the first entries are the stalest
		this.entries.delete(key);
		this.entries.set(key, entry);
		for (const [oldest, { expiresAt }] of this.entries) {
			if (this.entries.size <= this.maxEntries && expiresAt > this.now()) break;
			this.entries.delete(oldest);
		}
	}
}

const processMemory = new RetryMemory();

/** One item's entry in the memory, as the job's life updates it. */
export interface ItemMemory {
	recall(): RememberedJob | undefined;
	remember(job: RememberedJob): void;
	forget(): void;
}

/**
 * The item's place in the memory, or undefined when the node has no Retry On Fail (nothing can run
 * it again with the same run index). The key hashes the execution, node, run and item with what the
 * item asks for: its validated parameters and input files (`identity`), and its account (a hash of
 * the key and base URL, never the key in clear). Parameters, not the request body: an upload gives
 * a new link every time.
 */
export function itemMemory(
	this: IExecuteFunctions,
	itemIndex: number,
	account: { secret: string; baseUrl: string },
	maxWaitTimeSeconds: number,
	identity: unknown,
	memory: RetryMemory = processMemory,
): ItemMemory | undefined {
	const node = this.getNode();
	if (node.retryOnFail !== true) return undefined;
	const run = runOf.call(this);
	const hash = createHash('sha256');
	for (const part of [run, itemIndex, account.baseUrl, account.secret]) hash.update(`${String(part)}\n`);
	// a file counts by its digest; JSON.stringify hands a replacer a Buffer's toJSON(), so read the holder's own value
	hash.update(
		JSON.stringify(identity, function (this: Record<string, unknown>, name: string, value: unknown) {
			const raw = this[name];
			return Buffer.isBuffer(raw) ? digest(raw) : value;
		}),
	);
	const key = hash.digest('hex');
	const retention = retentionMs(node, maxWaitTimeSeconds);
	return {
		recall: () => memory.recall(key),
		remember: (job) => memory.remember(key, job, retention, run),
		forget: () => memory.forget(key),
	};
}

/** The node's run that n8n may retry: its execution, node and run index. */
function runOf(this: IExecuteFunctions): string {
	return [this.getExecutionId(), this.getNode().id, this.getWorkflowDataProxy(0).$runIndex].map(String).join('\n');
}

/** At the end of a try of the node: its items' entries live for their retention from now. */
export function endOfTry(this: IExecuteFunctions, memory: RetryMemory = processMemory): void {
	if (this.getNode().retryOnFail === true) memory.refreshRun(runOf.call(this));
}

function digest(bytes: Buffer): string {
	return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
