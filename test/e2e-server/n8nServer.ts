/**
 * A real `n8n start` (2.41.1, on the cached Node 24) with this package installed the way n8n installs
 * community packages, bound to 127.0.0.1, driven through its REST API.
 *
 *   const tgz = await packPackage();                    // npm run build + npm pack (once per run)
 *   const n8n = await startN8n({ tgz });                // temp N8N_USER_FOLDER, free ports, /healthz
 *   await n8n.setupOwner();                             // POST /rest/owner/setup, then POST /rest/login
 *   const creds = await n8n.createSandboxCredentials(sb.baseUrl);
 *   const wf = await n8n.createWorkflow(json, creds);   // POST /rest/workflows
 *   const { executionId } = await n8n.runWorkflow(wf.id, 'Manual trigger');
 *   const execution = await n8n.waitForExecution(executionId);
 *   await n8n.stop();                                   // always, in afterAll / finally
 *
 * Nothing here calls any address but loopback: every "phone home" switch n8n has is off, and
 * netGuard.js is preloaded into n8n to refuse (and log) any connection or DNS lookup for another host.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
	copyFileSync,
	createWriteStream,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

import { N8N_NPM_INSTALL_ARGS } from '../e2e/helpers';
import { REPO_ROOT, tools } from './tools';

const execFileAsync = promisify(execFile);
const LOGS = path.join(REPO_ROOT, '.tmp', 'e2e-server', 'logs');

/** n8n deletes devDependencies, peerDependencies and optionalDependencies from the package's package.json
 * before that install; `--legacy-peer-deps` is the same for `npm install <tgz>` (no n8n-workflow copy). */
const PEER_DEPS_AS_N8N = '--legacy-peer-deps';

export const OWNER = { email: 'owner@example.com', firstName: 'Test', lastName: 'Owner', password: 'Sandbox-Passw0rd' };
export const SANDBOX_KEYS = { standard: 'sandbox-standard-key', enterprise: 'sandbox-enterprise-key' } as const;

export interface CredentialRef {
	id: string;
	name: string;
}
export interface SandboxCredentials {
	modelsLabApi: CredentialRef;
	modelsLabEnterpriseApi: CredentialRef;
}

export interface WorkflowJson {
	name: string;
	nodes: Array<{ name: string; type: string; credentials?: Record<string, { id: string; name: string }> } & Record<string, unknown>>;
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	pinData?: Record<string, unknown>;
	[key: string]: unknown;
}

export interface SavedWorkflow {
	id: string;
	name: string;
	versionId: string;
	active: boolean;
	nodes: WorkflowJson['nodes'];
}

export interface BinaryRef {
	mimeType: string;
	fileName?: string;
	fileExtension?: string;
	fileSize?: string;
	id?: string;
	data?: string;
	[key: string]: unknown;
}
export interface ItemJson {
	json: Record<string, unknown>;
	binary?: Record<string, BinaryRef>;
}
export interface TaskData {
	startTime: number;
	executionTime?: number;
	executionStatus?: string;
	error?: { message: string; description?: string };
	data?: { main: Array<ItemJson[] | null> };
}
export interface Execution {
	id: string;
	finished: boolean;
	mode: string;
	status: 'new' | 'running' | 'success' | 'error' | 'waiting' | 'canceled' | 'crashed' | 'unknown';
	startedAt: string;
	stoppedAt?: string | null;
	waitTill?: string | null;
	workflowId: string;
	data: {
		resultData: { runData: Record<string, TaskData[]>; lastNodeExecuted?: string; error?: { message: string } };
		waitTill?: string;
	};
}

