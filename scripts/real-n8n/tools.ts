import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

import { REPO_ROOT } from './paths';

/** Paths of the cached tools (scripts/tools-cache.sh): Node 24, n8n 2.41.1 and, for the browser, playwright-core and Chromium. */
export interface Tools {
	cache: string;
	node: string;
	n8n: string;
	playwright: string;
	chromium: string;
}

const cached: { plain?: Tools; browser?: Tools } = {};

/**
 * Runs `scripts/tools-cache.sh` (instant when the cache is warm; installs it otherwise) and reads its
 * one line of JSON. With `browser`, Chromium and playwright-core too. CHROMIUM_PATH overrides /usr/bin/chromium.
 */
export function tools({ browser = false }: { browser?: boolean } = {}): Tools {
	const hit = browser ? cached.browser : (cached.plain ?? cached.browser);
	if (hit) return hit;
	const args = [path.join(REPO_ROOT, 'scripts', 'tools-cache.sh'), ...(browser ? ['--browser'] : [])];
	const out = execFileSync('bash', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
	const parsed = JSON.parse(out.trim().split('\n').pop() ?? '') as Omit<Tools, 'chromium'>;
	const found: Tools = { ...parsed, chromium: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' };
	const needed: Array<keyof Tools> = browser ? ['node', 'n8n', 'playwright', 'chromium'] : ['node', 'n8n'];
	for (const name of needed) {
		if (!existsSync(found[name])) throw new Error(`tools-cache: ${name} not found at ${found[name]}`);
	}
	cached[browser ? 'browser' : 'plain'] = found;
	return found;
}

/** The n8n package folder (…/node_modules/n8n) of the cached install. */
export function n8nPackageDir(t: Tools = tools()): string {
	return path.resolve(path.dirname(t.n8n), '..');
}
