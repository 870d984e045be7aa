import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/**
 * Shared by globalSetup and the e2e tests: where things are, how to run the real n8n CLI from the
 * tools cache, and how to read what it prints.
 */

export const PACKAGE_NAME = 'n8n-nodes-modelslab';
export const NODE_TYPE = `${PACKAGE_NAME}.modelsLab`;
export const STANDARD_KEY = 'sandbox-standard-key';
export const ENTERPRISE_KEY = 'sandbox-enterprise-key';
export const STANDARD_CREDENTIAL_ID = 'e2eMlStandard001';
export const ENTERPRISE_CREDENTIAL_ID = 'e2eMlEnterpris01';

/**
 * What n8n 2.41.1 runs in the unpacked package folder when it installs a community package
 * (modules/community-packages/community-packages.service.js, `downloadPackage`). globalSetup checks
 * that the installed n8n still contains each of these, so a change in n8n fails loudly.
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

export interface E2eState {
	repo: string;
	/** temp folder holding everything below; removed by globalTeardown */
	root: string;
	/** N8N_USER_FOLDER: n8n keeps its data in `<userFolder>/.n8n` */
	userFolder: string;
	/** Node 24 binary and n8n's bin script from the tools cache */
	node: string;
	n8n: string;
	/** the n8n package folder (…/node_modules/n8n) and the tree that holds its dependencies */
	n8nPackageDir: string;
	n8nNodeModules: string;
	tarball: string;
	packageVersion: string;
	/** `<userFolder>/.n8n/nodes/node_modules/n8n-nodes-modelslab` */
	installedPackageDir: string;
	/** how the installed package's imports resolve under n8n's NODE_PATH, from Node 24 */
	resolved: { zod: string; n8nWorkflow: string };
	timingsMs: Record<string, number>;
}

export const STATE_ENV = 'MODELSLAB_E2E_STATE';

export function loadState(): E2eState {
	const file = process.env[STATE_ENV];
	if (!file || !existsSync(file)) {
		throw new Error(`${STATE_ENV} is not set: run this suite with "npx jest -c jest.e2e.config.js"`);
	}
	return JSON.parse(readFileSync(file, 'utf8')) as E2eState;
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/** The environment every n8n command gets: a temp user folder, Node 24 first, nothing inherited from n8n. */
export function n8nEnv(state: E2eState, brokerPort: number): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [name, value] of Object.entries(process.env)) {
		// a developer's own n8n settings (DB_TYPE=postgresdb, N8N_USER_FOLDER …) must not leak in, nor
		// jest's NODE_ENV=test, which makes n8n behave as in its own unit tests (no database file …)
		if (/^(N8N_|DB_|EXECUTIONS_|QUEUE_|JEST_|NODE_ENV$|NODE_OPTIONS$|NODE_PATH$)/.test(name)) continue;
		env[name] = value;
	}
	const noProxy = [process.env.NO_PROXY, '127.0.0.1', 'localhost'].filter(Boolean).join(',');
	return {
		...env,
		PATH: `${path.dirname(state.node)}${path.delimiter}${process.env.PATH ?? ''}`,
		N8N_USER_FOLDER: state.userFolder,
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		NO_PROXY: noProxy,
		no_proxy: noProxy,
	};
}

export interface CommandRun {
	args: string[];
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	ms: number;
}

/** Every captured stdout/stderr of every n8n command, for the secret scan at the end. */
export const capturedOutputs: CommandRun[] = [];

/**
 * Runs one n8n CLI command with Node 24 in its own process group, and always kills that group
 * afterwards (n8n starts a task runner child for the Code node), also on timeout.
 */
