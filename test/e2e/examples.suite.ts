/**
 * Every workflow in examples/, imported into a running n8n server (`n8n start`) and run from its
 * trigger through n8n's REST API against the sandbox, as a user would after importing it:
 *  01 rows in, one image per row; 02 generate now, fetch later; 03 webhook resume (the execution is
 *  parked as "waiting" until the sandbox calls its resume URL); 04 an AI Agent with ModelsLab as a tool
 *  (it imports and the tool node loads; the tool itself is run by n8n's Tool Executor, not by a model);
 *  07 rows of product and scene photos (HTTP Request, from the sandbox's image host on loopback), each
 *  product placed into its scene by Edit Image with Nano Banana Pro, one story image per row; 08 rows of
 *  9:16 product photos, each animated by Video → Image to Video with Seedance into an MP4 reel per row.
 * And example 03's webhook resume with a video job: Text to Video (Veo 3.1) with wait off, then Fetch
 * Result with API Video v7 once the sandbox has called the resume URL.
 */

import type { Sandbox } from '../../sandbox/server';
import { startSandbox } from '../../sandbox/server';
import type { Execution, ModelsLabCredentials, N8nServer, N8nVersion, WorkflowJson } from '../../scripts/real-n8n';
import { loadExample, startN8n, triggerOf } from '../../scripts/real-n8n';
import {
	expectGenerateThenFetch,
	expectProductInScene,
	expectProductReels,
	expectResumedByWebhook,
	expectRowsToImages,
	expectSucceeded,
	expectVideoResumedByWebhook,
	outputOf,
	productInSceneRun,
	productReelsRun,
	runInProduction,
	videoWebhookResume,
} from './exampleChecks';
import { packedTarball } from './helpers';

/**
 * Where n8n itself differs between the lines (not the node), each asserted below:
 * - 2.x signs resume URLs (`?signature=…`) and refuses unsigned calls; 1.123 neither signs nor checks
 *   (an unsigned POST to /webhook-waiting/<id> resumes the execution);
 * - the Tool Executor reads a tool's arguments from `query[toolName]` on 2.x, from `query` itself on 1.123.
 */
const N8N_DIFFERENCES: Record<N8nVersion, { signedResumeUrls: boolean; toolQuery: (tool: string, args: object) => object }> = {
	'2.41.1': { signedResumeUrls: true, toolQuery: (tool, args) => ({ [tool]: args }) },
	'1.123.81': { signedResumeUrls: false, toolQuery: (_tool, args) => args },
};

