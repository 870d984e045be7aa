import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export const PACKAGE_NAME = 'n8n-nodes-modelslab';
export const NODE_TYPE = `${PACKAGE_NAME}.modelsLab`;

/** The repo root, found upwards from here: these files also run compiled, from .tmp/scripts-build/. */
function findRepoRoot(from: string): string {
	for (let dir = from; ; dir = path.dirname(dir)) {
		const manifest = path.join(dir, 'package.json');
		if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) {
			return dir;
		}
		if (path.dirname(dir) === dir) throw new Error(`no ${PACKAGE_NAME} package.json above ${from}`);
	}
}

export const REPO_ROOT = findRepoRoot(__dirname);
/** netGuard.js and watchdog.js stay plain JS in the source tree: n8n preloads them with --require. */
export const PRELOADS_DIR = path.join(REPO_ROOT, 'scripts', 'real-n8n');
