/**
 * Postgres and Redis for queue mode, found by serviceBinaries.ts (the tools cache checks them), started by
 * the caller on 127.0.0.1 and free ports with their data in a temp folder, and stopped by it. No
 * containers, no system service. As root, Postgres runs as the `postgres` user (it refuses root).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { freePort } from './cli';
import type { GroupProcess } from './processGroup';
import { spawnGroup } from './processGroup';
import { servicePath } from './serviceBinaries';
import { tools } from './tools';

export interface ServiceOptions {
	/** the service stops when this process is gone (groupWatchdog.js); default: this process */
	parentPid?: number;
	/** and after this long at most; default 20 minutes */
	maxLifetimeMs?: number;
	/** keep the data folder after stop (for debugging); also MODELSLAB_E2E_KEEP=1 */
	keep?: boolean;
}

/** uid and gid of a system user, read from /etc/passwd. */
function systemUser(name: string): { uid: number; gid: number } | undefined {
	const line = readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((entry) => entry.startsWith(`${name}:`));
	if (!line) return undefined;
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

abstract class Service {
	constructor(
		readonly port: number,
		readonly dir: string,
		protected readonly proc: GroupProcess,
		private readonly keep: boolean,
	) {}

	log(): string {
		return this.proc.log();
	}

	get pid(): number | undefined {
		return this.proc.pid;
	}

	protected abstract readonly stopSignal: NodeJS.Signals;

	/** Stops it (its whole process group, SIGKILL after 10 s) and removes its data. Safe to call twice. */
	async stop(): Promise<void> {
		await this.proc.stop({ signal: this.stopSignal, graceMs: 10000 });
		if (!this.keep) rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 });
	}
}

function serviceDefaults(options: ServiceOptions, prefix: string) {
	const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
	return {
		dir,
		keep: options.keep ?? process.env.MODELSLAB_E2E_KEEP === '1',
		watch: { parentPid: options.parentPid ?? process.pid, maxLifetimeMs: options.maxLifetimeMs ?? 20 * 60 * 1000, dir },
	};
}

export class Postgres extends Service {
	readonly user = 'n8n';
	readonly database = 'n8n';
	protected readonly stopSignal = 'SIGINT'; // fast shutdown: ends the backends, removes shared memory

	constructor(
		port: number,
		dir: string,
		proc: GroupProcess,
		keep: boolean,
		private readonly bin: string,
	) {
		super(port, dir, proc, keep);
	}

	/** n8n's DB_* variables for this database. */
	n8nEnv(): Record<string, string> {
		return {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(this.port),
			DB_POSTGRESDB_DATABASE: this.database,
			DB_POSTGRESDB_USER: this.user,
			DB_POSTGRESDB_PASSWORD: 'unused-trust-auth',
		};
	}

	private connection(): string[] {
		return ['-h', '127.0.0.1', '-p', String(this.port), '-U', this.user];
	}

	/** The whole database as SQL text (`pg_dump`), as a backup would hold it; `bytea` columns come out as hex. */
	dump(): string {
		return execFileSync(path.join(this.bin, 'pg_dump'), [...this.connection(), '--format=plain', '--no-owner', this.database], {
			encoding: 'utf8',
			maxBuffer: 512 * 1024 * 1024,
		});
	}

	/** One query through psql, rows as tab-separated lines. */
	query(sql: string): string[][] {
		const out = execFileSync(path.join(this.bin, 'psql'), [...this.connection(), '-d', this.database, '-XAtF', '\t', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
			encoding: 'utf8',
		});
		return out
			.split('\n')
			.filter(Boolean)
			.map((line) => line.split('\t'));
	}
}

/**
 * `initdb` into a temp folder (trust auth, superuser `n8n`), then `postgres` on 127.0.0.1:<free port>
 * without a Unix socket, and `createdb n8n`. Resolves once it accepts connections.
 */
