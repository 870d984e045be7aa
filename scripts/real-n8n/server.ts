/**
 * A real `n8n start` (2.41.1 on the cached Node 24 by default; `n8n: '1.123.81'` for the 1.x line) with
 * this package installed the way n8n installs community packages, bound to 127.0.0.1, driven through
 * its REST API. `launchN8n` is the shared part, also for `n8n worker` (queue.ts).
 *
 *   const tgz = buildAndPack();                         // npm run build + npm pack (once per run)
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
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { freePort } from './cli';
import { n8nCommand } from './env';
import { installLikeN8n } from './install';
import { REPO_ROOT } from './paths';
import type { GroupProcess } from './processGroup';
import { spawnGroup } from './processGroup';
import type { N8nVersion } from './tools';
import { tools } from './tools';
import type { BinaryRef, Execution, WorkflowJson } from './types';

const LOGS = path.join(REPO_ROOT, '.tmp', 'real-n8n', 'logs');

export const OWNER = { email: 'owner@example.com', firstName: 'Test', lastName: 'Owner', password: 'Sandbox-Passw0rd' };
export const SANDBOX_KEYS = { standard: 'sandbox-standard-key', enterprise: 'sandbox-enterprise-key' } as const;

export interface CredentialRef {
	id: string;
	name: string;
}
export interface ModelsLabCredentials {
	modelsLabApi: CredentialRef;
	modelsLabEnterpriseApi: CredentialRef;
}

export interface SavedWorkflow {
	id: string;
	name: string;
	versionId: string;
	active: boolean;
	nodes: WorkflowJson['nodes'];
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

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

export interface LaunchOptions {
	/** the packed tarball (buildAndPack()) */
	tgz: string;
	/** the n8n line (default 2.41.1) */
	n8n?: N8nVersion;
	/** names the copy of n8n's log kept in .tmp/real-n8n/logs/<name>-n8n.log after stop; default 'n8n' */
	name?: string;
	/** extra env for n8n */
	env?: Record<string, string>;
	/** keep the user folder after stop (for debugging); also MODELSLAB_E2E_KEEP=1 */
	keep?: boolean;
	/** ms to wait until it is ready; default 120000 */
	startTimeoutMs?: number;
	/** false only for the demo against the real API: lets n8n reach hosts other than loopback */
	loopbackOnly?: boolean;
	/** stop n8n after this long (watchdog.js); 0 = never. Default 15 minutes */
	maxLifetimeMs?: number;
}

export interface StartOptions extends LaunchOptions {
	/** fixed port instead of a free one */
	port?: number;
}

/** What launchN8n started: the user folder, the loopback guard's log, the process group. */
export interface Launched {
	userFolder: string;
	netGuardLog: string;
	proc: GroupProcess;
	keep: boolean;
	name: string;
}

/** One n8n process (`n8n start` or `n8n worker`) with its own user folder, in a process group of its own. */
export class N8nProcess {
	readonly userFolder: string;
	readonly netGuardLog: string;
	readonly name: string;
	protected readonly proc: GroupProcess;
	private readonly keep: boolean;

	constructor(launched: Launched) {
		({ userFolder: this.userFolder, netGuardLog: this.netGuardLog, name: this.name, proc: this.proc, keep: this.keep } = launched);
	}

	/** n8n's main process id (for RSS readings) */
	get pid(): number | undefined {
		return this.proc.pid;
	}

	get logFile(): string {
		return this.proc.logFile;
	}

	/** n8n's own output so far (for failure messages). */
	log(): string {
		return this.proc.log();
	}

	/** Every connection or DNS lookup n8n tried for a non-loopback host (refused by netGuard.js). */
	blockedOutbound(): Array<{ host: string; via: string }> {
		if (!existsSync(this.netGuardLog)) return [];
		return readFileSync(this.netGuardLog, 'utf8')
			.split('\n')
			.filter(Boolean)
			.map((line) => JSON.parse(line) as { host: string; via: string });
	}

	/**
	 * SIGTERM, then SIGKILL after 15 s; keeps a copy of n8n's log in .tmp/real-n8n/logs/ and removes the
	 * user folder unless kept. Safe to call twice.
	 */
	async stop(): Promise<void> {
		// n8n's task runners and anything else it started go with it, also when n8n itself already exited
		await this.proc.stop({ signal: 'SIGTERM', graceMs: 15000 });
		if (existsSync(this.userFolder)) {
			if (existsSync(this.logFile)) {
				mkdirSync(LOGS, { recursive: true });
				copyFileSync(this.logFile, path.join(LOGS, `${this.name}-n8n.log`));
			}
			if (!this.keep) rmSync(this.userFolder, { recursive: true, force: true, maxRetries: 3 });
		}
	}
}

