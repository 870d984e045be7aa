/**
 * Chromium, Postgres and redis-server found, not assumed (scripts/real-n8n/serviceBinaries.ts): on
 * described machines (a variable, the PATH, Homebrew, Debian's folders, apt-get as root, nothing at all),
 * then on real files: stub binaries with apt-get hidden from the PATH, and a stub apt-get that installs.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import type { Host, SystemService } from '../../../scripts/real-n8n/serviceBinaries';
import { PG_BINARIES, aptGet, currentHost, findService, notFoundMessage, systemBinariesStep } from '../../../scripts/real-n8n/serviceBinaries';
import { ToolsCacheError, ensureSteps } from '../../../scripts/real-n8n/toolsCache';

const ALL: SystemService[] = ['chromium', 'postgres', 'redis'];
const pgIn = (dir: string) => PG_BINARIES.map((binary) => `${dir}/${binary}`);

/** A machine holding exactly these executables. */
function machine({ files = [] as string[], env = {} as NodeJS.ProcessEnv, platform = 'linux' as NodeJS.Platform, uid = 1000, debian = false } = {}): Host {
	return {
		env,
		platform,
		uid,
		isExecutable: (file) => files.includes(file),
		exists: (file) => (file === '/etc/debian_version' ? debian : files.includes(file)),
		listDir: (dir) => [...new Set(files.filter((file) => file.startsWith(`${dir}/`)).map((file) => file.slice(dir.length + 1).split('/')[0]))],
	};
}

/** Where each of Chromium, Postgres and redis-server is found, or why not. */
const lookUp = (host: Host) => ALL.map((service) => findService(service, host));
const searched = (...paths: string[]) => paths.map((found) => ({ path: found, variable: false }));
const given = (...paths: string[]) => paths.map((found) => ({ path: found, variable: true }));

const DEBIAN_INSTALLED = ['/usr/bin/chromium', '/usr/bin/redis-server', ...pgIn('/usr/lib/postgresql/15/bin'), ...pgIn('/usr/lib/postgresql/17/bin')];

