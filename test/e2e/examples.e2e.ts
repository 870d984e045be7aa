/**
 * Every workflow in examples/, imported into a running n8n server (`n8n start`) and run from its
 * trigger through n8n's REST API against the sandbox, as a user would after importing it:
 *  01 rows in, one image per row; 02 generate now, fetch later; 03 webhook resume (the execution is
 *  parked as "waiting" until the sandbox calls its resume URL); 04 an AI Agent with ModelsLab as a tool
 *  (it imports and the tool node loads; the tool itself is run by n8n's Tool Executor, not by a model).
 */

import type { Sandbox } from '../../sandbox/server';
import { startSandbox } from '../../sandbox/server';
import type { Execution, ModelsLabCredentials, N8nServer, WorkflowJson } from '../../scripts/real-n8n';
import { loadExample, pngSize, startN8n, triggerOf } from '../../scripts/real-n8n';
import { packedTarball } from './helpers';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function outputOf(execution: Execution, nodeName: string) {
	const runs = execution.data.resultData.runData[nodeName];
	expect(runs).toHaveLength(1);
	return runs[0].data?.main[0] ?? [];
}

describe('the examples, on a running n8n server', () => {
	let sandbox: Sandbox;
	let n8n: N8nServer;
	let credentials: ModelsLabCredentials;
	const example = loadExample('03-webhook-resume.json');
	const trigger = triggerOf(example);

	/** Saves the workflow, runs it from its trigger and waits until it ends. */
	async function runToEnd(workflow: WorkflowJson, timeoutMs = 60000): Promise<Execution> {
		const saved = await n8n.createWorkflow(workflow, credentials);
		const { executionId } = await n8n.runWorkflow(saved.id, triggerOf(workflow));
		const execution = await n8n.waitForExecution(executionId, { timeoutMs });
		expect(execution.data.resultData.error).toBeUndefined();
		expect(execution.status).toBe('success');
		return execution;
	}

	beforeAll(async () => {
		sandbox = await startSandbox({ processingMs: 2000 });
		n8n = await startN8n({ name: 'examples', tgz: packedTarball() });
		await n8n.setupOwner();
		credentials = await n8n.createSandboxCredentials(sandbox.baseUrl);
	});

	beforeEach(() => {
		sandbox.reset();
	});

	it('examples/01: three rows in, three PNGs out of the asked sizes, each paired to its row', async () => {
		const execution = await runToEnd(loadExample('01-rows-to-images.json'));
		const rows = outputOf(execution, 'Rows').map((item) => item.json);
		const items = outputOf(execution, 'ModelsLab');
		expect(items).toHaveLength(3);
		expect(sandbox.stats.creates).toBe(3);
		const creates = sandbox.stats.requests.filter((r) => r.route === 'create');
		for (const [index, item] of items.entries()) {
			const row = rows[index] as { prompt: string; width: number; height: number };
			expect(item.pairedItem).toEqual({ item: index });
			const job = sandbox.stats.jobs.find((j) => j.prompt === row.prompt)!;
			expect(job).toMatchObject({ width: row.width, height: row.height, seed: 7, samples: 1 });
			expect(creates.find((c) => (c.body as { prompt: string }).prompt === row.prompt)?.body).toMatchObject({
				model_id: 'flux',
				prompt: row.prompt,
				width: row.width,
				height: row.height,
				samples: 1,
				seed: 7,
			});
			expect(item.json).toMatchObject({ id: String(job.id), status: 'success', imageIndex: 0 });
			const bytes = await n8n.binaryData(item.binary!.data);
			expect(pngSize(bytes)).toEqual({ width: row.width, height: row.height });
			expect(bytes.equals(sandbox.jobBytes(job.id, 0))).toBe(true);
		}
	});

	it('examples/02: generate now (id, status, eta), wait, then Fetch Result by that id gives the PNG', async () => {
		const execution = await runToEnd(loadExample('02-generate-now-fetch-later.json'));
		const [queued] = outputOf(execution, 'Start generation');
		expect(queued.json).toMatchObject({ status: 'processing', eta: expect.any(Number) });
		expect(queued.binary).toBeUndefined();
		const jobId = Number(queued.json.id);
		const [done] = outputOf(execution, 'Fetch result');
		expect(done.json).toMatchObject({ id: String(jobId), status: 'success', imageIndex: 0 });
		const bytes = await n8n.binaryData(done.binary!.data);
		expect(bytes.equals(sandbox.jobBytes(jobId, 0))).toBe(true);
		// billed once: the later step only fetched
		expect(sandbox.stats.creates).toBe(1);
		expect(sandbox.stats.requests.filter((r) => r.route === 'fetch').every((r) => r.path.endsWith(`/${jobId}`))).toBe(true);
	});

	it('examples/04: the AI Agent workflow imports, and the ModelsLab tool node loads as a tool', async () => {
		const agentExample = loadExample('04-ai-agent-tool.json');
		const nodeTypes = await n8n.rest<Array<{ name: string; outputs: unknown; properties: Array<{ name: string }> }>>(
			'GET',
			'/types/nodes.json',
		);
		const tool = nodeTypes.find((t) => t.name === 'n8n-nodes-modelslab.modelsLabTool');
		expect(tool).toBeDefined();
		expect(tool!.outputs).toEqual(['ai_tool']);
		expect(tool!.properties.map((p) => p.name)).toEqual(
			expect.arrayContaining(['toolDescription', 'prompt', 'width', 'height', 'output', 'includeMetadata', 'requestOptions']),
		);
		const saved = await n8n.createWorkflow(agentExample, credentials);
		const stored = await n8n.rest<{ nodes: Array<{ name: string; type: string; credentials?: unknown }> }>(
			'GET',
			`/rest/workflows/${saved.id}`,
		);
		expect(stored.nodes.find((n) => n.name === 'ModelsLab')).toMatchObject({
			type: 'n8n-nodes-modelslab.modelsLabTool',
			credentials: { modelsLabApi: credentials.modelsLabApi },
		});
	});

	/** examples/04's tool node, with `change` applied to its parameters, run by n8n's Tool Executor as an agent would call it. */
	async function runTool(call: Record<string, unknown>, change: (parameters: Record<string, unknown>) => void = () => {}) {
		const toolNode = structuredClone(loadExample('04-ai-agent-tool.json').nodes.find((n) => n.name === 'ModelsLab')!);
		change(toolNode.parameters as Record<string, unknown>);
		const execution = await runToEnd({
			name: 'examples/04 tool, run by the Tool Executor',
			nodes: [
				{ parameters: {}, id: 'b0000000-0004-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
				{
					parameters: { query: JSON.stringify({ ModelsLab: call }), toolName: '', node: '' },
					id: 'b0000000-0004-4000-8000-000000000002',
					name: 'Tool Executor',
					type: '@n8n/n8n-nodes-langchain.toolExecutor',
					typeVersion: 1,
					position: [220, 0],
				},
				toolNode,
			],
			connections: {
				Start: { main: [[{ node: 'Tool Executor', type: 'main', index: 0 }]] },
				ModelsLab: { ai_tool: [[{ node: 'Tool Executor', type: 'ai_tool', index: 0 }]] },
			},
		});
		const [toolResult] = outputOf(execution, 'Tool Executor');
		expect(toolResult.pairedItem).toEqual({ item: 0 });
		return toolResult.json as unknown as string;
	}

	it("examples/04's tool, called the way an agent calls it ($fromAI values), answers the agent compactly: no meta", async () => {
		sandbox.configure({ processingMs: 0 });
		const call = { prompt: 'A flat illustration of a paper plane', width: 512, height: 384 };
		const answer = await runTool(call);
		expect(sandbox.stats.creates).toBe(1);
		const [create] = sandbox.stats.requests.filter((r) => r.route === 'create');
		expect(create.body).toMatchObject({ model_id: 'flux', ...call, samples: 1 });
		const [job] = sandbox.stats.jobs;
		// the exact string the agent receives: id, imageUrl, seed, width, height, status per image
		expect(answer).toBe(
			JSON.stringify([
				{
					id: String(job.id),
					imageUrl: `${sandbox.cdnUrl}/generations/${job.uuid}-0.png`,
					seed: job.seed,
					width: 512,
					height: 384,
					status: 'success',
				},
			]),
		);
		// URL mode: the tool downloads nothing
		expect(sandbox.stats.cdnRequests).toBe(0);
	});

	it('as a tool, Output defaults to Image URLs (nothing downloaded), and Include Metadata adds meta back', async () => {
		sandbox.configure({ processingMs: 0 });
		const call = { prompt: 'A watercolour fox', width: 256, height: 256 };
		const answer = await runTool(call, (parameters) => {
			// not saved: n8n keeps no value equal to its default, and the tool's default is Image URLs
			delete parameters.output;
			parameters.includeMetadata = true;
		});
		const [job] = sandbox.stats.jobs;
		const [create] = sandbox.stats.requests.filter((r) => r.route === 'create');
		const meta = (create.response as { meta: Record<string, unknown> }).meta;
		expect(answer).toBe(
			JSON.stringify([
				{
					id: String(job.id),
					imageUrl: `${sandbox.cdnUrl}/generations/${job.uuid}-0.png`,
					seed: job.seed,
					width: 256,
					height: 256,
					status: 'success',
					meta,
				},
			]),
		);
		expect(meta).toMatchObject({ prompt: call.prompt, model_id: 'flux', width: 256, height: 256 });
		expect(sandbox.stats.cdnRequests).toBe(0);
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

	it('examples/03 in production: an activated workflow started by its webhook', async () => {
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
