/**
 * Webhook resume on a running n8n server (examples/03-webhook-resume.json):
 * Text2Img (wait off, webhook = $execution.resumeUrl) -> Wait "On Webhook Call" -> Fetch Result.
 * The sandbox POSTs the resume URL when the job is done; the execution, parked as "waiting" in n8n's
 * database meanwhile, resumes and ends with the image. Everything is asserted through n8n's REST API.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import type { Sandbox } from '../../sandbox/server';
import { startSandbox } from '../../sandbox/server';
import type { Execution, ModelsLabCredentials, N8nServer, WorkflowJson } from '../../scripts/real-n8n';
import { REPO_ROOT, startN8n } from '../../scripts/real-n8n';
import { packedTarball } from './helpers';

const EXAMPLE = path.join(REPO_ROOT, 'examples', '03-webhook-resume.json');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngSize(bytes: Buffer): { width: number; height: number } {
	return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function outputOf(execution: Execution, nodeName: string) {
	const runs = execution.data.resultData.runData[nodeName];
	expect(runs).toHaveLength(1);
	return runs[0].data?.main[0] ?? [];
}

describe('webhook resume on a running n8n server', () => {
	let sandbox: Sandbox;
	let n8n: N8nServer;
	let credentials: ModelsLabCredentials;
	const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as WorkflowJson;
	const trigger = example.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger')!.name;

	beforeAll(async () => {
		sandbox = await startSandbox({ processingMs: 2000 });
		n8n = await startN8n({ name: 'webhook-resume', tgz: packedTarball() });
		await n8n.setupOwner();
		credentials = await n8n.createSandboxCredentials(sandbox.baseUrl);
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	it('loads the installed package: both credential types and the ModelsLab node type', async () => {
		const types = await n8n.rest<Array<{ name: string }>>('GET', '/types/credentials.json');
		const names = types.map((t) => t.name);
		expect(names).toEqual(expect.arrayContaining(['modelsLabApi', 'modelsLabEnterpriseApi']));
		const nodes = await n8n.rest<Array<{ name: string; version: number }>>('GET', '/types/nodes.json');
		expect(nodes.map((n) => n.name)).toContain('n8n-nodes-modelslab.modelsLab');
	});

	it('examples/03: the execution waits for the sandbox webhook, resumes and ends with the PNG', async () => {
		sandbox.reset();
		const workflow = await n8n.createWorkflow(example, credentials);
		const started = Date.now();
		const { executionId } = await n8n.runWorkflow(workflow.id, trigger);

		// while the job runs the execution is parked as "waiting"; an unsigned call to its resume URL is refused
		const seen = new Set<string>();
		for (let i = 0; i < 40 && !seen.has('waiting'); i++) {
			seen.add((await n8n.getExecution(executionId).catch(() => ({ status: 'new' }))).status);
			if (!seen.has('waiting')) await new Promise((r) => setTimeout(r, 100));
		}
		expect(seen).toContain('waiting');
		const forged = await n8n.fetch('POST', `/webhook-waiting/${executionId}`, { status: 'success', id: 1 });
		await forged.text();
		expect(forged.status).toBeGreaterThanOrEqual(400);
		expect(forged.status).toBeLessThan(500);

		const execution = await n8n.waitForExecution(executionId, { timeoutMs: 60000, seen });
		const elapsed = Date.now() - started;

		expect(execution.data.resultData.error).toBeUndefined();
		expect(execution.status).toBe('success');
		expect(execution.finished).toBe(true);
		// the execution was parked while the job ran: nothing polled, nothing held a worker
		expect(seen).toContain('waiting');
		expect(elapsed).toBeGreaterThanOrEqual(1500);

		// Text2Img answered at once with the queued job
		const [queued] = outputOf(execution, 'Start generation');
		expect(queued.json).toMatchObject({ status: 'processing' });
		const jobId = Number(queued.json.id);

		// the sandbox called the signed resume URL once, and n8n accepted it
		const { webhookLog, creates } = sandbox.stats;
		expect(creates).toBe(1);
		expect(webhookLog).toHaveLength(1);
		const [call] = webhookLog;
		expect(call).toMatchObject({ jobId, status: 200, skipped: null, error: null });
		const resumeUrl = new URL(call.url);
		expect(resumeUrl.origin + resumeUrl.pathname).toBe(`${n8n.baseUrl}/webhook-waiting/${executionId}`);
		expect(resumeUrl.searchParams.get('signature')).toBeTruthy(); // n8n signs resume URLs
		expect(sandbox.job(jobId)?.webhookUrl).toBe(call.url);

		// the Wait node resumed with the webhook's body
		const [resumed] = outputOf(execution, 'Wait for ModelsLab webhook');
		expect(resumed.json.body).toMatchObject({ status: 'success', id: jobId });

		// Fetch Result ends the run with the image as a binary PNG of the asked size
		expect(execution.data.resultData.lastNodeExecuted).toBe('Fetch result');
		const items = outputOf(execution, 'Fetch result');
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({ id: String(jobId), status: 'success', imageIndex: 0 });
		const binary = items[0].binary?.data;
		expect(binary).toMatchObject({ mimeType: 'image/png', fileName: `modelslab-${jobId}-0.png` });
		const bytes = await n8n.binaryData(binary!);
		expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
		expect(pngSize(bytes)).toEqual({ width: 512, height: 512 });
		expect(bytes.equals(sandbox.jobBytes(jobId, 0))).toBe(true);

		// billed once; the only fetch is Fetch Result's, after the webhook
		expect(sandbox.stats.fetches).toBe(1);
		const fetch = sandbox.stats.requests.find((r) => r.route === 'fetch')!;
		expect(fetch.t).toBeGreaterThanOrEqual(call.t);

		// the executions list shows it too
		const list = await n8n.listExecutions(workflow.id);
		expect(list.find((e) => e.id === executionId)).toMatchObject({ status: 'success', mode: 'manual' });
	});

	it('the same pattern in production: an activated workflow started by its webhook', async () => {
		sandbox.reset();
		const path = 'modelslab-webhook-resume-e2e';
		const production: WorkflowJson = {
			...example,
			name: `${example.name} (production)`,
			nodes: example.nodes.map((node) =>
				node.name === trigger
					? {
							parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
							id: node.id,
							name: 'Webhook',
							type: 'n8n-nodes-base.webhook',
							typeVersion: 2,
							position: node.position,
							webhookId: '6f0c2b7e-0003-4a51-9d1e-0000000000bb',
						}
					: node,
			),
			connections: Object.fromEntries(
				Object.entries(example.connections).map(([from, to]) => [from === trigger ? 'Webhook' : from, to]),
			),
		};
		const workflow = await n8n.createWorkflow(production, credentials);
		await n8n.activateWorkflow(workflow);
		try {
			// n8n 2.x publishes through an outbox: the production webhook is registered a moment later
			let res = await n8n.fetch('POST', `/webhook/${path}`, { row: 1 });
			for (let tries = 0; res.status === 404 && tries < 60; tries++) {
				await res.text();
				await new Promise((r) => setTimeout(r, 250));
				res = await n8n.fetch('POST', `/webhook/${path}`, { row: 1 });
			}
			expect(res.status).toBe(200);
			await res.text();

			let executionId: string | undefined;
			const deadline = Date.now() + 15000;
			while (!executionId && Date.now() < deadline) {
				executionId = (await n8n.listExecutions(workflow.id))[0]?.id;
				if (!executionId) await new Promise((r) => setTimeout(r, 200));
			}
			expect(executionId).toBeDefined();
			const seen = new Set<string>();
			const execution = await n8n.waitForExecution(executionId!, { timeoutMs: 60000, seen });
			expect(execution.data.resultData.error).toBeUndefined();
			expect(execution).toMatchObject({ status: 'success', mode: 'webhook' });
			expect(seen).toContain('waiting');
			expect(sandbox.stats.creates).toBe(1);
			expect(sandbox.stats.webhookLog).toHaveLength(1);
			expect(sandbox.stats.webhookLog[0]).toMatchObject({ status: 200, skipped: null, error: null });
			const [item] = outputOf(execution, 'Fetch result');
			const bytes = await n8n.binaryData(item.binary!.data);
			expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
		} finally {
			await n8n.deactivateWorkflow(workflow.id);
		}
	});

	it('n8n called no address but loopback', () => {
		expect(n8n.blockedOutbound()).toEqual([]);
	});
});