export async function runN8n(state: E2eState, args: string[], timeoutMs = 120_000): Promise<CommandRun> {
	const started = Date.now();
	const env = n8nEnv(state, await freePort());
	const child = spawn(state.node, [state.n8n, ...args], {
		cwd: state.root,
		env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
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
		capturedOutputs.push(run);
		if (timedOut) {
			throw new Error(`n8n ${args.join(' ')} did not finish within ${timeoutMs} ms:\n${run.stdout}\n${run.stderr}`);
		}
		return run;
	} finally {
		clearTimeout(timer);
		killGroup();
	}
}

export async function runN8nOk(state: E2eState, args: string[]): Promise<CommandRun> {
	const run = await runN8n(state, args);
	if (run.code !== 0) {
		throw new Error(`n8n ${args.join(' ')} exited with ${run.code ?? run.signal}:\n${run.stdout}\n${run.stderr}`);
	}
	return run;
}

export interface ItemJson {
	[key: string]: unknown;
}

export interface OutputItem {
	json: ItemJson;
	binary?: Record<string, BinaryRef>;
	pairedItem?: unknown;
	[key: string]: unknown;
}

export interface BinaryRef {
	mimeType: string;
	fileType?: string;
	fileExtension?: string;
	fileName?: string;
	fileSize?: string;
	bytes?: number;
	data: string;
	id?: string;
}

export interface NodeRunData {
	executionStatus?: string;
	error?: Record<string, unknown>;
	data?: { main: Array<OutputItem[] | null> };
}

export interface Execution {
	status: string;
	finished: boolean;
	mode: string;
	data: {
		resultData: {
			runData: Record<string, NodeRunData[]>;
			lastNodeExecuted?: string;
			error?: Record<string, unknown>;
		};
	};
}

/**
 * `n8n execute --rawOutput` prints `JSON.stringify(run, null, 2)`; on failure n8n logs the same
 * JSON at info level. Log lines come before and after it, so take the block from the first line
 * that is exactly "{" to the next line that is exactly "}" (inner lines are always indented).
 */
export function parseExecution(stdout: string): Execution {
	const lines = stdout.split('\n');
	const start = lines.findIndex((line) => line === '{');
	const end = lines.findIndex((line, index) => index > start && line === '}');
	if (start < 0 || end < 0) throw new Error(`no execution JSON in n8n's output:\n${stdout}`);
	return JSON.parse(lines.slice(start, end + 1).join('\n')) as Execution;
}

/** `n8n execute --id <id> --rawOutput`, parsed. Exit code 0 on success, 1 when the execution failed. */
export async function executeWorkflow(state: E2eState, workflowId: string) {
	const run = await runN8n(state, ['execute', `--id=${workflowId}`, '--rawOutput']);
	return { run, execution: parseExecution(run.stdout) };
}

/** main[0] of a node's last run. */
export function nodeOutput(execution: Execution, nodeName: string): OutputItem[] {
	const runs = execution.data.resultData.runData[nodeName];
	if (!runs?.length) throw new Error(`node "${nodeName}" did not run`);
	return runs[runs.length - 1].data?.main[0] ?? [];
}

/** Where n8n 2.41's filesystem binary mode keeps a file: `<userFolder>/.n8n/storage/<id without mode>`. */
export function binaryFile(state: E2eState, ref: BinaryRef): Buffer {
	const match = /^filesystem-v2:(.+)$/.exec(ref.id ?? '');
	if (!match) throw new Error(`not a filesystem binary reference: ${JSON.stringify(ref)}`);
	return readFileSync(path.join(state.userFolder, '.n8n', 'storage', match[1]));
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk; throws if the bytes are not a PNG. */
export function pngSize(bytes: Buffer): { width: number; height: number } {
	if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE) || bytes.toString('latin1', 12, 16) !== 'IHDR') {
		throw new Error('not a PNG file');
	}
	return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

export function filesUnder(folder: string): string[] {
	if (!existsSync(folder)) return [];
	return readdirSync(folder, { recursive: true, encoding: 'utf8' })
		.map((entry) => path.join(folder, entry))
		.filter((file) => statSync(file).isFile());
}

/** Every place a secret appears, as it is or base64-encoded, in the given files and texts. */
export function findSecrets(
	secrets: string[],
	files: string[],
	texts: Array<{ label: string; text: string }>,
): string[] {
	const needles = secrets.flatMap((secret) => [
		{ secret, bytes: Buffer.from(secret, 'utf8') },
		{ secret: `${secret} (base64)`, bytes: Buffer.from(Buffer.from(secret, 'utf8').toString('base64'), 'utf8') },
		{ secret: `${secret} (utf16)`, bytes: Buffer.from(secret, 'utf16le') },
	]);
	const hits: string[] = [];
	const scan = (label: string, haystack: Buffer) => {
		for (const needle of needles) {
			if (haystack.includes(needle.bytes)) hits.push(`${needle.secret} in ${label}`);
		}
	};
	for (const file of files) scan(file, readFileSync(file));
	for (const { label, text } of texts) scan(label, Buffer.from(text, 'utf8'));
	return hits;
}
