import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** Paths of the cached tools (scripts/tools-cache.sh): Node 24, n8n 2.41.1, playwright-core, Chromium. */
export interface Tools {
	cache: string;
	node: string;
	n8n: string;
	playwright: string;
	chromium: string;
}

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

let cached: Tools | undefined;

/**
 * Runs `scripts/tools-cache.sh --browser` (instant when the cache is warm; installs it otherwise)
 * and reads its one line of JSON. CHROMIUM_PATH overrides /usr/bin/chromium.
 */
export function tools(): Tools {
	if (cached) return cached;
	const out = execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'tools-cache.sh'), '--browser'], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const line = out.trim().split('\n').pop() ?? '';
	const parsed = JSON.parse(line) as Omit<Tools, 'chromium'>;
	const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
	for (const [name, file] of Object.entries({ ...parsed, chromium })) {
		if (name !== 'cache' && !existsSync(file)) throw new Error(`tools-cache: ${name} not found at ${file}`);
	}
	cached = { ...parsed, chromium };
	return cached;
}