describe('services found, not assumed (scripts/real-n8n/serviceBinaries.ts)', () => {
	it('takes each service from its variable first', () => {
		const host = machine({
			files: [...DEBIAN_INSTALLED, '/opt/chrome/chrome', ...pgIn('/opt/pg/bin'), '/opt/redis/redis-server'],
			env: { PATH: '/usr/bin', CHROMIUM_PATH: '/opt/chrome/chrome', MODELSLAB_PG_BIN: '/opt/pg/bin', MODELSLAB_REDIS_SERVER: '/opt/redis/redis-server' },
		});
		expect(lookUp(host)).toEqual(given('/opt/chrome/chrome', '/opt/pg/bin', '/opt/redis/redis-server'));
	});

	it('refuses a variable that points at nothing usable, even with the service installed elsewhere', () => {
		const host = machine({
			files: [...DEBIAN_INSTALLED, '/opt/pg/bin/psql', '/opt/pg/bin/pg_dump'],
			env: { PATH: '/usr/bin', CHROMIUM_PATH: '/nowhere/chromium', MODELSLAB_PG_BIN: '/opt/pg/bin', MODELSLAB_REDIS_SERVER: '/opt/redis' },
		});
		expect(lookUp(host)).toEqual([
			{ badVariable: 'CHROMIUM_PATH is /nowhere/chromium, which is not an executable file; it must be a Chromium or Chrome binary' },
			{
				badVariable:
					'MODELSLAB_PG_BIN is /opt/pg/bin, which has no initdb, pg_ctl, postgres, pg_isready, createdb; ' +
					'it must be a folder holding initdb, pg_ctl, postgres, pg_dump, pg_isready, createdb, psql',
			},
			{ badVariable: 'MODELSLAB_REDIS_SERVER is /opt/redis, which is not an executable file; it must be a redis-server binary' },
		]);
	});

	it("finds Debian's newest Postgres, and skips a PATH folder with only some of its binaries", () => {
		// postgresql-common puts psql and pg_dump wrappers in /usr/bin, but no initdb or postgres
		const host = machine({ files: [...DEBIAN_INSTALLED, '/usr/bin/psql', '/usr/bin/pg_dump'], env: { PATH: '/usr/local/bin:/usr/bin' } });
		expect(lookUp(host)).toEqual(searched('/usr/bin/chromium', '/usr/lib/postgresql/17/bin', '/usr/bin/redis-server'));
	});

	it("finds Homebrew's keg-only postgresql@NN (newest), its redis-server and Chrome on a Mac", () => {
		const host = machine({
			platform: 'darwin',
			files: [
				...pgIn('/opt/homebrew/opt/postgresql@16/bin'),
				...pgIn('/opt/homebrew/opt/postgresql@17/bin'),
				'/opt/homebrew/bin/redis-server',
				'/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
			],
			env: { PATH: '/usr/bin:/bin' },
		});
		expect(lookUp(host)).toEqual(
			searched('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/opt/homebrew/opt/postgresql@17/bin', '/opt/homebrew/bin/redis-server'),
		);
	});

	it('prefers what the PATH holds to the usual places', () => {
		const host = machine({
			files: [...DEBIAN_INSTALLED, ...pgIn('/opt/me/pg/bin'), '/opt/me/bin/chromium-browser', '/opt/me/bin/redis-server'],
			env: { PATH: '/opt/me/bin:/opt/me/pg/bin:/usr/bin' },
		});
		expect(lookUp(host)).toEqual(searched('/opt/me/bin/chromium-browser', '/opt/me/pg/bin', '/opt/me/bin/redis-server'));
	});

	it('installs with apt-get only on a Debian-like machine, as root, with apt-get on the PATH', () => {
		const files = ['/usr/bin/apt-get'];
		const env = { PATH: '/usr/sbin:/usr/bin' };
		expect(aptGet(machine({ files, env, uid: 0, debian: true }))).toBe('/usr/bin/apt-get');
		expect(aptGet(machine({ files, env, uid: 1000, debian: true }))).toBeUndefined();
		expect(aptGet(machine({ files, env, uid: 0, debian: false }))).toBeUndefined();
		expect(aptGet(machine({ files, env: { PATH: '/usr/sbin' }, uid: 0, debian: true }))).toBeUndefined();
		expect(aptGet(machine({ files, env, uid: 0, debian: true, platform: 'darwin' }))).toBeUndefined();
	});

	it('names what to install on a Mac when nothing is found', () => {
		expect(notFoundMessage(ALL, machine({ platform: 'darwin', uid: 501, env: { PATH: '/usr/bin:/bin' } }))).toBe(
			[
				'not found: Chromium; Postgres (initdb, pg_ctl, postgres, pg_dump, pg_isready, createdb, psql); redis-server.',
				'Install on macOS (Homebrew):',
				'  brew install postgresql@17 redis',
				'  brew install --cask google-chrome   (or Chromium: brew install --cask chromium)',
				'Or point these variables at what you have:',
				'  CHROMIUM_PATH: a Chromium or Chrome binary',
				'  MODELSLAB_PG_BIN: a folder holding initdb, pg_ctl, postgres, pg_dump, pg_isready, createdb, psql',
				'  MODELSLAB_REDIS_SERVER: a redis-server binary',
				'Looked for:',
				'  Chromium: chromium, chromium-browser, google-chrome, google-chrome-stable on the PATH and in /usr/bin, Chromium.app, Google Chrome.app',
				'  Postgres (initdb, pg_ctl, postgres, pg_dump, pg_isready, createdb, psql): the PATH, /usr/lib/postgresql/<major>/bin, ' +
					'/opt/homebrew/opt/postgresql@<major>/bin, /usr/local/opt/postgresql@<major>/bin, /opt/homebrew/bin, /usr/local/bin, Postgres.app',
				'  redis-server: the PATH, /usr/bin, /opt/homebrew/bin, /usr/local/bin',
			].join('\n'),
		);
	});

	it('stops the tools cache on Linux as a user, naming what to install with sudo and the variables', () => {
		const host = machine({ uid: 1000, debian: true, files: ['/usr/bin/apt-get', '/usr/bin/chromium'], env: { PATH: '/usr/bin' } });
		expect(() => ensureSteps([systemBinariesStep(ALL, host, tmpdir())], { logDir: path.join(tmpdir(), 'modelslab-unused-logs') })).toThrow(
			new ToolsCacheError(
				'Chromium, Postgres and Redis',
				[
					'not found: Postgres (initdb, pg_ctl, postgres, pg_dump, pg_isready, createdb, psql); redis-server.',
					'Install on Debian/Ubuntu:',
					'  sudo apt-get install -y postgresql redis-server',
					'Or point these variables at what you have:',
					'  MODELSLAB_PG_BIN: a folder holding initdb, pg_ctl, postgres, pg_dump, pg_isready, createdb, psql',
					'  MODELSLAB_REDIS_SERVER: a redis-server binary',
					'Looked for:',
					'  Postgres (initdb, pg_ctl, postgres, pg_dump, pg_isready, createdb, psql): the PATH, /usr/lib/postgresql/<major>/bin, ' +
						'/opt/homebrew/opt/postgresql@<major>/bin, /usr/local/opt/postgresql@<major>/bin, /opt/homebrew/bin, /usr/local/bin, Postgres.app',
					'  redis-server: the PATH, /usr/bin, /opt/homebrew/bin, /usr/local/bin',
				].join('\n'),
			).message,
		);
	});

	it('leaves a wrong variable for its owner to fix: no apt-get, even as root on Debian', () => {
		const step = systemBinariesStep(['redis'], machine({ uid: 0, debian: true, files: ['/usr/bin/apt-get'], env: { PATH: '/usr/bin', MODELSLAB_REDIS_SERVER: '/nope' } }), tmpdir());
		expect(step.install).toBeUndefined();
		expect(step.check()).toBe('MODELSLAB_REDIS_SERVER is /nope, which is not an executable file; it must be a redis-server binary');
	});
});

