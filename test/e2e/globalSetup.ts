import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { E2eState } from './helpers';
import { N8N_NPM_INSTALL_ARGS, N8N_STRIPPED_FIELDS, PACKAGE_NAME, STATE_ENV } from './helpers';

/**
 * Once per run: the tools cache (Node 24 + n8n 2.41.1), `npm run build`, `npm pack`, and the tarball
 * installed into a temp `$N8N_USER_FOLDER/.n8n/nodes` exactly the way n8n 2.41.1 installs a
 * community package. The tests read the result from the state file named by MODELSLAB_E2E_STATE.
 */

const repo = path.resolve(__dirname, '..', '..');

function log(message: string) {
	process.stderr.write(`[e2e setup] ${message}\n`);
}

function timed<T>(timings: Record<string, number>, name: string, step: () => T): T {
	const started = Date.now();
	try {
		return step();
	} finally {
		timings[name] = Date.now() - started;
		log(`${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
	}
}

function sh(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; quiet?: boolean }) {
	return execFileSync(command, args, {
		cwd: options.cwd,
		env: options.env ?? process.env,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', options.quiet ? 'pipe' : 'inherit'],
		maxBuffer: 64 * 1024 * 1024,
	});
}

interface ToolsCache {
	cache: string;
	node: string;
	n8n: string;
}

function toolsCache(): ToolsCache {
	const stdout = sh('bash', [path.join(repo, 'scripts', 'tools-cache.sh')], { cwd: repo });
	const line = stdout.trim().split('\n').pop() ?? '';
	const tools = JSON.parse(line) as ToolsCache;
	for (const file of [tools.node, tools.n8n]) {
		if (!existsSync(file)) throw new Error(`tools-cache.sh reported ${file}, which does not exist`);
	}
	return tools;
}

/** Fails if the installed n8n no longer installs community packages with the flags this suite copies. */
function assertN8nInstallsLikeThis(n8nPackageDir: string) {
	const service = path.join(n8nPackageDir, 'dist', 'modules', 'community-packages', 'community-packages.service.js');
	const source = readFileSync(service, 'utf8');
	const missing = N8N_NPM_INSTALL_ARGS.filter((arg) => !source.includes(`'${arg}'`));
	const destructure = `const { ${N8N_STRIPPED_FIELDS.join(', ')}, ...packageJson }`;
	if (!source.includes(destructure)) missing.push(destructure);
	if (missing.length > 0) {
		throw new Error(`${service} no longer matches how this suite installs the package: ${missing.join(' | ')}`);
	}
}

/**
 * n8n 2.41.1's CommunityPackagesService.downloadPackage, step by step, with our own tarball in place
 * of `npm pack <name>@<version>` from the registry: unpack into nodes/node_modules/<name>, drop
 * dev/peer/optional dependencies from its package.json, `npm install` there with n8n's flags, and
 * record the package in the nodes/package.json ledger. At start-up n8n loads every
 * `n8n-nodes-*` folder under nodes/node_modules (community-packages.module.js, nodeLoaders).
 */
function installLikeN8n(tarball: string, userFolder: string, env: NodeJS.ProcessEnv) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const packageDir = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	mkdirSync(packageDir, { recursive: true });
	const tarballName = path.basename(tarball);
	copyFileSync(tarball, path.join(nodesDir, tarballName));
	try {
		sh('tar', ['-xzf', tarballName, '-C', packageDir, '--strip-components=1'], { cwd: nodesDir });
		const packageJsonPath = path.join(packageDir, 'package.json');
		const packageJson = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as Record<string, unknown>;
		for (const field of N8N_STRIPPED_FIELDS) delete packageJson[field];
		writeFileSync(packageJsonPath, JSON.stringify(packageJson, null, 2), 'utf8');
		sh('npm', N8N_NPM_INSTALL_ARGS, { cwd: packageDir, env, quiet: true });
		writeFileSync(
			path.join(nodesDir, 'package.json'),
			JSON.stringify(
				{ name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: packageJson.version } },
				null,
				2,
			),
			'utf8',
		);
		return { packageDir, version: String(packageJson.version) };
	} finally {
		rmSync(path.join(nodesDir, tarballName), { force: true });
	}
}

/**
 * How `require('zod')` and `require('n8n-workflow')` resolve inside the installed package when n8n
 * runs: LoadNodesAndCredentials.init() puts its own module.paths into NODE_PATH and calls
 * Module._initPaths(). Done here with Node 24 and the same NODE_PATH.
 */
function resolveLikeN8n(node: string, n8nPackageDir: string, packageDir: string) {
	const script = `
const Module = require('node:module');
const path = require('node:path');
const n8nModulePaths = Module._nodeModulePaths(path.join(process.argv[1], 'dist'));
process.env.NODE_PATH = n8nModulePaths.join(path.delimiter);
Module._initPaths();
const requireFromPackage = Module.createRequire(path.join(process.argv[2], 'dist', 'nodes', 'ModelsLab', 'ModelsLab.node.js'));
process.stdout.write(JSON.stringify({ zod: requireFromPackage.resolve('zod'), n8nWorkflow: requireFromPackage.resolve('n8n-workflow') }));
`;
	const env = { ...process.env };
	delete env.NODE_PATH;
	const stdout = execFileSync(node, ['-e', script, n8nPackageDir, packageDir], { encoding: 'utf8', env });
	return JSON.parse(stdout) as E2eState['resolved'];
}

export default async function globalSetup(): Promise<void> {
	const timings: Record<string, number> = {};
	const tools = timed(timings, 'tools cache', toolsCache);
	const n8nPackageDir = path.resolve(path.dirname(tools.n8n), '..');
	assertN8nInstallsLikeThis(n8nPackageDir);

	if (process.env.MODELSLAB_E2E_SKIP_BUILD !== '1') {
		timed(timings, 'npm run build', () => sh('npm', ['run', 'build'], { cwd: repo, quiet: true }));
	}

	const root = mkdtempSync(path.join(tmpdir(), 'modelslab-e2e-'));
	const packDir = path.join(root, 'pack');
	mkdirSync(packDir);
	const tarball = timed(timings, 'npm pack', () => {
		const packed = JSON.parse(
			sh('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: repo, quiet: true }),
		) as Array<{ filename: string }>;
		return path.join(packDir, packed[0].filename);
	});

	const userFolder = path.join(root, 'user');
	// npm runs with Node 24 first on PATH, as it would when n8n itself calls it
	const npmEnv = { ...process.env, PATH: `${path.dirname(tools.node)}${path.delimiter}${process.env.PATH ?? ''}` };
	const installed = timed(timings, 'install like n8n', () => installLikeN8n(tarball, userFolder, npmEnv));
	const resolved = resolveLikeN8n(tools.node, n8nPackageDir, installed.packageDir);

	const state: E2eState = {
		repo,
		root,
		userFolder,
		node: tools.node,
		n8n: tools.n8n,
		n8nPackageDir,
		n8nNodeModules: path.resolve(n8nPackageDir, '..'),
		tarball,
		packageVersion: installed.version,
		installedPackageDir: installed.packageDir,
		resolved,
		timingsMs: timings,
	};
	const stateFile = path.join(root, 'state.json');
	writeFileSync(stateFile, JSON.stringify(state, null, 2), 'utf8');
	process.env[STATE_ENV] = stateFile;
	log(`state in ${stateFile}; zod resolves to ${resolved.zod}`);
}
