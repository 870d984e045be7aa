/**
 * Scenario 5 (load): cold `require` of the built node file in a fresh process, median of several spawns,
 * on the default Node and on n8n's Node 24. Measured twice: alone (n8n-workflow and zod are already loaded
 * in n8n when it loads a community node), and including the first load of n8n-workflow and zod.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

import { REPO_ROOT } from '../../scripts/real-n8n';
import { median } from '../lib/stats';

export const NODE_FILE = path.join(REPO_ROOT, 'dist', 'nodes', 'ModelsLab', 'ModelsLab.node.js');

export interface LoadResult {
	spawns: number;
	runtimes: Array<{ label: string; version: string; nodeOnlyMs: number[]; withDepsMs: number[]; nodeOnlyMedian: number; withDepsMedian: number }>;
}

function script(preload: boolean): string {
	const pre = preload ? "require('n8n-workflow'); require('zod');" : '';
	return [
		pre,
		'const t0 = process.hrtime.bigint();',
		`const m = require(${JSON.stringify(NODE_FILE)});`,
		'const ms = Number(process.hrtime.bigint() - t0) / 1e6;',
		"if (typeof m.ModelsLab !== 'function') throw new Error('no ModelsLab export');",
		'process.stdout.write(String(ms));',
	].join('\n');
}

function once(node: string, preload: boolean): number {
	const out = execFileSync(node, ['-e', script(preload)], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
	return Number(out.trim());
}

export function loadScenario(runtimes: Array<{ label: string; node: string }>, spawns: number, log: (line: string) => void): LoadResult {
	const result: LoadResult = { spawns, runtimes: [] };
	for (const runtime of runtimes) {
		const version = execFileSync(runtime.node, ['--version'], { encoding: 'utf8' }).trim();
		once(runtime.node, true); // file cache warm: "cold" means a fresh process, not a cold disk
		const nodeOnlyMs: number[] = [];
		const withDepsMs: number[] = [];
		for (let i = 0; i < spawns; i++) {
			nodeOnlyMs.push(once(runtime.node, true));
			withDepsMs.push(once(runtime.node, false));
		}
		const entry = { label: runtime.label, version, nodeOnlyMs, withDepsMs, nodeOnlyMedian: median(nodeOnlyMs), withDepsMedian: median(withDepsMs) };
		result.runtimes.push(entry);
		log(`load ${runtime.label} ${version}: node file ${entry.nodeOnlyMedian.toFixed(1)} ms, with n8n-workflow + zod ${entry.withDepsMedian.toFixed(1)} ms`);
	}
	return result;
}
