/**
 * A child process in a process group of its own, its output in a log file: signals reach it and
 * every child it starts (n8n's task runners, Postgres's backends), and stopping it leaves nothing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

import { PRELOADS_DIR } from './paths';

export interface SpawnGroupOptions {
	cwd: string;
	env: NodeJS.ProcessEnv;
	/** stdout and stderr go here */
	logFile: string;
	/** run as this user (root starting Postgres, which refuses to run as root) */
	uid?: number;
	gid?: number;
	/**
	 * Kill the group when this process is gone (even after a SIGKILL of jest) or after `maxLifetimeMs`
	 * (groupWatchdog.js); for programs nothing can be preloaded into. n8n has watchdog.js instead.
	 */
	watch?: { parentPid: number; maxLifetimeMs: number; /** removed after such a kill */ dir?: string };
}

export class GroupProcess {
	private exitedFlag = false;
	private readonly exit: Promise<void>;

	constructor(
		readonly child: ChildProcess,
		readonly logFile: string,
		readonly label: string,
	) {
		this.exit = new Promise<void>((resolve) => {
			if (child.exitCode !== null || child.signalCode !== null) resolve();
			child.once('exit', () => resolve());
		}).then(() => {
			this.exitedFlag = true;
		});
	}

	get pid(): number | undefined {
		return this.child.pid;
	}

	get exited(): boolean {
		return this.exitedFlag || this.child.exitCode !== null || this.child.signalCode !== null;
	}

	/** Its output so far (for failure messages). */
	log(): string {
		return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
	}

	signalGroup(signal: NodeJS.Signals): void {
		if (this.child.pid === undefined) return;
		try {
			process.kill(-this.child.pid, signal);
		} catch {
			// the group is already gone
		}
	}

	/**
	 * `signal` to the group, SIGKILL after `graceMs`, then SIGKILL to whatever is left of the group
	 * (children that outlive their parent). Safe to call twice.
	 */
	async stop({ signal = 'SIGTERM', graceMs = 15000 }: { signal?: NodeJS.Signals; graceMs?: number } = {}): Promise<void> {
		if (!this.exited) {
			this.signalGroup(signal);
			const killer = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
			await this.exit;
			clearTimeout(killer);
		}
		this.signalGroup('SIGKILL');
	}

	/**
	 * Polls `ready` every 250 ms until it says true; throws with the log's tail when the process
	 * exits first or `timeoutMs` passes.
	 */
	async waitUntil(ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			if (this.exited) throw new Error(`${this.label} exited with ${this.child.exitCode ?? this.child.signalCode}\n${this.tail()}`);
			if (Date.now() > deadline) throw new Error(`${this.label} did not become ready within ${timeoutMs} ms\n${this.tail()}`);
			if (await ready().catch(() => false)) return;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}

	private tail(): string {
		return `--- ${this.label} log ---\n${this.log().slice(-4000)}`;
	}
}

export function spawnGroup(command: string, args: string[], label: string, options: SpawnGroupOptions): GroupProcess {
	const fd = openSync(options.logFile, 'a');
	try {
		const child = spawn(command, args, {
			cwd: options.cwd,
			env: options.env,
			detached: true,
			stdio: ['ignore', fd, fd],
			uid: options.uid,
			gid: options.gid,
		});
		child.once('error', () => undefined);
		if (options.watch && child.pid !== undefined) {
			const { parentPid, maxLifetimeMs, dir } = options.watch;
			const args = [path.join(PRELOADS_DIR, 'groupWatchdog.js'), String(parentPid), String(child.pid), String(maxLifetimeMs), ...(dir ? [dir] : [])];
			// its own group, so stopping the service does not stop its watchdog first
			spawn(process.execPath, args, {
				detached: true,
				stdio: 'ignore',
			}).unref();
		}
		return new GroupProcess(child, options.logFile, label);
	} finally {
		closeSync(fd);
	}
}
