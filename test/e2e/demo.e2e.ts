/**
 * README's main command, `npm run demo`, run as a user runs it (the compiled script, a child process):
 * the sandbox mode, the real-API mode (MODELSLAB_API_KEY, here aimed at a sandbox through
 * MODELSLAB_BASE_URL) and the keep-running mode that leaves the editor up until Ctrl+C.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import type { Sandbox } from '../../sandbox/server';
import { startSandbox } from '../../sandbox/server';
import { EXAMPLE_FILES, OWNER, REPO_ROOT, freePort, loadExample, pngSize } from '../../scripts/real-n8n';

const DEMO = path.join(REPO_ROOT, '.tmp', 'scripts-build', 'scripts', 'demo.js');
/** examples/01's rows: named by SKU, all in the story format (576 × 1024) */
const FILES = ['CANDLE-SOY-03-story.png', 'MUG-CER-01-story.png', 'TOTE-CAN-02-story.png'];

interface DemoRun {
	child: ChildProcess;
	output: () => string;
	exited: Promise<number | null>;
}

function startDemo(args: string[], env: Record<string, string> = {}): DemoRun {
	const child = spawn(process.execPath, [DEMO, ...args], {
		cwd: REPO_ROOT,
		env: { ...process.env, MODELSLAB_API_KEY: '', MODELSLAB_BASE_URL: '', ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let text = '';
	child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
	child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	return { child, output: () => text, exited };
}

/** Processes still running that the given process started for n8n (their environment names it as their parent). */
function processesStartedBy(pid: number): string[] {
	const marker = `E2E_PARENT_PID=${pid}\0`;
	return readdirSync('/proc')
		.filter((entry) => /^\d+$/.test(entry))
		.filter((entry) => {
			try {
				return readFileSync(`/proc/${entry}/environ`, 'utf8').includes(marker);
			} catch {
				return false; // gone meanwhile, or not ours to read
			}
		})
		.map((entry) => readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim());
}

function expectThreeImages(out: string) {
	expect(readdirSync(out).sort()).toEqual(FILES);
	for (const file of FILES) expect(pngSize(readFileSync(path.join(out, file)))).toEqual({ width: 576, height: 1024 });
}

describe('npm run demo', () => {
	let out: string;

	beforeAll(() => {
		execFileSync('npx', ['tsc', '-p', 'tsconfig.scripts.json'], { cwd: REPO_ROOT, stdio: 'pipe' });
	});

	beforeEach(() => {
		out = mkdtempSync(path.join(tmpdir(), 'modelslab-demo-out-'));
	});

	afterEach(() => {
		rmSync(out, { recursive: true, force: true });
	});

	it('runs examples/01 in real n8n against the sandbox and writes one PNG per row to the named folder', async () => {
		const demo = startDemo(['--out', out]);
		expect(await demo.exited).toBe(0);
		expect(demo.output()).toContain('API: the local sandbox');
		expect(demo.output()).toContain(`3 image(s) written to ${out}`);
		expectThreeImages(out);
	});

	describe('with MODELSLAB_API_KEY', () => {
		let api: Sandbox;
		const key = 'ml-demo-key-0123456789abcdef';

		beforeAll(async () => {
			api = await startSandbox({ accounts: [{ key }] });
		});

		afterAll(async () => {
			await api?.close();
		});

		it('uses that key against that API instead of a sandbox of its own, and never prints it', async () => {
			const demo = startDemo(['--out', out], { MODELSLAB_API_KEY: key, MODELSLAB_BASE_URL: api.baseUrl });
			expect(await demo.exited).toBe(0);
			expect(demo.output()).toContain(`API: ${api.baseUrl} with MODELSLAB_API_KEY; 3 images will be billed`);
			expect(demo.output()).not.toContain(key);
			expect(api.stats.creates).toBe(3);
			expect(api.stats.requests.filter((r) => r.route === 'create').map((r) => (r.body as { key: string }).key)).toEqual([
				key,
				key,
				key,
			]);
			expectThreeImages(out);
		});
	});

	it('ends at once with a clear message and nothing left running when n8n cannot start', async () => {
		// the port the user asked for is taken, so n8n exits at start-up
		const port = await freePort();
		const taken = createServer().listen(port, '127.0.0.1');
		try {
			const started = Date.now();
			const demo = startDemo(['--out', out, '--port', String(port)]);
			expect(await demo.exited).toBe(1);
			expect(Date.now() - started).toBeLessThan(30_000);
			expect(demo.output()).toMatch(/^demo failed: n8n exited with 1\n--- n8n log ---\n[\s\S]*port \d+ is already in use/m);
			expect(processesStartedBy(demo.child.pid!)).toEqual([]);
			expect(readdirSync(out)).toEqual([]);
		} finally {
			taken.close();
		}
	});

	it('--keep-running leaves n8n up with the examples, prints the editor URL and login, and stops on Ctrl+C', async () => {
		const port = await freePort();
		const demo = startDemo(['--out', out, '--keep-running', '--port', String(port)]);
		const deadline = Date.now() + 150000;
		while (!demo.output().includes('Press Ctrl+C to stop.') && Date.now() < deadline) {
			if (demo.child.exitCode !== null) throw new Error(`demo exited early:\n${demo.output()}`);
			await new Promise((r) => setTimeout(r, 250));
		}
		const printed = demo.output();
		expect(printed).toContain(`n8n is running: http://127.0.0.1:${port}/home/workflows`);
		expect(printed).toContain(`log in as ${OWNER.email} / ${OWNER.password}`);
		expectThreeImages(out);

		const editor = await fetch(`http://127.0.0.1:${port}/home/workflows`);
		expect(editor.status).toBe(200);
		expect(await editor.text()).toContain('<div id="app"');
		const login = await fetch(`http://127.0.0.1:${port}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': 'demo-test' },
			body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
		});
		expect(login.status).toBe(200);
		const cookie = login.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='))!.split(';')[0];
		const list = await fetch(`http://127.0.0.1:${port}/rest/workflows`, { headers: { cookie, 'browser-id': 'demo-test' } });
		const names = ((await list.json()) as { data: Array<{ name: string }> }).data.map((w) => w.name);
		expect(names).toHaveLength(EXAMPLE_FILES.length);
		expect(names.sort()).toEqual(EXAMPLE_FILES.map((file) => loadExample(file).name).sort());

		demo.child.kill('SIGINT');
		expect(await demo.exited).toBe(0);
		await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
	});
});