/** The text n8n stored for each execution read (getExecution). */
const storedData = new WeakMap<Execution, string>();

export class N8nServer extends N8nProcess {
	cookie = '';
	readonly browserId = randomUUID();

	constructor(
		readonly baseUrl: string,
		readonly port: number,
		launched: Launched,
	) {
		super(launched);
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
			// a hung n8n fails the caller instead of holding it open
			signal: AbortSignal.timeout(120_000),
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
	async createSandboxCredentials(sandboxBaseUrl: string): Promise<ModelsLabCredentials> {
		return await this.createModelsLabCredentials({
			standard: { apiKey: SANDBOX_KEYS.standard, baseUrl: sandboxBaseUrl },
			enterprise: { apiKey: SANDBOX_KEYS.enterprise, baseUrl: sandboxBaseUrl },
		});
	}

	async createModelsLabCredentials(keys: {
		standard: { apiKey: string; baseUrl?: string };
		enterprise: { apiKey: string; baseUrl?: string };
	}): Promise<ModelsLabCredentials> {
		return {
			modelsLabApi: await this.createCredential('ModelsLab account', 'modelsLabApi', keys.standard),
			modelsLabEnterpriseApi: await this.createCredential('ModelsLab Enterprise account', 'modelsLabEnterpriseApi', keys.enterprise),
		};
	}

	/** Saves a workflow (POST /rest/workflows); credential references are pointed at the created ones by type. */
	async createWorkflow(workflow: WorkflowJson, credentials?: ModelsLabCredentials): Promise<SavedWorkflow> {
		const nodes = workflow.nodes.map((node) => {
			if (!node.credentials || !credentials) return node;
			const mapped: Record<string, CredentialRef> = {};
			for (const type of Object.keys(node.credentials)) {
				const ref = credentials[type as keyof ModelsLabCredentials];
				if (!ref) throw new Error(`no credential of type ${type} for node ${node.name}`);
				mapped[type] = ref;
			}
			return { ...node, credentials: mapped };
		});
		const body = {
			name: workflow.name,
			// n8n 1.x requires it; 2.x's create DTO drops it (activation is its own call)
			active: false,
			nodes,
			connections: workflow.connections,
			settings: workflow.settings ?? { executionOrder: 'v1' },
			pinData: workflow.pinData ?? {},
		};
		return await this.rest<SavedWorkflow>('POST', '/rest/workflows', body);
	}

	/** Manual run of a saved workflow from its trigger (POST /rest/workflows/:id/run), as the editor does. */
	async runWorkflow(workflowId: string, triggerName: string): Promise<{ executionId: string }> {
		// n8n 1.x runs the workflow sent along (as its editor does); 2.x reads the saved one and drops this
		const workflowData = await this.rest<Record<string, unknown>>('GET', `/rest/workflows/${workflowId}`);
		const result = await this.rest<{ executionId?: string; waitingForWebhook?: boolean }>(
			'POST',
			`/rest/workflows/${workflowId}/run`,
			{ workflowData, triggerToStartFrom: { name: triggerName } },
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

	/**
	 * POST /webhook/<path> of an activated workflow (retried while n8n 2.x still registers it through its
	 * outbox), then the id of the execution it started.
	 */
	async triggerProductionWebhook(workflowId: string, webhookPath: string, body: unknown, timeoutMs = 15000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		let res = await this.fetch('POST', `/webhook/${webhookPath}`, body);
		while (res.status === 404 && Date.now() < deadline) {
			await res.text();
			await sleep(250);
			res = await this.fetch('POST', `/webhook/${webhookPath}`, body);
		}
		const text = await res.text();
		if (res.status !== 200) throw new Error(`POST /webhook/${webhookPath} -> ${res.status}: ${text.slice(0, 300)}`);
		for (;;) {
			const [latest] = await this.listExecutions(workflowId);
			if (latest) return latest.id;
			if (Date.now() > deadline) throw new Error(`the webhook of workflow ${workflowId} started no execution`);
			await sleep(200);
		}
	}

	/** Polls until the execution has `status` (e.g. 'waiting'); `seen` collects every status on the way. */
	async waitForStatus(executionId: string, status: Execution['status'], seen = new Set<string>(), timeoutMs = 30000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (!seen.has(status)) {
			if (Date.now() > deadline) throw new Error(`execution ${executionId} never had status ${status} (saw ${[...seen].join(', ')})`);
			// the execution row appears a moment after the run call returns
			seen.add((await this.getExecution(executionId).catch(() => ({ status: 'new' }))).status);
			if (!seen.has(status)) await sleep(100);
		}
	}

	/** GET /rest/executions/:id, with its flatted `data` parsed. */
	async getExecution(executionId: string): Promise<Execution> {
		const raw = await this.rest<Omit<Execution, 'data'> & { data: string }>('GET', `/rest/executions/${executionId}`);
		const execution = { ...raw, id: String(raw.id), data: parseFlatted(raw.data) as Execution['data'] };
		// the stored text, to compare two reads by: the parsed data may be circular (an HTTP Request's response)
		storedData.set(execution, raw.data);
		return execution;
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
		let endedData: string | undefined;
		while (Date.now() < deadline) {
			try {
				last = await this.getExecution(executionId);
				seen?.add(last.status);
				// n8n 1.x can report the end a moment before the final run data is stored: take it once two
				// reads after the end agree
				if (['success', 'error', 'canceled', 'crashed'].includes(last.status) && last.data?.resultData) {
					const data = storedData.get(last);
					if (data === endedData) return last;
					endedData = data;
				}
			} catch (error) {
				// the execution row appears a moment after the run call returns; a kept-alive connection n8n
				// dropped between two polls ("fetch failed") is asked again as well
				if (!/404|fetch failed/.test(String(error))) throw error;
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
}

/**
 * Installs the packed package into a fresh temp N8N_USER_FOLDER the way n8n installs community
 * packages and spawns `n8n <args>` on the line's cached Node, bound to 127.0.0.1, with the loopback
 * guard and the watchdog preloaded. `make` wraps the process; on a failed `ready` it is stopped.
 */
export async function launchN8n<P extends N8nProcess>(
	options: LaunchOptions & { args: string[]; port?: number },
	make: (launched: Launched) => P,
	ready: (launched: P) => Promise<boolean>,
): Promise<P> {
	const { node, n8n } = tools({ n8n: options.n8n });
	const keep = options.keep ?? process.env.MODELSLAB_E2E_KEEP === '1';
	const userFolder = mkdtempSync(path.join(os.tmpdir(), 'modelslab-n8n-'));
	installLikeN8n(options.tgz, userFolder, node);
	const cmd = n8nCommand(n8n, options.args, {
		n8n: options.n8n,
		node,
		userFolder,
		port: options.port,
		brokerPort: await freePort(),
		loopbackOnly: options.loopbackOnly,
		parentPid: process.pid,
		extra: {
			HOME: userFolder,
			LANG: 'C.UTF-8',
			E2E_MAX_LIFETIME_MS: String(options.maxLifetimeMs ?? 15 * 60 * 1000),
			...options.env,
		},
	});
	const name = options.name ?? 'n8n';
	// `n8n` for the server (the demo prints it), `n8n worker` for a worker
	const proc = spawnGroup(cmd.command, cmd.args, options.args[0] === 'start' ? 'n8n' : `n8n ${options.args[0]}`, {
		cwd: userFolder,
		env: cmd.env,
		logFile: path.join(userFolder, 'n8n.log'),
	});
	const launched = make({ userFolder, netGuardLog: String(cmd.env.NET_GUARD_LOG), proc, keep, name });
	try {
		await proc.waitUntil(async () => await ready(launched), options.startTimeoutMs ?? 120000);
		return launched;
	} catch (error) {
		await launched.stop();
		throw error;
	}
}

/** GET <url> answers 2xx within 2 s (a port held by another program may accept and never answer). */
export async function answersOk(url: string): Promise<boolean> {
	const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
	await res.arrayBuffer();
	return res.ok;
}

/**
 * Installs the packed package into a fresh temp N8N_USER_FOLDER and starts `n8n start` on the cached
 * Node, on 127.0.0.1 and free ports; resolves once /healthz/readiness answers 200 (migrations done)
 * and the REST API answers (n8n 1.x reports ready before it mounts its REST routes).
 */
export async function startN8n(options: StartOptions): Promise<N8nServer> {
	const port = options.port ?? (await freePort());
	return await launchN8n(
		{ ...options, args: ['start'], port },
		(launched) => new N8nServer(`http://127.0.0.1:${port}`, port, launched),
		async (server) => (await answersOk(`${server.baseUrl}/healthz/readiness`)) && (await answersOk(`${server.baseUrl}/rest/settings`)),
	);
}
