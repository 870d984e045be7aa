/**
 * Scenario 4 (memory): N images of 1024×1024 (noise-like PNGs of about 2.8 MB, as large as real ones) in binary mode with filesystem binary data, on a fresh n8n per
 * measurement. RSS of n8n (main process, and main + task runner) is sampled every 100 ms; growth is the
 * peak during the run (and 1 s after) minus the baseline measured right before it, after a warm-up run
 * and a full GC. A full GC after the run tells what n8n still holds from what V8 had not collected yet.
 */
import { startSandbox } from '../../sandbox/server';
import { runInFreshN8n } from '../lib/freshN8n';
import type { Variant } from '../lib/harness';
import { DOWNLOAD, NODE } from '../lib/harness';
import { median } from '../lib/stats';

export const MEMORY_SIZE = 1024;
/** Noise in the low 6 bits of every channel: 1024×1024 PNGs of about 2.8 MB that do not compress, like real ones. */
export const MEMORY_NOISE_BITS = 6;

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

async function measure(tgz: string, variant: Variant, images: number, rep: number, log: (line: string) => void): Promise<MemoryRun> {
	const sandbox = await startSandbox({ processingMs: 0, imageNoiseBits: MEMORY_NOISE_BITS });
	try {
		const fresh = await runInFreshN8n(tgz, sandbox, variant, {
			name: `bench-memory-${variant.id}-${images}-${rep}`,
			items: images,
			size: MEMORY_SIZE,
			rep,
			warmUpItems: 5,
			timeoutMs: 600_000,
		});
		const { run } = fresh;
		const sizes = run.jobs.slice(0, 5).map((job) => sandbox.jobBytes(job.id, 0).length);
		const pngBytes = sizes.length ? sizes.reduce((a, b) => a + b, 0) / sizes.length : Number.NaN;
		const result: MemoryRun = {
			variant: variant.id,
			images,
			rep,
			ok: run.items.ok,
			pngBytes,
			baselineMainMB: fresh.baselineMainMB,
			peakMainMB: fresh.peakMainMB,
			growthMainMB: fresh.peakMainMB - fresh.baselineMainMB,
			baselineTreeMB: fresh.baselineTreeMB,
			peakTreeMB: fresh.peakTreeMB,
			growthTreeMB: fresh.peakTreeMB - fresh.baselineTreeMB,
			n8nMs: run.n8nMs,
			samples: fresh.samples,
			retainedHeapMB: fresh.gcAfter.heapUsedMB - fresh.gcBefore.heapUsedMB,
			retainedRssMB: fresh.gcAfter.rssMB - fresh.baselineMainMB,
		};
		log(
			`memory ${variant.id} ${images} images rep ${rep + 1}: ok ${run.items.ok}, main ${result.baselineMainMB.toFixed(0)} -> ${result.peakMainMB.toFixed(0)} MB ` +
				`(+${result.growthMainMB.toFixed(1)}), with task runner +${result.growthTreeMB.toFixed(1)} MB, png ${(pngBytes / 1024).toFixed(0)} KB, ` +
				`heap retained after a full GC ${result.retainedHeapMB.toFixed(1)} MB`,
		);
		return result;
	} finally {
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
