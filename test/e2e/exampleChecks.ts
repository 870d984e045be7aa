/**
 * What each example must produce, wherever it runs: on one n8n server of either line (examples.suite.ts)
 * or in queue mode on the workers (queueMode.e2e.ts). Each takes the ended execution.
 */

import { encodePng } from '../../sandbox/images/png';
import type { Sandbox } from '../../sandbox/server';
import type { Execution, ModelsLabCredentials, N8nServer, WorkflowJson } from '../../scripts/real-n8n';
import { loadExample, pngSize, withWebhookTrigger } from '../../scripts/real-n8n';

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

/** examples/07. */
export const PRODUCT_IN_SCENE = '07-product-in-scene.json';

export function loadProductInScene(): WorkflowJson {
	return loadExample(PRODUCT_IN_SCENE);
}

/** A PNG of one colour with a box of another in the middle: each row's photos differ, so each upload names its file. */
function boxPng(width: number, height: number, background: [number, number, number], box: [number, number, number]): Buffer {
	const rgb = Buffer.alloc(width * height * 3);
	for (let i = 0; i < width * height; i++) rgb.set(background, i * 3);
	for (let y = height / 4; y < (3 * height) / 4; y++) for (let x = width / 4; x < (3 * width) / 4; x++) rgb.set(box, (y * width + x) * 3);
	return encodePng(width, height, rgb);
}

export interface ProductInSceneRun {
	/** the example, its rows' links pointed at the sandbox's image host */
	workflow: WorkflowJson;
	/** per row, in the example's order: its SKU and the exact bytes of its two photos */
	rows: Array<{ sku: string; product: Buffer; scene: Buffer; productLink: string; sceneLink: string }>;
}

/**
 * examples/07 ready to run: each row's product photo and scene photo put on the sandbox's image host
 * (loopback, standing in for Google Drive), and the example's links in its Rows code replaced by
 * those, each found exactly once. Nothing else of the example changes.
 */
export function productInSceneRun(sandbox: Sandbox): ProductInSceneRun {
	const example = loadProductInScene();
	const rowsNode = example.nodes.find((node) => node.name === 'Rows')!;
	let jsCode = (rowsNode.parameters as { jsCode: string }).jsCode;
	const given = [...jsCode.matchAll(/sku: '([^']+)', productUrl: '([^']+)', sceneUrl: '([^']+)'/g)].map(([, sku, productUrl, sceneUrl]) => ({ sku, productUrl, sceneUrl }));
	expect(given.map((row) => row.sku)).toEqual(['MUG-CER-01', 'TOTE-CAN-02', 'CANDLE-SOY-03']);
	const rows = given.map(({ sku, productUrl, sceneUrl }, index) => {
		const product = boxPng(96, 64, [255, 255, 255], [200, 20 + 40 * index, 30]);
		const scene = boxPng(160, 90, [90, 120 + 30 * index, 160], [150, 110, 70]);
		const row = { sku, product, scene, productLink: sandbox.hostImage(product), sceneLink: sandbox.hostImage(scene) };
		for (const [url, link] of [
			[productUrl, row.productLink],
			[sceneUrl, row.sceneLink],
		]) {
			expect(jsCode.split(url)).toHaveLength(2);
			jsCode = jsCode.replace(url, link);
		}
		return row;
	});
	const workflow = {
		...example,
		nodes: example.nodes.map((node) => (node === rowsNode ? { ...node, parameters: { ...(node.parameters as Record<string, unknown>), jsCode } } : node)),
	};
	return { workflow, rows };
}

const dataUri = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;

/**
 * examples/07: per row, the product photo then the scene photo uploaded (their exact data URIs), then
 * one Edit Image create on /api/v7/images/image-to-image with Nano Banana Pro, the prompt, 9:16 and the
 * two uploaded links in that order; each job fetched by its ID until ready. Out: one item per row,
 * paired to it, its file `<sku>-scene.png`, byte for byte the job's 576 × 1024 PNG.
 */
