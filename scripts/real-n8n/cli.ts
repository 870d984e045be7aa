import { spawn } from 'node:child_process';
import * as net from 'node:net';

import { n8nCommand } from './env';
import type { N8nVersion } from './tools';

export interface CommandRun {
	args: string[];
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	ms: number;
}

export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

export interface CliContext {
	/** the n8n line (default 2.41.1) */
	version?: N8nVersion;
	node: string;
	n8n: string;
	userFolder: string;
	cwd: string;
}

/**
 * One n8n CLI command (`import:*`, `execute --id`) on the line's Node in its own process group, with the
 * loopback guard preloaded. The group is always killed afterwards (n8n starts a task runner child for
 * the Code node), also on timeout.
 */
export async function runN8n(context: CliContext, args: string[], timeoutMs = 120_000): Promise<CommandRun> {
	const started = Date.now();
	const cmd = n8nCommand(context.n8n, args, {
		n8n: context.version,
		node: context.node,
		userFolder: context.userFolder,
		brokerPort: await freePort(),
		parentPid: process.pid,
	});
	const child = spawn(cmd.command, cmd.args, { cwd: context.cwd, env: cmd.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	const stdout: Buffer[] = [];
	const stderr: Buffer[] = [];
	child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
	child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
	let timedOut = false;
	const killGroup = () => {
		if (child.pid === undefined) return;
		try {
			process.kill(-child.pid, 'SIGKILL');
		} catch {
			// the group is already gone
		}
	};
	const timer = setTimeout(() => {
		timedOut = true;
		killGroup();
	}, timeoutMs);
	try {
		const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
			child.once('error', reject);
			child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
		});
		const run: CommandRun = {
			args,
			code,
			signal,
			stdout: Buffer.concat(stdout).toString('utf8'),
			stderr: Buffer.concat(stderr).toString('utf8'),
			ms: Date.now() - started,
		};
		if (timedOut) throw new Error(`n8n ${args.join(' ')} did not finish within ${timeoutMs} ms:\n${run.stdout}\n${run.stderr}`);
		return run;
	} finally {
		clearTimeout(timer);
		killGroup();
	}
}

/**
 * `n8n execute --rawOutput` prints `JSON.stringify(run, null, 2)`; on failure n8n logs the same
 * JSON at info level. Log lines come before and after it, so take the block from the first line
 * that is exactly "{" to the next line that is exactly "}" (inner lines are always indented).
 */
export function parseExecuteOutput<T>(stdout: string): T {
	const lines = stdout.split('\n');
	const start = lines.findIndex((line) => line === '{');
	const end = lines.findIndex((line, index) => index > start && line === '}');
	if (start < 0 || end < 0) throw new Error(`no execution JSON in n8n's output:\n${stdout}`);
	return JSON.parse(lines.slice(start, end + 1).join('\n')) as T;
}
