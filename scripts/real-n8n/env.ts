import * as os from 'node:os';
import * as path from 'node:path';

import { PRELOADS_DIR } from './paths';
import type { N8nVersion } from './tools';
import { N8N_VERSION } from './tools';

export interface N8nEnvOptions {
	/** the n8n line (default 2.41.1): a few switches exist on one line only */
	n8n?: N8nVersion;
	node: string;
	userFolder: string;
	/** n8n's HTTP port (`n8n start`); the CLI commands listen on nothing but the task broker */
	port?: number;
	brokerPort: number;
	/** refuse every non-loopback connection (netGuard.js); off only for the demo's real-API mode */
	loopbackOnly?: boolean;
	/** n8n stops when this process is gone (watchdog.js) */
	parentPid?: number;
	extra?: Record<string, string>;
}

/** Switches only one line knows; n8n 1.123 refuses to start on an unknown module name. */
const LINE_ENV: Record<N8nVersion, Record<string, string>> = {
	// 2.x's MCP server registry module fetches a catalogue at start-up
	'2.41.1': { N8N_DISABLED_MODULES: 'mcp-registry' },
	'1.123.81': {},
};

/**
 * The environment for every n8n process: a temp user folder, the line's Node first on PATH, nothing of a
 * developer's own n8n settings, and every "phone home" switch off so it stays on 127.0.0.1.
 */
export function n8nEnv(options: N8nEnvOptions): NodeJS.ProcessEnv {
	const { node, userFolder, brokerPort, port } = options;
	const inherited: NodeJS.ProcessEnv = {};
	for (const [name, value] of Object.entries(process.env)) {
		// DB_TYPE=postgresdb, N8N_USER_FOLDER … must not leak in, nor jest's NODE_ENV=test, which makes
		// n8n behave as in its own unit tests (no database file …)
		if (/^(N8N_|DB_|EXECUTIONS_|QUEUE_|JEST_|NODE_ENV$|NODE_OPTIONS$|NODE_PATH$)/.test(name)) continue;
		inherited[name] = value;
	}
	const noProxy = [process.env.NO_PROXY, '127.0.0.1', 'localhost'].filter(Boolean).join(',');
	const base = port ? `http://127.0.0.1:${port}/` : undefined;
	return {
		...inherited,
		PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}`,
		TMPDIR: os.tmpdir(),
		NO_PROXY: noProxy,
		no_proxy: noProxy,
		NET_GUARD_LOG: path.join(userFolder, 'blocked-outbound.jsonl'),
		...(options.parentPid ? { E2E_PARENT_PID: String(options.parentPid) } : {}),
		N8N_USER_FOLDER: userFolder,
		...(port && base
			? {
					N8N_PORT: String(port),
					N8N_HOST: '127.0.0.1',
					N8N_PROTOCOL: 'http',
					N8N_EDITOR_BASE_URL: base,
					N8N_WEBHOOK_URL: base,
					N8N_SECURE_COOKIE: 'false',
				}
			: {}),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
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
		...LINE_ENV[options.n8n ?? N8N_VERSION],
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
		...options.extra,
	};
}

/** `node [preloads] n8n <args>`: netGuard.js unless `loopbackOnly: false`, watchdog.js when a parent pid is given. */
export function n8nCommand(n8n: string, args: string[], options: N8nEnvOptions): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
	const preloads = [
		...(options.loopbackOnly === false ? [] : ['netGuard.js']),
		...(options.parentPid ? ['watchdog.js'] : []),
	].flatMap((file) => ['--require', path.join(PRELOADS_DIR, file)]);
	return { command: options.node, args: [...preloads, n8n, ...args], env: n8nEnv(options) };
}