describe('the services step on real files (stub binaries, apt-get hidden or a stub)', () => {
	let root: string;
	const dir = (name: string) => path.join(root, name);

	/** Executables answering `--version` as the real ones do. */
	function installStubs(bin: string): void {
		mkdirSync(bin, { recursive: true });
		const stubs: Record<string, string> = { chromium: 'Chromium 131.0', 'redis-server': 'Redis server v=7.0.15 sha=0 malloc=libc bits=64' };
		for (const binary of PG_BINARIES) stubs[binary] = `${binary} (PostgreSQL) 17.2`;
		for (const [name, version] of Object.entries(stubs)) {
			writeFileSync(path.join(bin, name), `#!/bin/sh\necho '${version}'\n`);
			chmodSync(path.join(bin, name), 0o755);
		}
	}

	/** This machine's files, but only those under the stub root count, on a Debian-like machine as root. */
	function debianRoot(env: NodeJS.ProcessEnv): Host {
		const real = currentHost(env);
		return { ...real, platform: 'linux', uid: 0, exists: (file) => file === '/etc/debian_version' || real.exists(file), isExecutable: (file) => file.startsWith(root) && real.isExecutable(file) };
	}

	beforeEach(() => {
		root = mkdtempSync(path.join(tmpdir(), 'modelslab-services-'));
		// apt-get that records its arguments and "installs" the stubs into dir('usr-bin') (by absolute paths: its PATH has no mkdir)
		mkdirSync(dir('apt'));
		const aptGetStub = path.join(dir('apt'), 'apt-get');
		writeFileSync(aptGetStub, `#!/bin/sh\necho "$*" >> '${dir('apt.log')}'\ncase "$*" in *install*) /bin/mkdir -p '${dir('usr-bin')}' && /bin/cp '${dir('packages')}'/* '${dir('usr-bin')}' ;; esac\n`);
		chmodSync(aptGetStub, 0o755);
		installStubs(dir('packages'));
	});

	afterEach(() => rmSync(root, { recursive: true, force: true }));

	it('with apt-get hidden, resolves every binary from the variables and runs its --version', () => {
		installStubs(dir('given'));
		const env = {
			PATH: dir('usr-bin'),
			CHROMIUM_PATH: path.join(dir('given'), 'chromium'),
			MODELSLAB_PG_BIN: dir('given'),
			MODELSLAB_REDIS_SERVER: path.join(dir('given'), 'redis-server'),
		};
		const host = debianRoot(env);
		expect(aptGet(host)).toBeUndefined();
		ensureSteps([systemBinariesStep(ALL, host, root)], { logDir: dir('logs') });
		expect(lookUp(host)).toEqual(given(env.CHROMIUM_PATH, env.MODELSLAB_PG_BIN, env.MODELSLAB_REDIS_SERVER));
		expect(existsSync(dir('apt.log'))).toBe(false);
	});

	it('with apt-get hidden and no variables, stops naming what to install', () => {
		const host = debianRoot({ PATH: dir('usr-bin') });
		expect(() => ensureSteps([systemBinariesStep(ALL, host, root)], { logDir: dir('logs') })).toThrow(
			`tools cache: step "Chromium, Postgres and Redis" failed: ${notFoundMessage(ALL, host)}`,
		);
		expect(notFoundMessage(ALL, host)).toContain('\n  apt-get install -y chromium postgresql redis-server\n');
	});

	it('with apt-get on the PATH as root, installs what is missing with it, then finds it', () => {
		const host = debianRoot({ PATH: `${dir('apt')}${path.delimiter}${dir('usr-bin')}` });
		const progress: string[] = [];
		ensureSteps([systemBinariesStep(ALL, host, root)], { logDir: dir('logs'), progress: (line) => progress.push(line) });
		expect(readFileSync(dir('apt.log'), 'utf8')).toBe('-o DPkg::Lock::Timeout=600 update\n-o DPkg::Lock::Timeout=600 install -y chromium postgresql redis-server\n');
		expect(progress[0]).toMatch(/^Chromium, Postgres and Redis: not found: Chromium; Postgres .*; redis-server; installing \(log: .*\)$/);
		expect(findService('postgres', host)).toEqual({ path: dir('usr-bin'), variable: false });
	});
});