export function examplesSuite(version: N8nVersion): void {
	const differences = N8N_DIFFERENCES[version];
	describe(`the examples, on a running n8n ${version} server`, () => {
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
			expectSucceeded(execution);
			return execution;
		}

		beforeAll(async () => {
			sandbox = await startSandbox({ processingMs: 2000 });
			n8n = await startN8n({ name: `examples-${version}`, n8n: version, tgz: packedTarball() });
			await n8n.setupOwner();
			credentials = await n8n.createSandboxCredentials(sandbox.baseUrl);
		});

		beforeEach(() => {
			sandbox.reset();
		});

		it('examples/01: three rows in, three PNGs out of the asked sizes, each paired to its row', async () => {
			await expectRowsToImages(await runToEnd(loadExample('01-rows-to-images.json')), { sandbox, n8n });
		});

		it('examples/02: generate now (id, status, eta), wait, then Fetch Result by that id gives the PNG', async () => {
			await expectGenerateThenFetch(await runToEnd(loadExample('02-generate-now-fetch-later.json')), { sandbox, n8n });
		});

		it('examples/07: product and scene photos per row, uploaded in that order, one Nano Banana Pro edit per row, <sku>-scene.png out', async () => {
			const run = productInSceneRun(sandbox);
			await expectProductInScene(await runToEnd(run.workflow), { sandbox, n8n }, run);
		});

		it('examples/08: a 9:16 photo per row, uploaded, one Seedance image-to-video job per row, <sku>-reel.mp4 out', async () => {
			const run = productReelsRun(sandbox);
			await expectProductReels(await runToEnd(run.workflow, 120000), { sandbox, n8n }, run);
		});

		it('examples/04: the AI Agent workflow imports, and the ModelsLab tool node loads as a tool', async () => {
			const agentExample = loadExample('04-ai-agent-tool.json');
			const nodeTypes = await n8n.rest<Array<{ name: string; version: number | number[]; outputs: unknown; properties: Array<{ name: string }> }>>(
				'GET',
				'/types/nodes.json',
			);
			// every node of the example exists in this n8n at the example's typeVersion (the agent is at 3, which 1.123 has too)
			const versionsOf = (name: string) =>
				nodeTypes.filter((t) => t.name === name).flatMap((t) => (Array.isArray(t.version) ? t.version : [t.version]));
			for (const node of agentExample.nodes) expect([node.name, versionsOf(node.type)]).toEqual([node.name, expect.arrayContaining([node.typeVersion])]);
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
						parameters: { query: JSON.stringify(differences.toolQuery('ModelsLab', call)), toolName: '', node: '' },
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
			// the exact string the agent receives: id, imageUrl, seed, width, height, format, status per image
			expect(answer).toBe(
				JSON.stringify([
					{
						id: String(job.id),
						imageUrl: `${sandbox.cdnUrl}/generations/${job.uuid}-0.png`,
						seed: job.seed,
						width: 512,
						height: 384,
						format: 'custom',
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
						format: 'custom',
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

			// while the job runs the execution is parked as "waiting"; on 2.x an unsigned call to its resume URL is refused
			const seen = new Set<string>();
			await n8n.waitForStatus(executionId, 'waiting', seen, 4000);
			if (differences.signedResumeUrls) {
				const forged = await n8n.fetch('POST', `/webhook-waiting/${executionId}`, { status: 'success', id: 1 });
				await forged.text();
				expect(forged.status).toBeGreaterThanOrEqual(400);
				expect(forged.status).toBeLessThan(500);
			}

			const execution = await n8n.waitForExecution(executionId, { timeoutMs: 60000, seen });
			expectSucceeded(execution);
			// the execution was parked while the job ran: nothing polled, nothing held a worker
			expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
			await expectResumedByWebhook(execution, executionId, { sandbox, n8n }, differences);

			// the executions list shows it too
			const list = await n8n.listExecutions(workflow.id);
			expect(list.find((e) => e.id === executionId)).toMatchObject({ status: 'success', mode: 'manual' });
		});

		it('examples/03 in production: an activated workflow started by its webhook', async () => {
			const seen = new Set<string>();
			const { executionId, execution } = await runInProduction(n8n, credentials, example, 'modelslab-webhook-resume-e2e', { seen });
			expect(seen).toContain('waiting');
			await expectResumedByWebhook(execution, executionId, { sandbox, n8n }, differences);
		});

		// the video job runs 5 s: long enough that the execution is surely parked before the sandbox calls back
		const VIDEO_JOB_MS = 5000;

		it('examples/03 with a video job: Text to Video (Veo 3.1) waits for the sandbox webhook, resumes, and Fetch Result (API Video v7) ends it with the MP4', async () => {
			sandbox.configure({ processingMs: VIDEO_JOB_MS });
			const workflow = videoWebhookResume();
			const saved = await n8n.createWorkflow(workflow, credentials);
			const { executionId } = await n8n.runWorkflow(saved.id, triggerOf(workflow));

			// while the job runs the execution is parked as "waiting"; on 2.x an unsigned call to its resume URL is refused
			const seen = new Set<string>();
			await n8n.waitForStatus(executionId, 'waiting', seen, 30000);
			if (differences.signedResumeUrls) {
				const forged = await n8n.fetch('POST', `/webhook-waiting/${executionId}`, { status: 'success', id: 1 });
				await forged.text();
				expect(forged.status).toBeGreaterThanOrEqual(400);
				expect(forged.status).toBeLessThan(500);
			}

			const execution = await n8n.waitForExecution(executionId, { timeoutMs: 90000, seen });
			expectSucceeded(execution);
			await expectVideoResumedByWebhook(execution, executionId, { sandbox, n8n }, differences);
			const list = await n8n.listExecutions(saved.id);
			expect(list.find((e) => e.id === executionId)).toMatchObject({ status: 'success', mode: 'manual' });
		});

		it('examples/03 with a video job, in production: an activated workflow started by its webhook', async () => {
			sandbox.configure({ processingMs: VIDEO_JOB_MS });
			const seen = new Set<string>();
			const { executionId, execution } = await runInProduction(n8n, credentials, videoWebhookResume(), 'modelslab-video-resume-e2e', { seen });
			expect(seen).toContain('waiting');
			await expectVideoResumedByWebhook(execution, executionId, { sandbox, n8n }, differences);
		});

		it('n8n called no address but loopback', () => {
			expect(n8n.blockedOutbound()).toEqual([]);
		});
	});
}
