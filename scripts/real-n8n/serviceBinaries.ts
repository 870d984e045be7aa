/**
 * Chromium (browser tests), Postgres and redis-server (queue mode): found, not assumed. Each comes from
 *   1. its variable, which must point at something usable (a wrong one is an error, never a fallback):
 *        CHROMIUM_PATH            a Chromium or Chrome binary
 *        MODELSLAB_PG_BIN         a folder holding initdb, pg_ctl, postgres, pg_dump, pg_isready, createdb and psql
 *        MODELSLAB_REDIS_SERVER   a redis-server binary
 *   2. the PATH, then the usual install places (Debian's, Homebrew's, the macOS apps);
 *   3. apt-get, only on a Debian-like machine, as root, with apt-get on the PATH;
 * and otherwise the run stops naming what to install and the variables to set.
 * The machine is read through a Host, so tests can describe any machine.
 */
import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

import type { ToolStep } from './toolsCache';
import { probe, runLogged } from './toolsCache';

export type SystemService = 'chromium' | 'postgres' | 'redis';

/** What the search reads of the machine. */
export interface Host {
	env: NodeJS.ProcessEnv;
	platform: NodeJS.Platform;
	uid: number | undefined;
	/** an executable file (or a link to one) is there */
	isExecutable(file: string): boolean;
	exists(file: string): boolean;
	/** the entries of a folder; [] when there is none */
	listDir(dir: string): string[];
}

export function currentHost(env: NodeJS.ProcessEnv = process.env): Host {
	return {
		env,
		platform: process.platform,
		uid: process.getuid?.(),
		isExecutable: (file) => {
			try {
				accessSync(file, constants.X_OK);
				return statSync(file).isFile();
			} catch {
				return false;
			}
		},
		exists: existsSync,
		listDir: (dir) => {
			try {
				return readdirSync(dir);
			} catch {
				return [];
			}
		},
	};
}

export const PG_BINARIES = ['initdb', 'pg_ctl', 'postgres', 'pg_dump', 'pg_isready', 'createdb', 'psql'] as const;

interface ServiceSpec {
	/** how errors name it */
	what: string;
	variable: string;
	/** what the variable must point at */
	variableHolds: string;
	/** where it was looked for, for the error */
	searched: string;
	/** the paths to try after the variable, in order */
	candidates(host: Host): string[];
	/** what a candidate lacks to be usable; [] when usable */
	lacks(candidate: string, host: Host): string[];
	apt: string;
	brew: { formula: string } | { cask: string };
}

const pathDirs = (host: Host) => (host.env.PATH ?? '').split(path.delimiter).filter(Boolean);

/** The folders `<root>/<prefix><major>/<suffix>`, newest major first. */
function newestFirst(host: Host, root: string, prefix: string, suffix: string): string[] {
	return host
		.listDir(root)
		.map((entry) => new RegExp(`^${prefix}(\\d+)$`).exec(entry))
		.filter((match): match is RegExpExecArray => match !== null)
		.sort((a, b) => Number(b[1]) - Number(a[1]))
		.map((match) => path.join(root, match[0], suffix));
}

const binaryLacks = (candidate: string, host: Host) => (host.isExecutable(candidate) ? [] : [path.basename(candidate)]);

const MAC_CHROMIUM = '/Applications/Chromium.app/Contents/MacOS/Chromium';
const MAC_CHROME = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
const HOMEBREW_BINS = ['/opt/homebrew/bin', '/usr/local/bin'];

