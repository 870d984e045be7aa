/**
 * Scenario 4 (memory): N images of 1024×1024 in binary mode with filesystem binary data, on a fresh n8n per
 * measurement. RSS of n8n (main process, and main + task runner) is sampled every 100 ms; growth is the
 * peak during the run (and 1 s after) minus the baseline measured right before it, after a warm-up run.
 */
import { startSandbox } from '../../sandbox/server';
import type { N8nServer } from '../../scripts/real-n8n';
import { startN8n } from '../../scripts/real-n8n';
import { Bench, NODE } from '../lib/harness';
import type { RssSample } from '../lib/rss';
import { startRssSampler } from '../lib/rss';
import { median } from '../lib/stats';

export const MEMORY_SIZE = 1024;
const MB = 1024 * 1024;

export interface MemoryRun {
	images: number;
	rep: number;
	ok: number;
	/** mean bytes of the first 5 generated PNGs */
	pngBytes: number;
	baselineMainMB: number;
	peakMainMB: number;
	growthMainMB: number;
	baselineTreeMB: number;
	peakTreeMB: number;
	growthTreeMB: number;
	n8nMs: number;
	samples: number;
}

export interface MemoryResult {
	counts: number[];
	reps: number;
	binaryMode: string;
	runs: MemoryRun[];
	summary: Array<{ images: number; growthMainMB: number; growthTreeMB: number; pngKB: number }>;
}

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

async function baseline(pid: number): Promise<RssSample[]> {
	const sampler = startRssSampler(pid, 100);
	await sleep(1500);
	return sampler.stop();
}

async function measure(tgz: string, images: number, rep: number, log: (line: string) => void): Promise<MemoryRun> {
	const sandbox = await startSandbox({ processingMs: 0 });
	let n8n: N8nServer | undefined;
	try {
		n8n = await startN8n({
			tgz,
			name: `bench-memory-${images}-${rep}`,
			env: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' },
			maxLifetimeMs: 20 * 60 * 1000,
		});
		const pid = n8n.pid;
		if (!pid) throw new Error('n8n has no pid');
		await n8n.setupOwner();
		const bench = new Bench(n8n, sandbox, await n8n.createSandboxCredentials(sandbox.baseUrl));
		// warm-up with the same workflow shape: modules, task runner, sqlite pages
		await bench.run(NODE, { items: 5, size: MEMORY_SIZE, rep: -1 });
		await sleep(2000);
		const before = await baseline(pid);
		const sampler = startRssSampler(pid, 100);
		const run = await bench.run(NODE, { items: images, size: MEMORY_SIZE, rep, timeoutMs: 600_000 });
		await sleep(1000);
		const during = sampler.stop();
		const sizes = run.jobs.slice(0, 5).map((job) => sandbox.jobBytes(job.id, 0).length);
		const pngBytes = sizes.length ? sizes.reduce((a, b) => a + b, 0) / sizes.length : Number.NaN;
		const base = { main: median(before.map((s) => s.main)), tree: median(before.map((s) => s.tree)) };
		const peak = { main: Math.max(...during.map((s) => s.main)), tree: Math.max(...during.map((s) => s.tree)) };
		const result: MemoryRun = {
			images,
			rep,
			ok: run.items.ok,
			pngBytes,
			baselineMainMB: base.main / MB,
			peakMainMB: peak.main / MB,
			growthMainMB: (peak.main - base.main) / MB,
			baselineTreeMB: base.tree / MB,
			peakTreeMB: peak.tree / MB,
			growthTreeMB: (peak.tree - base.tree) / MB,
			n8nMs: run.n8nMs,
			samples: during.length,
		};
		log(
			`memory ${images} images rep ${rep + 1}: ok ${run.items.ok}, main ${result.baselineMainMB.toFixed(0)} -> ${result.peakMainMB.toFixed(0)} MB ` +
				`(+${result.growthMainMB.toFixed(1)}), with task runner +${result.growthTreeMB.toFixed(1)} MB, png ${(pngBytes / 1024).toFixed(0)} KB`,
		);
		return result;
	} finally {
		await n8n?.stop();
		await sandbox.close();
	}
}

export async function memoryScenario(tgz: string, counts: number[], reps: number, log: (line: string) => void): Promise<MemoryResult> {
	const runs: MemoryRun[] = [];
	for (let rep = 0; rep < reps; rep++) {
		const order = rep % 2 === 0 ? counts : [...counts].reverse();
		for (const images of order) runs.push(await measure(tgz, images, rep, log));
	}
	return {
		counts,
		reps,
		binaryMode: 'filesystem',
		runs,
		summary: counts.map((images) => {
			const mine = runs.filter((r) => r.images === images);
			return {
				images,
				growthMainMB: median(mine.map((r) => r.growthMainMB)),
				growthTreeMB: median(mine.map((r) => r.growthTreeMB)),
				pngKB: median(mine.map((r) => r.pngBytes / 1024)),
			};
		}),
	};
}
