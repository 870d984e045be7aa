/**
 * Scenario 4 (memory): N images of 1024×1024 (noise-like PNGs of about 2.8 MB, as large as real ones) in binary mode with filesystem binary data, on a fresh n8n per
 * measurement. RSS of n8n (main process, and main + task runner) is sampled every 100 ms; growth is the
 * peak during the run (and 1 s after) minus the baseline measured right before it, after a warm-up run
 * and a full GC. A full GC after the run tells what n8n still holds from what V8 had not collected yet.
 */
import { startSandbox } from '../../sandbox/server';
import type { N8nServer } from '../../scripts/real-n8n';
import { startN8n } from '../../scripts/real-n8n';
import type { Variant } from '../lib/harness';
import { Bench, DOWNLOAD, NODE } from '../lib/harness';
import { collectGarbage, inspectorUrl } from '../lib/inspector';
import type { RssSample } from '../lib/rss';
import { startRssSampler } from '../lib/rss';
import { median } from '../lib/stats';

export const MEMORY_SIZE = 1024;
/** Noise in the low 6 bits of every channel: 1024×1024 PNGs of about 2.8 MB that do not compress, like real ones. */
export const MEMORY_NOISE_BITS = 6;
const MB = 1024 * 1024;

export interface MemoryRun {
	/** 'node', or 'download': n8n's own HTTP Request nodes fetching the same images as files */
	variant: string;
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
	/** V8 heap in use after a full GC, minus the same before the run: what n8n still holds */
	retainedHeapMB: number;
	/** RSS right after that GC minus the baseline */
	retainedRssMB: number;
}

export interface MemoryResult {
	counts: number[];
	reps: number;
	binaryMode: string;
	runs: MemoryRun[];
	/** the node */
	summary: Array<{ images: number; growthMainMB: number; growthTreeMB: number; pngKB: number; retainedHeapMB: number }>;
	/** n8n's HTTP Request nodes downloading the same images as files */
	baseline?: Array<{ images: number; growthMainMB: number; retainedHeapMB: number }>;
}

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

async function baseline(pid: number): Promise<RssSample[]> {
	const sampler = startRssSampler(pid, 100);
	await sleep(1500);
	return sampler.stop();
}

async function measure(tgz: string, variant: Variant, images: number, rep: number, log: (line: string) => void): Promise<MemoryRun> {
	const sandbox = await startSandbox({ processingMs: 0, imageNoiseBits: MEMORY_NOISE_BITS });
	let n8n: N8nServer | undefined;
	try {
		n8n = await startN8n({
			tgz,
			name: `bench-memory-${variant.id}-${images}-${rep}`,
			// the inspector lets the benchmark force a full GC in n8n, to tell retained memory from garbage
			env: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem', NODE_OPTIONS: '--inspect=127.0.0.1:0' },
			maxLifetimeMs: 20 * 60 * 1000,
		});
		const pid = n8n.pid;
		if (!pid) throw new Error('n8n has no pid');
		const inspector = inspectorUrl(n8n.log());
		if (!inspector) throw new Error("n8n's log names no inspector URL");
		await n8n.setupOwner();
		const bench = new Bench(n8n, sandbox, await n8n.createSandboxCredentials(sandbox.baseUrl));
		// warm-up with the same workflow shape: modules, task runner, sqlite pages
		await bench.run(variant, { items: 5, size: MEMORY_SIZE, rep: -1 });
		await sleep(1000);
		// start from a collected heap: without this, n8n idles with a few hundred MB of garbage V8 has not collected
		const gcBefore = collectGarbage(inspector);
		await sleep(500);
		const before = await baseline(pid);
		const sampler = startRssSampler(pid, 100);
		// polling the execution once a second: every REST call allocates in n8n too
		const run = await bench.run(variant, { items: images, size: MEMORY_SIZE, rep, timeoutMs: 600_000, pollMs: 1000 });
		await sleep(1000);
		const during = sampler.stop();
		const gcAfter = collectGarbage(inspector);
		const sizes = run.jobs.slice(0, 5).map((job) => sandbox.jobBytes(job.id, 0).length);
		const pngBytes = sizes.length ? sizes.reduce((a, b) => a + b, 0) / sizes.length : Number.NaN;
		const base = { main: median(before.map((s) => s.main)), tree: median(before.map((s) => s.tree)) };
		const peak = { main: Math.max(...during.map((s) => s.main)), tree: Math.max(...during.map((s) => s.tree)) };
		const result: MemoryRun = {
			variant: variant.id,
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
			retainedHeapMB: gcAfter.heapUsedMB - gcBefore.heapUsedMB,
			retainedRssMB: gcAfter.rssMB - base.main / MB,
		};
		log(
			`memory ${variant.id} ${images} images rep ${rep + 1}: ok ${run.items.ok}, main ${result.baselineMainMB.toFixed(0)} -> ${result.peakMainMB.toFixed(0)} MB ` +
				`(+${result.growthMainMB.toFixed(1)}), with task runner +${result.growthTreeMB.toFixed(1)} MB, png ${(pngBytes / 1024).toFixed(0)} KB, ` +
				`heap retained after a full GC ${result.retainedHeapMB.toFixed(1)} MB`,
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
		for (const images of order) {
			for (const variant of [NODE, DOWNLOAD]) {
				// a fresh n8n per measurement: if one dies on the way (another process's SIGTERM …), measure again once
				const result = await measure(tgz, variant, images, rep, log).catch(async (error: unknown) => {
					log(`memory ${variant.id} ${images} images rep ${rep + 1} failed (${String(error).slice(0, 200)}); measuring again`);
					return await measure(tgz, variant, images, rep, log);
				});
				runs.push(result);
			}
		}
	}
	const node = runs.filter((r) => r.variant === NODE.id);
	const download = runs.filter((r) => r.variant === DOWNLOAD.id);
	return {
		counts,
		reps,
		binaryMode: 'filesystem',
		runs,
		baseline: counts.map((images) => {
			const mine = download.filter((r) => r.images === images);
			return {
				images,
				growthMainMB: median(mine.map((r) => r.growthMainMB)),
				retainedHeapMB: median(mine.map((r) => r.retainedHeapMB)),
			};
		}),
		summary: counts.map((images) => {
			const mine = node.filter((r) => r.images === images);
			return {
				images,
				growthMainMB: median(mine.map((r) => r.growthMainMB)),
				growthTreeMB: median(mine.map((r) => r.growthTreeMB)),
				pngKB: median(mine.map((r) => r.pngBytes / 1024)),
				retainedHeapMB: median(mine.map((r) => r.retainedHeapMB)),
			};
		}),
	};
}
