/**
 * The tools cache's healing (scripts/real-n8n/toolsCache.ts and the steps in tools.ts), on a stub cache:
 * the real steps and the real `npm rebuild`, with a stand-in Node 24, n8n and sqlite3 that take a
 * second instead of five minutes.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { currentRuntime } from '../../../scripts/real-n8n/platform';
import { N8N_VERSION, toolPaths, toolSteps } from '../../../scripts/real-n8n/tools';
import { ToolsCacheError, cleanNpmEnv, ensureSteps, runLogged } from '../../../scripts/real-n8n/toolsCache';

/** Running under some other major than the line's, so the stub cache's Node is the registry's, never this one. */
const stubPaths = (cache: string) => toolPaths(cache, N8N_VERSION, { ...currentRuntime(), version: '0.0.0' });

function write(file: string, text: string, mode?: number): void {
	mkdirSync(path.dirname(file), { recursive: true });
	writeFileSync(file, text);
	if (mode) chmodSync(file, mode);
}

/**
 * The cache as the old shell script left it on a machine where `npm run` had exported
 * npm_config_ignore_scripts=true: marked ready, n8n present, sqlite3 never built.
 */
function brokenStubCache(): string {
	const cache = mkdtempSync(path.join(tmpdir(), 'modelslab-tools-stub-'));
	const t = stubPaths(cache);
	// "Node 24": the Node running the test, reporting itself as 24
	write(t.node, `#!/bin/sh\n[ "$1" = "--version" ] && { echo v24.99.0; exit 0; }\nexec "${process.execPath}" "$@"\n`, 0o755);
	const n8nDir = path.join(cache, `n8n-${N8N_VERSION}`);
	write(path.join(n8nDir, '.ready'), '');
	write(path.join(n8nDir, 'package.json'), JSON.stringify({ name: 'stub', private: true, dependencies: { n8n: N8N_VERSION, sqlite3: '5.1.7' } }));
	write(path.join(n8nDir, 'node_modules', 'n8n', 'package.json'), JSON.stringify({ name: 'n8n', version: N8N_VERSION }));
	write(t.n8n, `process.stdout.write('${N8N_VERSION}\\n');\n`);
	// sqlite3 loads only once its install script (the native build) has run
	const sqlite = path.join(n8nDir, 'node_modules', 'sqlite3');
	write(
		path.join(sqlite, 'package.json'),
		JSON.stringify({ name: 'sqlite3', version: '5.1.7', scripts: { install: `node -e "require('fs').writeFileSync('built-for', process.env.npm_config_nodedir || '')"` } }),
	);
	write(path.join(sqlite, 'index.js'), `if (!require('fs').existsSync(__dirname + '/built-for')) throw new Error('sqlite3 binding not built');\n`);
	return cache;
}

describe('the tools cache heals itself (scripts/real-n8n/tools.ts, toolsCache.ts)', () => {
	let cache: string;
	const saved = { ...process.env };

	beforeEach(() => {
		cache = brokenStubCache();
		// what `npm run` / `npm test` export to every child, from a project .npmrc with ignore-scripts
		process.env.npm_config_ignore_scripts = 'true';
	});

	afterEach(() => {
		process.env = { ...saved };
		rmSync(cache, { recursive: true, force: true });
	});

	it('rebuilds sqlite3 of a cache marked ready but never built, under npm run\'s environment, then passes', () => {
		const t = stubPaths(cache);
		const lines: string[] = [];
		ensureSteps(toolSteps(t, { browser: false }), { logDir: path.join(cache, 'logs'), progress: (line) => lines.push(line) });

		const built = path.join(cache, `n8n-${N8N_VERSION}`, 'node_modules', 'sqlite3', 'built-for');
		// built by its install script, against the cached Node's own headers
		expect(readFileSync(built, 'utf8')).toBe(path.dirname(path.dirname(t.node)));
		expect(lines).toEqual([
			expect.stringMatching(/^sqlite3 for Node 24: .*sqlite3 binding not built.*; installing \(log: .*sqlite3-for-node-24\.log\)$/),
			'sqlite3 for Node 24: ready',
		]);
		expect(readFileSync(path.join(cache, 'logs', 'sqlite3-for-node-24.log'), 'utf8')).toContain('$ npm rebuild sqlite3 --ignore-scripts=false');

		// the next run checks everything again and has nothing to repair
		const again: string[] = [];
		ensureSteps(toolSteps(t, { browser: false }), { logDir: path.join(cache, 'logs'), progress: (line) => again.push(line) });
		expect(again).toEqual([]);
	});

	it('names the step whose check fails and cannot be repaired', () => {
		const t = stubPaths(cache);
		write(t.n8n, `console.error('Error: Cannot find module sqlite3'); process.exit(1);\n`);
		write(path.join(path.dirname(t.n8n), '..', '..', 'sqlite3', 'built-for'), '');
		expect(() => ensureSteps(toolSteps(t, { browser: false }), { logDir: path.join(cache, 'logs') })).toThrow(
			/^tools cache: step "n8n 2.41.1 --version" failed: node .*n8n --version exited with 1: Error: Cannot find module sqlite3$/,
		);
	});

	it('reports a failed install with the step and the log to read, and the log holds its output', () => {
		const log = path.join(cache, 'logs', 'broken-step.log');
		let error: unknown;
		try {
			ensureSteps(
				[
					{
						name: 'broken step',
						check: () => 'not there',
						install: (file) => runLogged(process.execPath, ['-e', 'console.log("disk full"); process.exit(3)'], { cwd: cache, env: process.env, log: file }),
					},
				],
				{ logDir: path.join(cache, 'logs') },
			);
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(ToolsCacheError);
		expect((error as ToolsCacheError).message).toBe(
			`tools cache: step "broken step" failed: ${process.execPath} -e console.log("disk full"); process.exit(3) exited with 3\n  log: ${log}`,
		);
		expect(readFileSync(log, 'utf8')).toContain('disk full');
	});

	it('fails a step whose install succeeds but whose check still fails, and stops there', () => {
		let laterChecked = false;
		expect(() =>
			ensureSteps(
				[
					{ name: 'first', check: () => 'missing', install: () => undefined },
					{ name: 'second', check: () => ((laterChecked = true), undefined) },
				],
				{ logDir: path.join(cache, 'logs') },
			),
		).toThrow(/^tools cache: step "first" failed: installed, but its check still fails: missing\n {2}log: .*first\.log$/);
		expect(laterChecked).toBe(false);
	});

	it('gives npm and node-gyp none of the npm settings its caller exported', () => {
		const env = cleanNpmEnv({ PATH: '/bin', HOME: '/root', npm_config_ignore_scripts: 'true', npm_lifecycle_event: 'demo', NPM_CONFIG_NODEDIR: '/usr', INIT_CWD: '/x' });
		expect(env).toEqual({ PATH: '/bin', HOME: '/root' });
		expect(existsSync(cache)).toBe(true);
	});
});
