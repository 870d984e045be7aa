import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { PACKAGE_NAME, REPO_ROOT } from './paths';
import type { N8nVersion } from './tools';

/**
 * What n8n runs in the unpacked package folder when it installs a community package
 * (modules/community-packages/community-packages.service.js, `downloadPackage`), the same on 2.41.1 and
 * 1.123.81. `assertN8nInstallsLikeThis` checks each installed line still does exactly this.
 */
export const N8N_NPM_INSTALL_ARGS = [
	'install',
	'--audit=false',
	'--fund=false',
	'--bin-links=false',
	'--install-strategy=shallow',
	'--ignore-scripts=true',
	'--package-lock=false',
];
/** package.json fields n8n deletes before that `npm install`: production dependencies only, no peers. */
export const N8N_STRIPPED_FIELDS = ['devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

const quoted = (args: string[]) => args.map((arg) => `'${arg}'`).join(',');

/**
 * How each line's community-packages service spells that, whitespace removed. 2.41.1 passes the
 * arguments as one literal array, 1.123.81 builds them from two constants. Both add
 * `--registry=<its registry>`, npm's default one unless configured; left out here, since the tarball
 * installed has no dependencies and npm fetches nothing.
 */
const INSTALL_SOURCE: Record<N8nVersion, string[]> = {
	'2.41.1': [`executeNpmCommand)([${quoted(N8N_NPM_INSTALL_ARGS)},],{cwd:packageDirectory,registry,authToken}`],
	'1.123.81': [
		`constNPM_COMMON_ARGS=[${quoted(N8N_NPM_INSTALL_ARGS.slice(1, 3))}];`,
		`constNPM_INSTALL_ARGS=[${quoted(N8N_NPM_INSTALL_ARGS.slice(3))},];`,
		'return[...NPM_COMMON_ARGS,...NPM_INSTALL_ARGS,`--registry=${this.getNpmRegistry()}`];',
		"asyncExecFile('npm',['install',...this.getNpmInstallArgs()],{cwd:packageDirectory,",
	],
};

function sh(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
	return execFileSync(command, args, {
		cwd,
		env,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
		maxBuffer: 64 * 1024 * 1024,
	});
}

/** Fails if the installed n8n of this line no longer installs community packages the way installLikeN8n does. */
export function assertN8nInstallsLikeThis(n8nPackageDir: string, version: N8nVersion): void {
	const service = path.join(n8nPackageDir, 'dist', 'modules', 'community-packages', 'community-packages.service.js');
	const source = readFileSync(service, 'utf8').replace(/\s+/g, '');
	const expected = [
		...INSTALL_SOURCE[version],
		`const{${N8N_STRIPPED_FIELDS.join(',')},...packageJson}=JSON.parse(packageJsonContent);`,
		"('tar',['-xzf',tarballName,'-C',packageDirectory,'--strip-components=1'],{cwd:this.downloadFolder}",
		'awaitthis.updatePackageJsonDependency(packageName,packageJson.version);',
	];
	const missing = expected.filter((fragment) => !source.includes(fragment));
	if (missing.length > 0) {
		throw new Error(`${service} (n8n ${version}) no longer matches how the package is installed here: ${missing.join(' | ')}`);
	}
}

/**
 * `npm run build` (unless `build: false`), then `npm pack` into a new temp folder: the tarball npm
 * would publish. Returns its path; the caller removes its folder.
 */
/** What `npm run build` reads: a build of exactly these files is reused. */
const BUILD_INPUTS = ['nodes', 'credentials', 'package.json', 'tsconfig.json', 'gulpfile.js'];
const BUILD_FINGERPRINT = path.join(REPO_ROOT, 'dist', '.build-inputs');

/** Path, size and mtime of every build input: any edit, new or deleted file changes it. */
function buildInputsFingerprint(): string {
	const hash = createHash('sha256');
	const visit = (relative: string) => {
		const absolute = path.join(REPO_ROOT, relative);
		const stat = statSync(absolute, { throwIfNoEntry: false });
		if (!stat) return;
		if (stat.isDirectory()) for (const entry of readdirSync(absolute).sort()) visit(path.join(relative, entry));
		else hash.update(`${relative}\0${stat.size}\0${stat.mtimeMs}\n`);
	};
	BUILD_INPUTS.forEach(visit);
	return hash.digest('hex');
}

/** `npm run build`, unless dist/ was built from exactly the files there are now (the e2e setup has just built it). */
function buildIfChanged(): void {
	const fingerprint = buildInputsFingerprint();
	if (existsSync(BUILD_FINGERPRINT) && readFileSync(BUILD_FINGERPRINT, 'utf8') === fingerprint) return;
	sh('npm', ['run', 'build'], REPO_ROOT);
	writeFileSync(BUILD_FINGERPRINT, fingerprint);
}

export function buildAndPack({ build = true }: { build?: boolean } = {}): string {
	if (build) buildIfChanged();
	const dest = mkdtempSync(path.join(os.tmpdir(), 'modelslab-pack-'));
	const packed = JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', dest], REPO_ROOT)) as Array<{
		filename: string;
	}>;
	const file = path.join(dest, packed[0].filename);
	if (!existsSync(file)) throw new Error(`npm pack did not write ${file}`);
	return file;
}

/**
 * n8n's CommunityPackagesService.downloadPackage (2.41.1 and 1.123.81), step by step, with our tarball in place of
 * `npm pack <name>@<version>` from the registry: unpack into nodes/node_modules/<name>, drop
 * dev/peer/optional dependencies from its package.json, `npm install` there with n8n's flags (npm on
 * the line's Node, as when n8n calls it), and record the package in the nodes/package.json ledger. At start-up
 * n8n loads every `n8n-nodes-*` folder under nodes/node_modules.
 */
export function installLikeN8n(tarball: string, userFolder: string, node: string): { packageDir: string; version: string } {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const packageDir = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	mkdirSync(packageDir, { recursive: true });
	const tarballName = path.basename(tarball);
	copyFileSync(tarball, path.join(nodesDir, tarballName));
	const env = {
		...process.env,
		PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}`,
		npm_config_cache: path.join(userFolder, '.npm-cache'),
		npm_config_update_notifier: 'false',
	};
	try {
		sh('tar', ['-xzf', tarballName, '-C', packageDir, '--strip-components=1'], nodesDir);
		const packageJsonPath = path.join(packageDir, 'package.json');
		const packageJson = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as Record<string, unknown>;
		for (const field of N8N_STRIPPED_FIELDS) delete packageJson[field];
		writeFileSync(packageJsonPath, JSON.stringify(packageJson, null, 2), 'utf8');
		sh('npm', N8N_NPM_INSTALL_ARGS, packageDir, env);
		writeFileSync(
			path.join(nodesDir, 'package.json'),
			JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: packageJson.version } }, null, 2),
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
 * Module._initPaths() (2.41.1 and 1.123.81). Done here with the line's Node and the same NODE_PATH.
 */
export function resolveLikeN8n(node: string, n8nPackageDir: string, packageDir: string): { zod: string; n8nWorkflow: string } {
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
	return JSON.parse(execFileSync(node, ['-e', script, n8nPackageDir, packageDir], { encoding: 'utf8', env })) as {
		zod: string;
		n8nWorkflow: string;
	};
}
