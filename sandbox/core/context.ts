// The state one running sandbox shares between its modules. reset() swaps config, accounts and faults,
// so modules read them through this object rather than keeping their own copies.
import type * as http from 'node:http';
import type { Job } from './job';
import type { Fault, SandboxAccount, SandboxConfig, SandboxStats } from './types';

/** A file on the image host that no job drew: an upload, or an inline input image kept for `meta`. */
export interface HostedFile {
	bytes: Buffer;
	contentType: string;
}

/** A fault as stored: `times` is always set and counts down. */
export type StoredFault = Fault & { times: number };

export interface SandboxContext {
	config: SandboxConfig;
	accounts: Map<string, SandboxAccount>;
	rand: () => number;
	nextId: number;
	faults: StoredFault[];
	closed: boolean;
	baseUrl: string;
	cdnUrl: string;
	readonly stats: SandboxStats;
	readonly jobs: Map<number, Job>;
	readonly jobsByUuid: Map<string, Job>;
	/** account key -> jobs not yet ready */
	readonly activeJobs: Map<string, Set<Job>>;
	/** image-host file name -> file; cleared with the jobs */
	readonly uploads: Map<string, HostedFile>;
	/** the id the next upload answer carries (uploads are no jobs: their own sequence) */
	nextUploadId: number;
	/** cleared by reset() */
	readonly jobTimers: Set<NodeJS.Timeout>;
	/** request delays: only cleared by close(), so reset() never strands a request */
	readonly sleepTimers: Set<NodeJS.Timeout>;
	readonly pendingWebhooks: Set<http.ClientRequest>;
}

/** An unref'd timer that removes itself from `set` when it fires. */
export function later(set: Set<NodeJS.Timeout>, ms: number, fn: () => void): NodeJS.Timeout {
	const t = setTimeout(() => {
		set.delete(t);
		fn();
	}, ms);
	t.unref();
	set.add(t);
	return t;
}

export function sleep(ctx: SandboxContext, ms: number): Promise<void> {
	return new Promise((resolve) => {
		if (ms > 0) later(ctx.sleepTimers, ms, resolve);
		else resolve();
	});
}