const SPECS: Record<SystemService, ServiceSpec> = {
	chromium: {
		what: 'Chromium',
		variable: 'CHROMIUM_PATH',
		variableHolds: 'a Chromium or Chrome binary',
		searched: `${CHROMIUM_NAMES.join(', ')} on the PATH and in /usr/bin, Chromium.app, Google Chrome.app`,
		candidates: (host) => [
			...[...pathDirs(host), '/usr/bin'].flatMap((dir) => CHROMIUM_NAMES.map((name) => path.join(dir, name))),
			MAC_CHROMIUM,
			MAC_CHROME,
		],
		lacks: binaryLacks,
		apt: 'chromium',
		brew: { cask: 'google-chrome' },
	},
	postgres: {
		what: `Postgres (${PG_BINARIES.join(', ')})`,
		variable: 'MODELSLAB_PG_BIN',
		variableHolds: `a folder holding ${PG_BINARIES.join(', ')}`,
		searched:
			'the PATH, /usr/lib/postgresql/<major>/bin, /opt/homebrew/opt/postgresql@<major>/bin, /usr/local/opt/postgresql@<major>/bin, ' +
			`${HOMEBREW_BINS.join(', ')}, Postgres.app`,
		candidates: (host) => [
			...pathDirs(host),
			...newestFirst(host, '/usr/lib/postgresql', '', 'bin'),
			...newestFirst(host, '/opt/homebrew/opt', 'postgresql@', 'bin'),
			...newestFirst(host, '/usr/local/opt', 'postgresql@', 'bin'),
			...HOMEBREW_BINS,
			'/Applications/Postgres.app/Contents/Versions/latest/bin',
		],
		lacks: (dir, host) => PG_BINARIES.filter((binary) => !host.isExecutable(path.join(dir, binary))),
		apt: 'postgresql',
		brew: { formula: 'postgresql@17' },
	},
	redis: {
		what: 'redis-server',
		variable: 'MODELSLAB_REDIS_SERVER',
		variableHolds: 'a redis-server binary',
		searched: `the PATH, /usr/bin, ${HOMEBREW_BINS.join(', ')}`,
		candidates: (host) => [...pathDirs(host), '/usr/bin', ...HOMEBREW_BINS].map((dir) => path.join(dir, 'redis-server')),
		lacks: binaryLacks,
		apt: 'redis-server',
		brew: { formula: 'redis' },
	},
};

export type Found = { path: string; variable: boolean } | { badVariable: string } | { missing: true };

/** Where a service is: its variable's target, else the first usable candidate. Paths are kept as found (redis-server is a link whose name matters). */
export function findService(service: SystemService, host: Host): Found {
	const spec = SPECS[service];
	const given = host.env[spec.variable];
	if (given) {
		const lacks = spec.lacks(given, host);
		if (lacks.length === 0) return { path: given, variable: true };
		const what = service === 'postgres' ? `which has no ${lacks.join(', ')}` : 'which is not an executable file';
		return { badVariable: `${spec.variable} is ${given}, ${what}; it must be ${spec.variableHolds}` };
	}
	const found = spec.candidates(host).find((candidate) => spec.lacks(candidate, host).length === 0);
	return found === undefined ? { missing: true } : { path: found, variable: false };
}

/** apt-get's path when it may install: a Debian-like machine, as root, with apt-get on the PATH. */
export function aptGet(host: Host): string | undefined {
	if (host.platform !== 'linux' || host.uid !== 0 || !host.exists('/etc/debian_version')) return undefined;
	return pathDirs(host)
		.map((dir) => path.join(dir, 'apt-get'))
		.find((file) => host.isExecutable(file));
}

/** What to install (this platform's command) and which variables to set instead. */
export function notFoundMessage(missing: SystemService[], host: Host): string {
	const specs = missing.map((service) => SPECS[service]);
	const install: string[] = [];
	if (host.platform === 'darwin') {
		const formulas = specs.flatMap(({ brew }) => ('formula' in brew ? [brew.formula] : []));
		const casks = specs.flatMap(({ brew }) => ('cask' in brew ? [brew.cask] : []));
		install.push('Install on macOS (Homebrew):');
		if (formulas.length > 0) install.push(`  brew install ${formulas.join(' ')}`);
		if (casks.length > 0) install.push(`  brew install --cask ${casks.join(' ')}   (or Chromium: brew install --cask chromium)`);
	} else {
		install.push('Install on Debian/Ubuntu:', `  ${host.uid === 0 ? '' : 'sudo '}apt-get install -y ${specs.map((spec) => spec.apt).join(' ')}`);
	}
	return [
		`not found: ${specs.map((spec) => spec.what).join('; ')}.`,
		...install,
		'Or point these variables at what you have:',
		...specs.map((spec) => `  ${spec.variable}: ${spec.variableHolds}`),
		'Looked for:',
		...specs.map((spec) => `  ${spec.what}: ${spec.searched}`),
	].join('\n');
}