export async function startPostgres(options: ServiceOptions = {}): Promise<Postgres> {
	tools({ services: true });
	const bin = servicePath('postgres');
	const { dir, keep, watch } = serviceDefaults(options, 'modelslab-pg-');
	const asUser = process.getuid?.() === 0 ? systemUser('postgres') : undefined;
	if (process.getuid?.() === 0 && !asUser) throw new Error('Postgres refuses to run as root, and there is no "postgres" user to run it as (Debian\'s postgresql package creates one; or: useradd --system --user-group postgres)');
	if (asUser) chownSync(dir, asUser.uid, asUser.gid);
	const data = path.join(dir, 'data');
	const init = spawnSync(
		path.join(bin, 'initdb'),
		['-D', data, '-U', 'n8n', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions'],
		{ cwd: dir, encoding: 'utf8', uid: asUser?.uid, gid: asUser?.gid, timeout: 120_000 },
	);
	if (init.status !== 0) {
		rmSync(dir, { recursive: true, force: true });
		throw new Error(`initdb exited with ${init.status ?? init.signal ?? init.error?.message}:\n${init.stdout}${init.stderr}`);
	}
	const port = await freePort();
	// tuned for a throw-away test database: no fsync, no socket file
	const settings = ['listen_addresses=127.0.0.1', 'unix_socket_directories=', 'fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];
	const proc = spawnGroup(path.join(bin, 'postgres'), ['-D', data, '-p', String(port), ...settings.flatMap((s) => ['-c', s])], 'postgres', {
		cwd: dir,
		env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' },
		logFile: path.join(dir, 'postgres.log'),
		uid: asUser?.uid,
		gid: asUser?.gid,
		watch,
	});
	const postgres = new Postgres(port, dir, proc, keep, bin);
	try {
		const isReady = path.join(bin, 'pg_isready');
		await proc.waitUntil(async () => spawnSync(isReady, ['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n']).status === 0, 60_000);
		execFileSync(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', postgres.database], { stdio: 'pipe' });
		return postgres;
	} catch (error) {
		await postgres.stop();
		throw error;
	}
}

export class Redis extends Service {
	protected readonly stopSignal = 'SIGTERM';

	/** n8n's QUEUE_BULL_REDIS_* variables for this server. */
	n8nEnv(): Record<string, string> {
		return { QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(this.port) };
	}
}

/** One RESP command to 127.0.0.1:port, resolving with the raw answer. */
export async function redisCommand(port: number, ...words: string[]): Promise<string> {
	return await new Promise((resolve, reject) => {
		const socket = net.connect(port, '127.0.0.1');
		let answer = '';
		socket.setTimeout(2000, () => socket.destroy(new Error('redis did not answer')));
		socket.on('error', reject);
		socket.on('data', (chunk) => {
			answer += chunk.toString('utf8');
			if (answer.endsWith('\r\n')) {
				socket.end();
				resolve(answer);
			}
		});
		socket.write(`*${words.length}\r\n${words.map((word) => `$${Buffer.byteLength(word)}\r\n${word}\r\n`).join('')}`);
	});
}

/** `redis-server` on 127.0.0.1:<free port>, nothing persisted, its folder a temp one. Resolves once it answers PING. */
export async function startRedis(options: ServiceOptions = {}): Promise<Redis> {
	tools({ services: true });
	const redisServer = servicePath('redis');
	const { dir, keep, watch } = serviceDefaults(options, 'modelslab-redis-');
	const port = await freePort();
	const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'];
	const proc = spawnGroup(redisServer, args, 'redis-server', {
		cwd: dir,
		env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
		logFile: path.join(dir, 'redis.log'),
		watch,
	});
	const redis = new Redis(port, dir, proc, keep);
	try {
		await proc.waitUntil(async () => (await redisCommand(port, 'PING')) === '+PONG\r\n', 30_000);
		return redis;
	} catch (error) {
		await redis.stop();
		throw error;
	}
}
