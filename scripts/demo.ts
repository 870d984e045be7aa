/**
 * `npm run demo`: the main job, end to end, in real n8n 2.41.1.
 * Starts n8n with this package installed the way n8n installs community packages, the sandbox (or, with
 * MODELSLAB_API_KEY set, the real ModelsLab API), creates the credentials, runs
 * examples/01-rows-to-images.json (a story image per product row, named by its SKU) and writes the images to a folder.
 *
 *   npm run demo                         # sandbox; images in ./demo-output
 *   npm run demo -- --out /tmp/images    # another folder
 *   npm run demo -- --keep-running       # then keep n8n running with all examples: prints the editor URL and login
 *   MODELSLAB_API_KEY=... npm run demo   # the real API (bills 3 images); MODELSLAB_ENTERPRISE_API_KEY for Enterprise,
 *                                        # MODELSLAB_BASE_URL for a proxy or another ModelsLab-compatible server
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

import type { Sandbox } from '../sandbox/server';
import { startSandbox } from '../sandbox/server';
import type { Execution, ModelsLabCredentials, N8nServer } from './real-n8n';
import { EXAMPLE_FILES, OWNER, REPO_ROOT, buildAndPack, loadExample, nodeOutput, startN8n, tools, triggerOf } from './real-n8n';

const MAIN_EXAMPLE = EXAMPLE_FILES[0];

interface Options {
	out: string;
	keepRunning: boolean;
	port?: number;
}

function parseArgs(argv: string[]): Options {
	const options: Options = { out: path.join(REPO_ROOT, 'demo-output'), keepRunning: false };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--keep-running') options.keepRunning = true;
		else if (arg === '--out') options.out = path.resolve(argv[++i] ?? '');
		else if (arg === '--port') options.port = Number(argv[++i]);
		else {
			throw new Error(`unknown argument ${arg}\nusage: npm run demo -- [--out DIR] [--keep-running] [--port N]`);
		}
	}
	if (options.port !== undefined && !(Number.isInteger(options.port) && options.port > 0 && options.port < 65536)) {
		throw new Error('--port must be a TCP port number');
	}
	return options;
}

const say = (line: string) => process.stdout.write(`${line}\n`);

async function createCredentials(n8n: N8nServer, sandbox: Sandbox | undefined): Promise<ModelsLabCredentials> {
	if (sandbox) return await n8n.createSandboxCredentials(sandbox.baseUrl);
	const standard = process.env.MODELSLAB_API_KEY ?? '';
	// unset: the credential's default, https://modelslab.com
	const baseUrl = process.env.MODELSLAB_BASE_URL ? { baseUrl: process.env.MODELSLAB_BASE_URL } : {};
	return await n8n.createModelsLabCredentials({
		standard: { apiKey: standard, ...baseUrl },
		enterprise: { apiKey: process.env.MODELSLAB_ENTERPRISE_API_KEY || standard, ...baseUrl },
	});
}

/** Writes every binary image the ModelsLab node returned under the file name the node gave it (examples/01: the row's SKU). */
async function saveImages(n8n: N8nServer, execution: Execution, out: string): Promise<string[]> {
	mkdirSync(out, { recursive: true });
	const rows = nodeOutput(execution, 'Rows').map((item) => item.json as { sku?: string });
	const written: string[] = [];
	for (const [index, item] of nodeOutput(execution, 'ModelsLab').entries()) {
		const row = rows[(item.pairedItem as { item: number } | undefined)?.item ?? index]?.sku ?? `row ${index + 1}`;
		if (item.json.error) {
			say(`  ${row}: failed: ${String(item.json.error)}`);
			continue;
		}
		const binary = item.binary?.data;
		if (!binary) continue;
		const file = path.join(out, path.basename(binary.fileName ?? `image-${index}.png`));
		writeFileSync(file, await n8n.binaryData(binary));
		written.push(file);
		say(`  ${row}: ${path.relative(process.cwd(), file) || file} (${String(item.json.width)} × ${String(item.json.height)}, ${String(item.json.format)})`);
	}
	return written;
}

async function main(): Promise<void> {
	const options = parseArgs(process.argv.slice(2));
	const realApi = Boolean(process.env.MODELSLAB_API_KEY);
	say('ModelsLab demo: real n8n 2.41.1 with this package installed as a community package');
	say(
		realApi
			? `  API: ${process.env.MODELSLAB_BASE_URL || 'https://modelslab.com'} with MODELSLAB_API_KEY; 3 images will be billed`
			: '  API: the local sandbox (no key, no credits)',
	);

	// everything started is stopped on every way out, newest first, so a failure never leaves n8n or
	// the sandbox's listeners behind
	const started: Array<() => Promise<void>> = [];
	try {
		tools();
		const tgz = buildAndPack();
		started.push(async () => rmSync(path.dirname(tgz), { recursive: true, force: true }));
		const sandbox = realApi ? undefined : await startSandbox({ processingMs: 1500 });
		if (sandbox) started.push(async () => await sandbox.close());
		const n8n = await startN8n({
			tgz,
			name: 'demo',
			port: options.port ?? (options.keepRunning ? 5678 : undefined),
			// the sandbox run may reach nothing but 127.0.0.1; the real API needs modelslab.com and its CDN
			loopbackOnly: !realApi,
			maxLifetimeMs: options.keepRunning ? 0 : undefined,
		});
		started.push(async () => await n8n.stop());
		await n8n.setupOwner();
		const credentials = await createCredentials(n8n, sandbox);
		const example = loadExample(MAIN_EXAMPLE);
		const workflow = await n8n.createWorkflow(example, credentials);
		say(`  running examples/${MAIN_EXAMPLE} ("${example.name}")`);
		const { executionId } = await n8n.runWorkflow(workflow.id, triggerOf(example));
		const execution = await n8n.waitForExecution(executionId, { timeoutMs: 10 * 60 * 1000 });
		if (execution.status !== 'success') {
			throw new Error(`the run ended with status ${execution.status}: ${execution.data.resultData.error?.message ?? ''}`);
		}
		const written = await saveImages(n8n, execution, options.out);
		say(`${written.length} image(s) written to ${options.out}`);

		if (!options.keepRunning) return;
		for (const file of EXAMPLE_FILES.slice(1)) await n8n.createWorkflow(loadExample(file), credentials);
		say('');
		say(`n8n is running: ${n8n.baseUrl}/home/workflows`);
		say(`  log in as ${OWNER.email} / ${OWNER.password}`);
		say(`  the workflows are examples/${EXAMPLE_FILES[0].slice(0, 2)}-${EXAMPLE_FILES[EXAMPLE_FILES.length - 1].slice(0, 2)}; credentials "ModelsLab account" and "ModelsLab Enterprise account" are set up`);
		if (sandbox) say(`  sandbox API: ${sandbox.baseUrl} (keys sandbox-standard-key, sandbox-enterprise-key)`);
		say('Press Ctrl+C to stop.');
		await new Promise<void>((resolve) => {
			process.once('SIGINT', resolve);
			process.once('SIGTERM', resolve);
		});
		say('stopping n8n');
	} finally {
		for (const stop of started.reverse()) await stop().catch(() => undefined);
	}
}

main().then(
	// exit at once: a keep-alive socket or timer must not hold the command open after everything stopped
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
		process.exit(1);
	},
);