/** The service's path; throws naming what to do when it is not there (callers run after the tools cache checked it). */
export function servicePath(service: SystemService, host: Host = currentHost()): string {
	const found = findService(service, host);
	if ('path' in found) return found.path;
	throw new Error('badVariable' in found ? found.badVariable : notFoundMessage([service], host));
}

const VERSION_OUTPUT: Partial<Record<SystemService, RegExp>> = { postgres: /\(PostgreSQL\) \d+/, redis: /^Redis server v=\d/ };

/** Each binary the suites run answers `--version` as expected (Chromium is launched by a later step). */
function versionProblem(service: SystemService, found: string): string | undefined {
	const expected = VERSION_OUTPUT[service];
	if (!expected) return undefined;
	const binaries = service === 'postgres' ? PG_BINARIES.map((binary) => path.join(found, binary)) : [found];
	for (const binary of binaries) {
		const problem = probe(binary, ['--version'], { expect: (out) => (expected.test(out) ? undefined : `${binary} --version printed ${out.slice(0, 200)}`) });
		if (problem) return problem;
	}
	return undefined;
}

const SERVICE_NAMES: Record<SystemService, string> = { chromium: 'Chromium', postgres: 'Postgres', redis: 'Redis' };

/**
 * One tools-cache step for the services wanted: found (and their versions checked), or installed with
 * apt-get where it may run, or failing with what to install. What a variable gives is never apt's to
 * replace: the step then has no install, and its check's reason is the error.
 */
export function systemBinariesStep(services: SystemService[], host: Host, cwd: string): ToolStep {
	const names = services.map((service) => SERVICE_NAMES[service]);
	const apt = aptGet(host);
	const aptMayInstall = services.filter((service) => !host.env[SPECS[service].variable]);
	const status = () => services.map((service) => ({ service, found: findService(service, host) }));
	const badVariable = status().some(({ found }) => 'badVariable' in found);
	return {
		name: names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names[0],
		check: () => {
			const all = status();
			const badVariables = all.flatMap(({ found }) => ('badVariable' in found ? [found.badVariable] : []));
			if (badVariables.length > 0) return badVariables.join('\n');
			const missing = all.filter(({ found }) => 'missing' in found).map(({ service }) => service);
			if (missing.length > 0) return apt ? `not found: ${missing.map((service) => SPECS[service].what).join('; ')}` : notFoundMessage(missing, host);
			for (const { service, found } of all) {
				const problem = 'path' in found ? versionProblem(service, found.path) : undefined;
				if (problem) return problem;
			}
			return undefined;
		},
		install:
			apt && !badVariable && aptMayInstall.length > 0
				? (log) => {
						const missing = status()
							.filter(({ found }) => 'missing' in found)
							.map(({ service }) => service);
						// nothing missing: a found binary failed its check, so reinstall what apt owns
						const packages = (missing.length > 0 ? missing : aptMayInstall).map((service) => SPECS[service].apt);
						aptInstall(apt, packages, { cwd, env: host.env, log });
					}
				: undefined,
	};
}

/** apt-get as root, waiting for another apt (a parallel run) rather than failing on its lock. */
function aptInstall(aptGetPath: string, packages: string[], { cwd, env, log }: { cwd: string; env: NodeJS.ProcessEnv; log: string }): void {
	const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
	const lockWait = ['-o', 'DPkg::Lock::Timeout=600'];
	runLogged(aptGetPath, [...lockWait, 'update'], { cwd, env: aptEnv, log });
	runLogged(aptGetPath, [...lockWait, 'install', '-y', ...packages], { cwd, env: aptEnv, log });
}
