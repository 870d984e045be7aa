/**
 * Queue mode's failure paths: whatever goes wrong, nothing the suite started keeps running. A cluster
 * whose workers cannot start stops Postgres, Redis and main within seconds; Postgres and Redis die
 * with the process that started them even when it is SIGKILLed (groupWatchdog.js).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

import { REPO_ROOT, startQueueCluster } from '../../scripts/real-n8n';
import { packedTarball } from './helpers';

/** Every living process below `pid` (children, grandchildren …), as "pid command". */
function descendantsOf(pid: number): string[] {
	const parents = new Map<number, number>();
	for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
		try {
			// "pid (comm) state ppid …"; comm may hold spaces, so read after its closing parenthesis
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (state !== 'Z') parents.set(Number(entry), Number(ppid));
		} catch {
			// gone meanwhile
		}
	}
	const below = (parent: number): number[] =>
		[...parents].filter(([, ppid]) => ppid === parent).flatMap(([child]) => [child, ...below(child)]);
	return below(pid).map((child) => {
		try {
			return `${child} ${readFileSync(`/proc/${child}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()}`;
		} catch {
			return `${child} (gone)`;
		}
	});
}

/** Running (a zombie that nobody has reaped yet counts as gone). */
function alive(pid: number): boolean {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
	} catch {
		return false;
	}
}

async function within(ms: number, done: () => boolean): Promise<number> {
	const started = Date.now();
	while (!done() && Date.now() - started < ms) await new Promise((resolve) => setTimeout(resolve, 100));
	return Date.now() - started;
}

describe('queue mode stops everything it started, on any failure', () => {
	it('a cluster whose workers cannot start stops Postgres, Redis and main, and throws the worker\'s exit', async () => {
		// jest reuses its worker: the watchdogs of a cluster an earlier file stopped leave within a second
		await within(5000, () => descendantsOf(process.pid).length === 0);
		expect(descendantsOf(process.pid)).toEqual([]);
		// n8n's flag parser refuses a non-integer --concurrency: each worker exits with 1 at start-up
		await expect(startQueueCluster({ tgz: packedTarball(), workers: 2, workerConcurrency: 1.5, name: 'queue-failing' })).rejects.toThrow(
			/^n8n worker exited with 1\n--- n8n worker log ---\n/,
		);
		// the watchdogs of Postgres and Redis leave within a second of their service
		const ms = await within(5000, () => descendantsOf(process.pid).length === 0);
		expect(descendantsOf(process.pid)).toEqual([]);
		expect(ms).toBeLessThan(5000);
	});

	it('Postgres and Redis stop within seconds when the process that started them is SIGKILLed', async () => {
		execFileSync('npx', ['tsc', '-p', 'tsconfig.scripts.json'], { cwd: REPO_ROOT, stdio: 'pipe' });
		const library = path.join(REPO_ROOT, '.tmp', 'scripts-build', 'scripts', 'real-n8n');
		const script = `const r = require(${JSON.stringify(library)});
Promise.all([r.startPostgres(), r.startRedis()]).then(([pg, redis]) => console.log(JSON.stringify([pg.pid, redis.pid, pg.dir, redis.dir])));`;
		const starter = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
		const [pgPid, redisPid, ...dirs] = await new Promise<[number, number, string, string]>((resolve, reject) => {
			starter.stdout.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString('utf8')) as [number, number, string, string]));
			starter.once('exit', (code) => reject(new Error(`the starter exited with ${code}`)));
		});
		const pids = [pgPid, redisPid];
		expect(dirs.every((dir) => existsSync(dir))).toBe(true);
		expect(pids.every(alive)).toBe(true);
		starter.kill('SIGKILL');
		const ms = await within(10000, () => !pids.some(alive));
		expect(pids.filter(alive)).toEqual([]);
		expect(ms).toBeLessThan(5000);
		// and their temp data went with them
		await within(3000, () => !dirs.some((dir) => existsSync(dir)));
		expect(dirs.filter((dir) => existsSync(dir))).toEqual([]);
	});
});