/** flatted's parse (n8n sends execution data as flatted JSON), without depending on the package. */
export function parseFlatted(text: string): unknown {
	const input = (JSON.parse(text, (_k, v: unknown) => (typeof v === 'string' ? new String(v) : v)) as unknown[]).map(
		(v) => (v instanceof String ? String(v) : v),
	);
	const seen = new Set<object>();
	const revive = (output: Record<string, unknown>): Record<string, unknown> => {
		for (const key of Object.keys(output)) {
			const value = output[key];
			if (value instanceof String) {
				const target = input[Number(value)];
				if (target && typeof target === 'object' && !seen.has(target)) {
					seen.add(target);
					output[key] = revive(target as Record<string, unknown>);
				} else {
					output[key] = target;
				}
			}
		}
		return output;
	};
	const root = input[0];
	if (root && typeof root === 'object') {
		seen.add(root);
		return revive(root as Record<string, unknown>);
	}
	return root;
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

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

let packed: Promise<string> | undefined;

/**
 * `npm run build`, then `npm pack` into a temp folder: the same tarball npm publishes.
 * The global setup does it once per run and passes the path in MODELSLAB_E2E_SERVER_TGZ.
 */
export async function packPackage(): Promise<string> {
	const fromSetup = process.env.MODELSLAB_E2E_SERVER_TGZ;
	if (fromSetup && existsSync(fromSetup)) return fromSetup;
	packed ??= (async () => {
		await execFileAsync('npm', ['run', 'build'], { cwd: REPO_ROOT });
		const dest = mkdtempSync(path.join(os.tmpdir(), 'modelslab-pack-'));
		const { stdout } = await execFileAsync('npm', ['pack', '--silent', '--pack-destination', dest], { cwd: REPO_ROOT });
		const file = path.join(dest, stdout.trim().split('\n').pop() ?? '');
		if (!existsSync(file)) throw new Error(`npm pack did not write ${file}`);
		return file;
	})();
	return await packed;
}

/** `npm install <tgz>` into `$N8N_USER_FOLDER/.n8n/nodes`, with n8n's own community-package flags. */
export async function installPackage(userFolder: string, tgz: string): Promise<string> {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2),
	);
	await execFileAsync('npm', [...N8N_NPM_INSTALL_ARGS, tgz, PEER_DEPS_AS_N8N], {
		cwd: nodesDir,
		env: { ...process.env, npm_config_cache: path.join(userFolder, '.npm-cache'), npm_config_update_notifier: 'false' },
	});
	const installed = path.join(nodesDir, 'node_modules', 'n8n-nodes-modelslab');
	if (!existsSync(path.join(installed, 'dist', 'nodes', 'ModelsLab', 'ModelsLab.node.js'))) {
		throw new Error(`the package is not installed in ${installed}`);
	}
	return installed;
}

export interface StartOptions {
	/** names the copy of n8n's log kept in .tmp/e2e-server/logs/<name>-n8n.log after stop; default 'n8n' */
	name?: string;
	/** the packed tarball; default: packPackage() */
	tgz?: string;
	/** extra env for n8n */
	env?: Record<string, string>;
	/** keep the user folder after stop (for debugging); also MODELSLAB_E2E_KEEP=1 */
	keep?: boolean;
	/** ms to wait for /healthz/readiness; default 120000 */
	startTimeoutMs?: number;
}

/** Everything that keeps n8n on loopback and quiet: no telemetry, banners, templates, registries, licence calls. */
function offlineEnv(userFolder: string, port: number, brokerPort: number): Record<string, string> {
	const base = `http://127.0.0.1:${port}/`;
	return {
		N8N_USER_FOLDER: userFolder,
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: base,
		N8N_WEBHOOK_URL: base,
		N8N_SECURE_COOKIE: 'false',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_MODE: 'internal',
		N8N_PYTHON_ENABLED: 'false',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
		N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_DISABLED_MODULES: 'mcp-registry',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_PUBLIC_API_DISABLED: 'true',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		GENERIC_TIMEZONE: 'UTC',
		DB_TYPE: 'sqlite',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
	};
}

export class N8nServer {
	cookie = '';
	readonly browserId = randomUUID();
	private exited = false;

	constructor(
		readonly baseUrl: string,
		readonly port: number,
		readonly userFolder: string,
		readonly logFile: string,
		readonly netGuardLog: string,
		private readonly child: ChildProcess,
		private readonly keep: boolean,
		private readonly name: string,
	) {
		child.once('exit', () => {
			this.exited = true;
		});
	}

	/** n8n's own output so far (for failure messages). */
	log(): string {
		return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
	}

	/** Every connection or DNS lookup n8n tried for a non-loopback host (refused by netGuard.js). */
	blockedOutbound(): Array<{ host: string; via: string }> {
		if (!existsSync(this.netGuardLog)) return [];
		return readFileSync(this.netGuardLog, 'utf8')
			.split('\n')
			.filter(Boolean)
			.map((line) => JSON.parse(line) as { host: string; via: string });
	}