export async function expectProductInScene(execution: Execution, { sandbox, n8n }: ExampleContext, { rows, workflow }: ProductInSceneRun) {
	const editNode = workflow.nodes.find((node) => node.type === 'n8n-nodes-modelslab.modelsLab')!;
	const prompt = (editNode.parameters as { prompt: string }).prompt;
	const { requests } = sandbox.stats;
	// every API request is an upload, a create or a fetch of one of the three jobs, all answered 200
	expect(requests.every((r) => r.status === 200)).toBe(true);
	const uploads = requests.filter((r) => r.route === 'upload');
	const creates = requests.filter((r) => r.route === 'v7ImageToImage');
	const fetches = requests.filter((r) => r.route === 'v7ImagesFetch');
	expect(uploads.length + creates.length + fetches.length).toBe(requests.length);
	expect(uploads).toHaveLength(2 * rows.length);
	expect(creates).toHaveLength(rows.length);
	expect(sandbox.stats.creates).toBe(rows.length);
	// uploads are exactly the six files (rows run at once, so rows may interleave)
	expect(uploads.map((u) => u.path)).toEqual(uploads.map(() => '/api/v6/image_editing/base64_to_url'));
	expect(uploads.map((u) => u.body).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
		rows
			.flatMap((row) => [row.product, row.scene])
			.map((png) => ({ key: sandbox.standardKey, init_image: dataUri(png) }))
			.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
	);
	const linkOf = (upload: (typeof uploads)[number]) => (upload.response as { status: string; output: string[] }).output[0];

	const items = outputOf(execution, 'Product in scene');
	expect(items).toHaveLength(rows.length);
	const rowItems = outputOf(execution, 'Scene photo');
	for (const [index, row] of rows.entries()) {
		// the item Edit Image read: the row's json, and both photos exactly as HTTP Request downloaded them
		expect(rowItems[index].json).toEqual({ sku: row.sku, productUrl: row.productLink, sceneUrl: row.sceneLink });
		expect(Object.keys(rowItems[index].binary ?? {}).sort()).toEqual(['product', 'scene']);
		expect((await n8n.binaryData(rowItems[index].binary!.product)).equals(row.product)).toBe(true);
		expect((await n8n.binaryData(rowItems[index].binary!.scene)).equals(row.scene)).toBe(true);

		// this row's two uploads, product first, then its one create, which sends their links in that order
		const productUpload = uploads.findIndex((u) => (u.body as { init_image: string }).init_image === dataUri(row.product));
		const sceneUpload = uploads.findIndex((u) => (u.body as { init_image: string }).init_image === dataUri(row.scene));
		expect(productUpload).toBeGreaterThanOrEqual(0);
		expect(sceneUpload).toBeGreaterThan(productUpload);
		const links = [linkOf(uploads[productUpload]), linkOf(uploads[sceneUpload])];
		for (const link of links) expect(link.startsWith(`${sandbox.cdnUrl}/uploads/`)).toBe(true);
		const create = creates.find((c) => JSON.stringify((c.body as { init_image: unknown }).init_image) === JSON.stringify(links));
		expect(create?.body).toEqual({ key: sandbox.standardKey, model_id: 'nano-banana-pro', prompt, aspect_ratio: '9:16', init_image: links });
		expect(create!.path).toBe('/api/v7/images/image-to-image');
		expect(requests.indexOf(create!)).toBeGreaterThan(requests.indexOf(uploads[sceneUpload]));

		// the row's item: the create's job, its 576 × 1024 PNG named after the SKU
		const jobId = (create!.response as { id: number }).id;
		const item = items[index];
		expect(item.pairedItem).toEqual({ item: index });
		expect(item.json).toMatchObject({ id: String(jobId), status: 'success', imageIndex: 0, width: 576, height: 1024, format: 'story' });
		expect(Object.keys(item.binary ?? {})).toEqual(['data']);
		expect(item.binary!.data).toMatchObject({ fileName: `${row.sku}-scene.png`, fileExtension: 'png', mimeType: 'image/png' });
		const bytes = await n8n.binaryData(item.binary!.data);
		expect(pngSize(bytes)).toEqual({ width: 576, height: 1024 });
		expect(bytes.equals(sandbox.jobBytes(jobId, 0))).toBe(true);
		expect(sandbox.job(jobId)).toMatchObject({ route: 'v7ImageToImage', width: 576, height: 1024, samples: 1, prompt });
	}
	// fetches ask only for these jobs, on the v7 fetch route
	const jobIds = creates.map((c) => (c.response as { id: number }).id);
	for (const fetch of fetches) expect(jobIds.map((id) => `/api/v7/images/fetch/${id}`)).toContain(fetch.path);
	// the image host served each photo once (to HTTP Request) and each job's image once (to the node)
	expect(sandbox.stats.cdnLog.map((r) => `${r.method} ${r.path}`).sort()).toEqual(
		[
			...rows.flatMap((row) => [row.productLink, row.sceneLink]),
		]
			.map((link) => `GET ${new URL(link).pathname}`)
			.concat(jobIds.map((id) => `GET /generations/${sandbox.job(id)!.uuid}-0.png`))
			.sort(),
	);
	return items;
}
