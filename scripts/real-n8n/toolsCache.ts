/**
 * The self-healing part of the tools cache, kept apart from what it installs so that its logic can be
 * tested on stub steps (test/unit/scripts/toolsCache.test.ts) instead of by rebuilding sqlite3.
 *
 * Nothing on disk is trusted: every step's check runs every time, and a step whose check fails is
 * (re)installed, then checked again. A marker file saying "ready" proves nothing (a cache once marked
 * ready with sqlite3 unbuilt failed every real-n8n test).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export interface ToolStep {
	/** names the step in progress lines and in errors, e.g. "sqlite3 for Node 24" */
	name: string;
	/** undefined when the tool is usable; otherwise why not */
	check(): string | undefined;
	/** (re)installs or repairs it, writing its output to `log`; absent for steps that can only be checked */
	install?(log: string): void;
}

export class ToolsCacheError extends Error {
	constructor(
		readonly step: string,
		reason: string,
		readonly log?: string,
	) {
		super(`tools cache: step "${step}" failed: ${reason}${log ? `\n  log: ${log}` : ''}`);
		this.name = 'ToolsCacheError';
	}
}

export interface EnsureOptions {
	/** one log file per step and attempt goes here */
	logDir: string;
	progress?: (line: string) => void;
}

const logName = (step: string) => `${step.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.log`;

/** Checks every step in order and repairs those that fail; throws a ToolsCacheError naming the step and its log. */
export function ensureSteps(steps: ToolStep[], { logDir, progress = () => undefined }: EnsureOptions): void {
	mkdirSync(logDir, { recursive: true });
	for (const step of steps) {
		const problem = step.check();
		if (problem === undefined) continue;
		if (!step.install) throw new ToolsCacheError(step.name, problem);
		const log = path.join(logDir, logName(step.name));
		progress(`${step.name}: ${problem}; installing (log: ${log})`);
		try {
			step.install(log);
		} catch (error) {
			throw new ToolsCacheError(step.name, (error as Error).message, log);
		}
		const after = step.check();
		if (after !== undefined) throw new ToolsCacheError(step.name, `installed, but its check still fails: ${after}`, log);
		progress(`${step.name}: ready`);
	}
}

/**
 * The environment for npm and node-gyp in the cache. `npm run` exports the project's npm settings to
 * its children (npm_config_*), and with them an `ignore-scripts` under which `npm rebuild` builds
 * nothing; the cache must behave the same from npm, jest or a plain shell.
 */
export function cleanNpmEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
	const clean: NodeJS.ProcessEnv = {};
	for (const [name, value] of Object.entries(env)) {
		if (/^npm_/i.test(name) || name === 'INIT_CWD' || name === 'NODE_OPTIONS') continue;
		clean[name] = value;
	}
	return clean;
}

export interface RunOptions {
	cwd: string;
	env: NodeJS.ProcessEnv;
	log: string;
	timeoutMs?: number;
}

/** Runs one install command with its output appended to the step's log; throws with the exit status. */
export function runLogged(command: string, args: string[], { cwd, env, log, timeoutMs = 20 * 60 * 1000 }: RunOptions): void {
	const fd = openSync(log, 'a');
	try {
		writeFileSync(fd, `$ ${command} ${args.join(' ')}   (in ${cwd})\n`);
		const result = spawnSync(command, args, { cwd, env, stdio: ['ignore', fd, fd], timeout: timeoutMs });
		if (result.error) throw result.error;
		if (result.status !== 0) {
			throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
		}
	} finally {
		closeSync(fd);
	}
}

/** Runs a check command; undefined when it exits 0 and its output passes `expect`, else the reason. */
export function probe(
	command: string,
	args: string[],
	options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; expect?: (output: string) => string | undefined } = {},
): string | undefined {
	const result = spawnSync(command, args, {
		cwd: options.cwd,
		env: options.env ?? cleanNpmEnv(),
		encoding: 'utf8',
		timeout: options.timeoutMs ?? 60_000,
	});
	const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
	// a thrown error's own line says more than the stack under it
	const lines = output.split('\n').map((line) => line.trim()).filter(Boolean);
	const tail = (lines.find((line) => /^\w*Error\b/.test(line)) ?? lines.slice(-2).join(' | ')).slice(0, 400);
	if (result.error) return `${path.basename(command)} could not run: ${result.error.message}`;
	if (result.status !== 0) return `${path.basename(command)} ${args.join(' ').slice(0, 80)} exited with ${result.status ?? result.signal}: ${tail}`;
	return options.expect?.(output);
}

/**
 * One repair at a time per cache (jest workers, the demo and CI may call at once): a lock folder with
 * the owner's pid, taken over when that process is gone.
 */
export function withLock<T>(cacheDir: string, body: () => T, waitMs = 30 * 60 * 1000): T {
	const lock = path.join(cacheDir, '.lock');
	const owner = path.join(lock, 'pid');
	const deadline = Date.now() + waitMs;
	mkdirSync(cacheDir, { recursive: true });
	for (;;) {
		try {
			mkdirSync(lock);
			writeFileSync(owner, String(process.pid));
			break;
		} catch {
			const pid = existsSync(owner) ? Number(readFileSync(owner, 'utf8')) : NaN;
			if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) rmSync(lock, { recursive: true, force: true });
			else if (Date.now() > deadline) throw new ToolsCacheError('lock', `${lock} is held by process ${pid}`);
			else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
		}
	}
	try {
		return body();
	} finally {
		rmSync(lock, { recursive: true, force: true });
	}
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}
