/**
 * What each example must produce, wherever it runs: on one n8n server of either line (examples.suite.ts)
 * or in queue mode on the workers (queueMode.e2e.ts). Each takes the ended execution.
 */
import type { Sandbox } from '../../sandbox/server';
import type { Execution, ModelsLabCredentials, N8nServer, WorkflowJson } from '../../scripts/real-n8n';
import { pngSize, withWebhookTrigger } from '../../scripts/real-n8n';

export interface ExampleContext {
	sandbox: Sandbox;
	/** the server whose REST API serves the stored binaries (main, in queue mode) */
	n8n: N8nServer;
}

export function outputOf(execution: Execution, nodeName: string) {
	const runs = execution.data.resultData.runData[nodeName];
	expect(runs).toHaveLength(1);
	return runs[0].data?.main[0] ?? [];
}

export function expectSucceeded(execution: Execution): void {
	expect(execution.data.resultData.error).toBeUndefined();
	expect(execution.status).toBe('success');
}

/**
 * examples/01: three product rows in, three story images (576 × 1024) out, each paired to its row and
 * named after its SKU. Returns the items.
 */
export async function expectRowsToImages(execution: Execution, { sandbox, n8n }: ExampleContext) {
	const rows = outputOf(execution, 'Rows').map((item) => item.json);
	const items = outputOf(execution, 'ModelsLab');
	expect(items).toHaveLength(3);
	expect(sandbox.stats.creates).toBe(3);
	const creates = sandbox.stats.requests.filter((r) => r.route === 'create');
	for (const [index, item] of items.entries()) {
		const row = rows[index] as { sku: string; prompt: string };
		expect(item.pairedItem).toEqual({ item: index });
		const job = sandbox.stats.jobs.find((j) => j.prompt === row.prompt)!;
		expect(job).toMatchObject({ width: 576, height: 1024, seed: 7, samples: 1 });
		expect(creates.find((c) => (c.body as { prompt: string }).prompt === row.prompt)?.body).toEqual({
			key: expect.any(String),
			model_id: 'flux',
			prompt: row.prompt,
			width: 576,
			height: 1024,
			samples: 1,
			seed: 7,
		});
		expect(item.json).toMatchObject({ id: String(job.id), status: 'success', imageIndex: 0, width: 576, height: 1024, format: 'story' });
		expect(item.binary?.data).toMatchObject({ fileName: `${row.sku}-story.png`, fileExtension: 'png', mimeType: 'image/png' });
		const bytes = await n8n.binaryData(item.binary!.data);
		expect(pngSize(bytes)).toEqual({ width: 576, height: 1024 });
		expect(bytes.equals(sandbox.jobBytes(job.id, 0))).toBe(true);
	}
	return items;
}

/** examples/02: {id, status: processing, eta}, a Wait, then Fetch Result by that id gives the PNG; 1 create. */
export async function expectGenerateThenFetch(execution: Execution, { sandbox, n8n }: ExampleContext): Promise<void> {
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
}

/**
 * examples/03 after it ended: the sandbox called the execution's resume URL once and n8n accepted it,
 * the Wait node resumed with the webhook's body, and Fetch Result ended the run with the 512×512 PNG;
 * 1 create, the one fetch after the webhook.
 */
export async function expectResumedByWebhook(
	execution: Execution,
	executionId: string,
	{ sandbox, n8n }: ExampleContext,
	{ signedResumeUrls }: { signedResumeUrls: boolean },
): Promise<void> {
	expect(execution.finished).toBe(true);
	// Text2Img answered at once with the queued job
	const [queued] = outputOf(execution, 'Start generation');
	expect(queued.json).toMatchObject({ status: 'processing' });
	const jobId = Number(queued.json.id);

	const { webhookLog, creates } = sandbox.stats;
	expect(creates).toBe(1);
	expect(webhookLog).toHaveLength(1);
	const [call] = webhookLog;
	expect(call).toMatchObject({ jobId, status: 200, skipped: null, error: null });
	const resumeUrl = new URL(call.url);
	expect(resumeUrl.origin + resumeUrl.pathname).toBe(`${n8n.baseUrl}/webhook-waiting/${executionId}`);
	expect(resumeUrl.searchParams.has('signature')).toBe(signedResumeUrls);
	expect(sandbox.job(jobId)?.webhookUrl).toBe(call.url);

	const [resumed] = outputOf(execution, 'Wait for ModelsLab webhook');
	expect(resumed.json.body).toMatchObject({ status: 'success', id: jobId });

	expect(execution.data.resultData.lastNodeExecuted).toBe('Fetch result');
	const items = outputOf(execution, 'Fetch result');
	expect(items).toHaveLength(1);
	expect(items[0].json).toMatchObject({ id: String(jobId), status: 'success', imageIndex: 0 });
	const binary = items[0].binary?.data;
	expect(binary).toMatchObject({ mimeType: 'image/png', fileName: `modelslab-${jobId}-0.png` });
	const bytes = await n8n.binaryData(binary!);
	expect(pngSize(bytes)).toEqual({ width: 512, height: 512 });
	expect(bytes.equals(sandbox.jobBytes(jobId, 0))).toBe(true);

	// billed once; the only fetch is Fetch Result's, after the webhook
	expect(sandbox.stats.fetches).toBe(1);
	const fetch = sandbox.stats.requests.find((r) => r.route === 'fetch')!;
	expect(fetch.t).toBeGreaterThanOrEqual(call.t);
}

/**
 * The example with a Webhook trigger in place of its own, saved, activated and started by a POST to
 * its production URL; resolves with the ended execution (`seen`: every status polled on the way).
 */
export async function runInProduction(
	n8n: N8nServer,
	credentials: ModelsLabCredentials,
	example: WorkflowJson,
	path: string,
	{ seen = new Set<string>(), onWaiting }: { seen?: Set<string>; onWaiting?: (executionId: string) => void } = {},
): Promise<{ executionId: string; execution: Execution }> {
	const workflow = await n8n.createWorkflow(withWebhookTrigger(example, path), credentials);
	await n8n.activateWorkflow(workflow);
	try {
		const executionId = await n8n.triggerProductionWebhook(workflow.id, path, { from: 'e2e' });
		if (onWaiting) {
			await n8n.waitForStatus(executionId, 'waiting', seen);
			onWaiting(executionId);
		}
		const execution = await n8n.waitForExecution(executionId, { timeoutMs: 60000, seen });
		expectSucceeded(execution);
		expect(execution.mode).toBe('webhook');
		return { executionId, execution };
	} finally {
		await n8n.deactivateWorkflow(workflow.id);
	}
}
