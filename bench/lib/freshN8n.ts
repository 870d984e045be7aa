/**
 * One measured execution on an n8n of its own (the memory and scale scenarios): n8n starts with the
 * inspector on, runs a warm-up of the same workflow shape (modules, task runner, sqlite pages), collects
 * its garbage, and samples its RSS for 1.5 s as the baseline. Then the measured run, with RSS sampled
 * every 100 ms and the main process's CPU time read before and after, and a full GC after it to tell
 * what n8n still holds from garbage V8 had not collected yet.
 */
import type { Sandbox } from '../../sandbox/server';
import type { N8nServer } from '../../scripts/real-n8n';
import { startN8n } from '../../scripts/real-n8n';
import type { RunResult, Variant } from './harness';
import { Bench } from './harness';
import type { MemoryAfterGc } from './inspector';
import { collectGarbage, inspectorUrl } from './inspector';
import type { RssSample } from './rss';
import { cpuMsOf, startRssSampler } from './rss';
import { median } from './stats';

const MB = 1024 * 1024;

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

async function baseline(pid: number): Promise<RssSample[]> {
	const sampler = startRssSampler(pid, 100);
	await sleep(1500);
	return sampler.stop();
}

export interface FreshRun {
	run: RunResult;
	/** n8n's main process, and main + task runner: baseline (median), peak during the run and 1 s after */
	baselineMainMB: number;
	peakMainMB: number;
	baselineTreeMB: number;
	peakTreeMB: number;
	samples: number;
	/** CPU time (user + system) of n8n's main process during the measured run */
	cpuMs: number;
	gcBefore: MemoryAfterGc;
	gcAfter: MemoryAfterGc;
}

export interface FreshRunOptions {
	/** names n8n's folder and log */
	name: string;
	items: number;
	size: number;
	rep: number;
	warmUpItems: number;
	timeoutMs: number;
	seed?: number;
	/** called between the warm-up and the measured run (the sandbox's settings for it) */
	beforeRun?: () => void;
}

export async function runInFreshN8n(tgz: string, sandbox: Sandbox, variant: Variant, options: FreshRunOptions): Promise<FreshRun> {
	let n8n: N8nServer | undefined;
	try {
		n8n = await startN8n({
			tgz,
			name: options.name,
			// the inspector lets the benchmark force a full GC in n8n, to tell retained memory from garbage
			env: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem', NODE_OPTIONS: '--inspect=127.0.0.1:0' },
			// longer than any run's timeout with its warm-up, so a slow run ends in a clear timeout, not a killed n8n
			maxLifetimeMs: 45 * 60 * 1000,
		});
		const pid = n8n.pid;
		if (!pid) throw new Error('n8n has no pid');
		const inspector = inspectorUrl(n8n.log());
		if (!inspector) throw new Error("n8n's log names no inspector URL");
		await n8n.setupOwner();
		const bench = new Bench(n8n, sandbox, await n8n.createSandboxCredentials(sandbox.baseUrl));
		await bench.run(variant, { items: options.warmUpItems, size: options.size, rep: -1 });
		options.beforeRun?.();
		await sleep(1000);
		// start from a collected heap: without this, n8n idles with a few hundred MB of garbage V8 has not collected
		const gcBefore = collectGarbage(inspector);
		await sleep(500);
		const before = await baseline(pid);
		const sampler = startRssSampler(pid, 100);
		const cpuBefore = cpuMsOf(pid);
		// polling the execution once a second: every REST call allocates in n8n too
		const run = await bench.run(variant, {
			items: options.items,
			size: options.size,
			rep: options.rep,
			seed: options.seed,
			timeoutMs: options.timeoutMs,
			pollMs: 1000,
		});
		const cpuMs = cpuMsOf(pid) - cpuBefore;
		await sleep(1000);
		const during = sampler.stop();
		const gcAfter = collectGarbage(inspector);
		return {
			run,
			baselineMainMB: median(before.map((s) => s.main)) / MB,
			peakMainMB: Math.max(...during.map((s) => s.main)) / MB,
			baselineTreeMB: median(before.map((s) => s.tree)) / MB,
			peakTreeMB: Math.max(...during.map((s) => s.tree)) / MB,
			samples: during.length,
			cpuMs,
			gcBefore,
			gcAfter,
		};
	} finally {
		await n8n?.stop();
	}
}
