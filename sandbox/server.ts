// ModelsLab-compatible sandbox: an API origin plus a separate image host ("CDN"), both on 127.0.0.1.
// Behaviour follows the vendor reference (key in the JSON body, HTTP 200 for most errors, the
// `messege` spelling, the processing -> fetch flow, a per-account queue limit).
// Each API family is one module exporting its routes (routes/, jobs/fetch.ts); ROUTES below lists them.
import { buildAccounts, checkConfig, DEFAULT_ACCOUNTS, DEFAULT_CONFIG } from './core/config';
import type { SandboxContext } from './core/context';
import { newStats, resetStats } from './core/counters';
import { checkFault } from './core/faults';
import { closeServer, createServer, HOST, listen } from './core/http';
import { mulberry32 } from './core/random';
import { apiHandler, faultRules, routeRegistry } from './core/router';
import type { Sandbox, SandboxConfig, SandboxOptions } from './core/types';
import { handleCdn, hostFile, imageBytes } from './images/imageHost';
import { fetchRoutes } from './jobs/fetch';
import { clearJobs } from './jobs/store';
import { accountRoutes } from './routes/account';
import { imageEditingRoutes } from './routes/imageEditing';
import { img2imgRoutes } from './routes/img2img';
import { text2imgRoutes } from './routes/text2img';
import { uploadRoutes } from './routes/uploads';
import { v7ImageRoutes } from './routes/v7/images';
import { v7ModelRoutes } from './routes/v7/models';
import { v7VideoRoutes } from './routes/v7/video';

export { DEFAULT_ENTERPRISE_KEY, DEFAULT_MODELS, DEFAULT_STANDARD_KEY } from './core/config';
export type { ApiRouteName } from './core/routeNames';
export type * from './core/types';

const ROUTES = routeRegistry([
	...text2imgRoutes,
	...fetchRoutes,
	...accountRoutes,
	...img2imgRoutes,
	...imageEditingRoutes,
	...uploadRoutes,
	...v7ImageRoutes,
	...v7ModelRoutes,
	...v7VideoRoutes,
]);

const FAULT_RULES = faultRules(ROUTES);

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const { port = 0, cdnPort = 0, firstJobId = 13441520, accounts: accountList, ...configOptions } = options;
	const initialAccountList = accountList ?? DEFAULT_ACCOUNTS;
	const initialConfig: SandboxConfig = { ...DEFAULT_CONFIG, ...checkConfig(configOptions) };

	const ctx: SandboxContext = {
		config: { ...initialConfig },
		accounts: buildAccounts(initialAccountList),
		rand: mulberry32(initialConfig.rngSeed),
		nextId: firstJobId,
		faults: [],
		closed: false,
		baseUrl: '',
		cdnUrl: '',
		stats: newStats(),
		jobs: new Map(),
		jobsByUuid: new Map(),
		activeJobs: new Map(),
		uploads: new Map(),
		nextUploadId: 7100001,
		jobTimers: new Set(),
		sleepTimers: new Set(),
		pendingWebhooks: new Set(),
	};

	const apiServer = createServer(apiHandler(ctx, ROUTES));
	const cdnServer = createServer((req, res) => handleCdn(ctx, req, res));
	try {
		ctx.baseUrl = `http://${HOST}:${await listen(apiServer, port)}`;
		ctx.cdnUrl = `http://${HOST}:${await listen(cdnServer, cdnPort)}`;
	} catch (e) {
		apiServer.close();
		cdnServer.close();
		throw e;
	}

	const firstKeyOf = (kind: string) => [...ctx.accounts.values()].find((a) => a.kind === kind)?.key;

	const sandbox: Sandbox = {
		get baseUrl() {
			return ctx.baseUrl;
		},
		get cdnUrl() {
			return ctx.cdnUrl;
		},
		get stats() {
			return ctx.stats;
		},
		get config() {
			return { ...ctx.config };
		},
		get faults() {
			return ctx.faults.map((f) => ({ ...f }));
		},
		get standardKey() {
			return firstKeyOf('standard');
		},
		get enterpriseKey() {
			return firstKeyOf('enterprise');
		},
		counters() {
			return structuredClone(ctx.stats);
		},
		configure(partial) {
			const checked = checkConfig(partial ?? {});
			if (partial && partial.accounts) ctx.accounts = buildAccounts(partial.accounts);
			Object.assign(ctx.config, checked);
			if ('rngSeed' in checked) ctx.rand = mulberry32(ctx.config.rngSeed);
			return sandbox;
		},
		account(key) {
			return ctx.accounts.get(key);
		},
		injectFault(fault) {
			ctx.faults.push(checkFault(fault, FAULT_RULES));
			return sandbox;
		},
		clearFaults() {
			ctx.faults = [];
			return sandbox;
		},
		job(id) {
			return ctx.jobs.get(Number(id))?.record;
		},
		hostImage(bytes, contentType = 'image/png') {
			return hostFile(ctx, bytes, contentType);
		},
		jobBytes(id, index = 0) {
			const job = ctx.jobs.get(Number(id));
			if (!job) throw new Error(`no such job: ${id}`);
			if (!Number.isInteger(index) || index < 0 || index >= job.samples) throw new RangeError(`job ${id} has no image ${index}`);
			return Buffer.from(imageBytes(job, index));
		},
		reset() {
			clearJobs(ctx);
			ctx.faults = [];
			ctx.config = { ...initialConfig };
			ctx.rand = mulberry32(ctx.config.rngSeed);
			ctx.accounts = buildAccounts(initialAccountList);
			resetStats(ctx.stats);
			return sandbox;
		},
		async close() {
			if (ctx.closed) return;
			ctx.closed = true;
			clearJobs(ctx);
			for (const t of ctx.sleepTimers) clearTimeout(t);
			ctx.sleepTimers.clear();
			for (const r of ctx.pendingWebhooks) r.destroy();
			ctx.pendingWebhooks.clear();
			await Promise.all([closeServer(apiServer), closeServer(cdnServer)]);
		},
	};
	return sandbox;
}