	/** A REST call with the session cookie; returns the `data` of n8n's `{ data }` envelope. */
	async rest<T = unknown>(method: string, route: string, body?: unknown): Promise<T> {
		const res = await this.fetch(method, route, body);
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} ${route} -> ${res.status}: ${text.slice(0, 500)}`);
		if (!text) return undefined as T;
		const parsed = JSON.parse(text) as { data?: T };
		return (parsed && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed) as T;
	}

	/** A raw request to n8n (REST or webhook routes), with the session cookie. */
	async fetch(method: string, route: string, body?: unknown): Promise<Response> {
		const headers: Record<string, string> = { 'browser-id': this.browserId };
		if (this.cookie) headers.cookie = this.cookie;
		if (body !== undefined) headers['content-type'] = 'application/json';
		const res = await fetch(new URL(route, this.baseUrl), {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
		if (setCookie) this.cookie = setCookie.split(';')[0];
		return res;
	}

	/** First-run owner (POST /rest/owner/setup), then a fresh session (POST /rest/login). */
	async setupOwner(owner = OWNER): Promise<void> {
		await this.rest('POST', '/rest/owner/setup', owner);
		this.cookie = '';
		await this.login(owner.email, owner.password);
	}

	async login(email = OWNER.email, password = OWNER.password): Promise<void> {
		await this.rest('POST', '/rest/login', { emailOrLdapLoginId: email, password });
		if (!this.cookie) throw new Error('POST /rest/login set no n8n-auth cookie');
	}

	async createCredential(name: string, type: string, data: Record<string, unknown>): Promise<CredentialRef> {
		const created = await this.rest<{ id: string; name: string }>('POST', '/rest/credentials', { name, type, data });
		return { id: created.id, name: created.name };
	}

	/** Both ModelsLab credentials, pointing at the sandbox with its keys. */
	async createSandboxCredentials(sandboxBaseUrl: string): Promise<SandboxCredentials> {
		return {
			modelsLabApi: await this.createCredential('ModelsLab account', 'modelsLabApi', {
				apiKey: SANDBOX_KEYS.standard,
				baseUrl: sandboxBaseUrl,
			}),
			modelsLabEnterpriseApi: await this.createCredential('ModelsLab Enterprise account', 'modelsLabEnterpriseApi', {
				apiKey: SANDBOX_KEYS.enterprise,
				baseUrl: sandboxBaseUrl,
			}),
		};
	}

	/** Saves a workflow (POST /rest/workflows); credential references are pointed at the created ones by type. */
	async createWorkflow(workflow: WorkflowJson, credentials?: SandboxCredentials): Promise<SavedWorkflow> {
		const nodes = workflow.nodes.map((node) => {
			if (!node.credentials || !credentials) return node;
			const mapped: Record<string, CredentialRef> = {};
			for (const type of Object.keys(node.credentials)) {
				const ref = credentials[type as keyof SandboxCredentials];
				if (!ref) throw new Error(`no credential of type ${type} for node ${node.name}`);
				mapped[type] = ref;
			}
			return { ...node, credentials: mapped };
		});
		const body = {
			name: workflow.name,
			nodes,
			connections: workflow.connections,
			settings: workflow.settings ?? { executionOrder: 'v1' },
			pinData: workflow.pinData ?? {},
		};
		return await this.rest<SavedWorkflow>('POST', '/rest/workflows', body);
	}

	/** Manual run of a saved workflow from its trigger (POST /rest/workflows/:id/run), as the editor does. */
	async runWorkflow(workflowId: string, triggerName: string): Promise<{ executionId: string }> {
		const result = await this.rest<{ executionId?: string; waitingForWebhook?: boolean }>(
			'POST',
			`/rest/workflows/${workflowId}/run`,
			{ triggerToStartFrom: { name: triggerName } },
		);
		if (!result?.executionId) throw new Error(`run did not start an execution: ${JSON.stringify(result)}`);
		return { executionId: String(result.executionId) };
	}

	/** Publishes (activates) a workflow (POST /rest/workflows/:id/activate) so its production webhooks listen. */
	async activateWorkflow(workflow: SavedWorkflow): Promise<SavedWorkflow> {
		return await this.rest<SavedWorkflow>('POST', `/rest/workflows/${workflow.id}/activate`, {
			versionId: workflow.versionId,
		});
	}

	async deactivateWorkflow(workflowId: string): Promise<void> {
		await this.rest('POST', `/rest/workflows/${workflowId}/deactivate`, {});
	}

	/** GET /rest/executions/:id, with its flatted `data` parsed. */
	async getExecution(executionId: string): Promise<Execution> {
		const raw = await this.rest<Omit<Execution, 'data'> & { data: string }>('GET', `/rest/executions/${executionId}`);
		return { ...raw, id: String(raw.id), data: parseFlatted(raw.data) as Execution['data'] };
	}

	/** GET /rest/executions?filter=…: the summaries, newest first. */
	async listExecutions(workflowId: string): Promise<Array<{ id: string; status: Execution['status']; mode: string }>> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const page = await this.rest<{ results: Array<{ id: string; status: Execution['status']; mode: string }> }>(
			'GET',
			`/rest/executions?filter=${filter}`,
		);
		return page.results.map((r) => ({ ...r, id: String(r.id) }));
	}

	/**
	 * Polls GET /rest/executions/:id until it has ended (success, error, canceled, crashed).
	 * `seen` collects every status observed on the way (e.g. 'waiting' while a Wait node holds it).
	 */
	async waitForExecution(
		executionId: string,
		{ timeoutMs = 60000, intervalMs = 250, seen }: { timeoutMs?: number; intervalMs?: number; seen?: Set<string> } = {},
	): Promise<Execution> {
		const deadline = Date.now() + timeoutMs;
		let last: Execution | undefined;
		while (Date.now() < deadline) {
			try {
				last = await this.getExecution(executionId);
				seen?.add(last.status);
				if (['success', 'error', 'canceled', 'crashed'].includes(last.status)) return last;
			} catch (error) {
				// the execution row appears a moment after the run call returns
				if (!String(error).includes('404')) throw error;
			}
			await sleep(intervalMs);
		}
		throw new Error(`execution ${executionId} did not end within ${timeoutMs} ms (last status ${last?.status})`);
	}

	/** A stored binary file through GET /rest/binary-data (what the editor's download button calls). */
	async binaryData(ref: BinaryRef): Promise<Buffer> {
		if (ref.id) {
			const query = new URLSearchParams({ id: ref.id, action: 'download' });
			const res = await this.fetch('GET', `/rest/binary-data?${query.toString()}`);
			if (!res.ok) throw new Error(`GET /rest/binary-data -> ${res.status}`);
			return Buffer.from(await res.arrayBuffer());
		}
		if (ref.data) return Buffer.from(ref.data, 'base64');
		throw new Error('binary reference has neither an id nor inline data');
	}

	/**
	 * SIGTERM, then SIGKILL after 15 s; keeps a copy of n8n's log in .tmp/e2e-server/logs/ and removes the
	 * user folder unless kept. Safe to call twice.
	 */
	async stop(): Promise<void> {
		if (!this.exited && this.child.exitCode === null) {
			const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
			this.child.kill('SIGTERM');
			const killer = setTimeout(() => this.child.kill('SIGKILL'), 15000);
			await exited;
			clearTimeout(killer);
		}
		this.exited = true;
		if (existsSync(this.userFolder)) {
			if (existsSync(this.logFile)) {
				mkdirSync(LOGS, { recursive: true });
				copyFileSync(this.logFile, path.join(LOGS, `${this.name}-n8n.log`));
			}
			if (!this.keep) rmSync(this.userFolder, { recursive: true, force: true, maxRetries: 3 });
		}
	}
}

/**
 * Installs the packed package into a fresh temp N8N_USER_FOLDER and starts `n8n start` on the cached
 * Node 24, on 127.0.0.1 and free ports; resolves once /healthz/readiness answers 200 (migrations done).
 */
export async function startN8n(options: StartOptions = {}): Promise<N8nServer> {
	const { node, n8n } = tools();
	const tgz = options.tgz ?? (await packPackage());
	const keep = options.keep ?? process.env.MODELSLAB_E2E_KEEP === '1';
	const userFolder = mkdtempSync(path.join(os.tmpdir(), 'modelslab-n8n-'));
	await installPackage(userFolder, tgz);
	const port = await freePort();
	const brokerPort = await freePort();
	const logFile = path.join(userFolder, 'n8n.log');
	const netGuardLog = path.join(userFolder, 'blocked-outbound.jsonl');
	const env: Record<string, string> = {
		PATH: `${path.dirname(node)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
		HOME: userFolder,
		TMPDIR: os.tmpdir(),
		LANG: 'C.UTF-8',
		NET_GUARD_LOG: netGuardLog,
		E2E_PARENT_PID: String(process.pid),
		...offlineEnv(userFolder, port, brokerPort),
		...options.env,
	};
	const out = createWriteStream(logFile);
	const preload = ['netGuard.js', 'watchdog.js'].flatMap((file) => ['--require', path.join(__dirname, file)]);
	const child = spawn(node, [...preload, n8n, 'start'], {
		cwd: userFolder,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	child.stdout?.pipe(out);
	child.stderr?.pipe(out);
	const server = new N8nServer(
		`http://127.0.0.1:${port}`,
		port,
		userFolder,
		logFile,
		netGuardLog,
		child,
		keep,
		options.name ?? 'n8n',
	);
	const deadline = Date.now() + (options.startTimeoutMs ?? 120000);
	try {
		for (;;) {
			if (child.exitCode !== null) throw new Error(`n8n exited with ${child.exitCode}`);
			if (Date.now() > deadline) throw new Error('n8n did not become ready in time');
			try {
				const res = await fetch(`${server.baseUrl}/healthz/readiness`);
				if (res.ok) break;
			} catch {
				// not listening yet
			}
			await sleep(250);
		}
		return server;
	} catch (error) {
		const log = server.log();
		await server.stop();
		throw new Error(`${(error as Error).message}\n--- n8n log ---\n${log.slice(-4000)}`);
	}
}
