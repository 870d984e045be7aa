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

/** The json of a finished video job's item (format null: the answer does not say which ratio was sent). */
function videoItemJson(jobId: number, videoUrl: unknown, facts: { width: number; height: number; durationSeconds: number }, done: { generationTime?: unknown; meta?: unknown }) {
	return {
		id: String(jobId),
		status: 'success',
		videoUrl,
		videoIndex: 0,
		width: facts.width,
		height: facts.height,
		durationSeconds: facts.durationSeconds,
		format: null,
		generationTime: done.generationTime,
		meta: done.meta,
	};
}

/**
 * The facts an MP4 header states, read here by walking its boxes (independently of the node's own
 * reader): `mvhd`'s duration over its timescale, and the video track's `tkhd` width and height (16.16
 * fixed point). Only `moov` and what is in it are read; `mdat` is skipped by its size.
 */
export function mp4Facts(bytes: Buffer): { width: number; height: number; durationSeconds: number; brand: string } {
	type Box = { type: string; start: number; end: number };
	const boxes = (from: number, to: number): Box[] => {
		const found: Box[] = [];
		for (let at = from; at + 8 <= to; ) {
			let size = bytes.readUInt32BE(at);
			let header = 8;
			if (size === 1) {
				size = Number(bytes.readBigUInt64BE(at + 8));
				header = 16;
			} else if (size === 0) size = to - at;
			found.push({ type: bytes.toString('latin1', at + 4, at + 8), start: at + header, end: at + size });
			at += size;
		}
		return found;
	};
	const only = (within: Box[], type: string): Box => {
		const matches = within.filter((box) => box.type === type);
		expect([type, matches.length]).toEqual([type, 1]);
		return matches[0];
	};
	const top = boxes(0, bytes.length);
	const ftyp = only(top, 'ftyp');
	const moov = only(top, 'moov');
	const inMoov = boxes(moov.start, moov.end);
	const mvhd = only(inMoov, 'mvhd');
	const mvhdV1 = bytes[mvhd.start] === 1;
	const timescale = bytes.readUInt32BE(mvhd.start + (mvhdV1 ? 20 : 12));
	const duration = mvhdV1 ? Number(bytes.readBigUInt64BE(mvhd.start + 24)) : bytes.readUInt32BE(mvhd.start + 16);
	// the video track: the trak whose mdia's hdlr names "vide"
	const videoTracks = inMoov
		.filter((box) => box.type === 'trak')
		.filter((trak) => {
			const mdia = only(boxes(trak.start, trak.end), 'mdia');
			const hdlr = only(boxes(mdia.start, mdia.end), 'hdlr');
			return bytes.toString('latin1', hdlr.start + 8, hdlr.start + 12) === 'vide';
		});
	expect(videoTracks).toHaveLength(1);
	const tkhd = only(boxes(videoTracks[0].start, videoTracks[0].end), 'tkhd');
	return {
		brand: bytes.toString('latin1', ftyp.start, ftyp.start + 4),
		width: bytes.readUInt32BE(tkhd.end - 8) / 65536,
		height: bytes.readUInt32BE(tkhd.end - 4) / 65536,
		durationSeconds: duration / timescale,
	};
}

/** examples/08. */
export const PRODUCT_REELS = '08-product-reels.json';

export interface ProductReelsRun {
	/** the example, its rows' links pointed at the sandbox's image host */
	workflow: WorkflowJson;
	/** per row, in the example's order: its SKU, the exact bytes of its 9:16 photo and the photo's link */
	rows: Array<{ sku: string; photo: Buffer; photoLink: string }>;
}

/**
 * examples/08 ready to run: each row's 9:16 product photo (72 × 128, a different box colour per row)
 * put on the sandbox's image host (loopback, standing in for Google Drive), and the example's links in
 * its Rows code replaced by those, each found exactly once. Nothing else of the example changes.
 */
export function productReelsRun(sandbox: Sandbox): ProductReelsRun {
	const example = loadExample(PRODUCT_REELS);
	const rowsNode = example.nodes.find((node) => node.name === 'Rows')!;
	let jsCode = (rowsNode.parameters as { jsCode: string }).jsCode;
	const given = [...jsCode.matchAll(/sku: '([^']+)', photoUrl: '([^']+)'/g)].map(([, sku, photoUrl]) => ({ sku, photoUrl }));
	expect(given.map((row) => row.sku)).toEqual(['MUG-CER-01', 'TOTE-CAN-02', 'CANDLE-SOY-03']);
	const rows = given.map(({ sku, photoUrl }, index) => {
		const photo = boxPng(72, 128, [245, 245, 240], [40 + 70 * index, 90, 200 - 60 * index]);
		const photoLink = sandbox.hostImage(photo);
		expect(jsCode.split(photoUrl)).toHaveLength(2);
		jsCode = jsCode.replace(photoUrl, photoLink);
		return { sku, photo, photoLink };
	});
	const workflow = {
		...example,
		nodes: example.nodes.map((node) => (node === rowsNode ? { ...node, parameters: { ...(node.parameters as Record<string, unknown>), jsCode } } : node)),
	};
	return { workflow, rows };
}

type SandboxRequest = Sandbox['stats']['requests'][number];

/**
 * A video job's fetches: at least one, every one on /api/v7/video-fusion/fetch/<id> with exactly the
 * key, answered 200; all but the last `processing`, the last `success`. Gives that success answer.
 */
function expectFetchedUntilDone(fetches: SandboxRequest[], jobId: number, key: string) {
	const own = fetches.filter((fetch) => fetch.path === `/api/v7/video-fusion/fetch/${jobId}`);
	expect(own.length).toBeGreaterThanOrEqual(1);
	for (const fetch of own) expect([fetch.status, fetch.body]).toEqual([200, { key }]);
	const statuses = own.map((fetch) => (fetch.response as { status: string }).status);
	expect(statuses).toEqual([...own.slice(1).map(() => 'processing'), 'success']);
	return own.at(-1)!.response as { status: 'success'; id: number; output: string[]; generationTime: number; meta: Record<string, unknown> };
}

/**
 * examples/08: per row, its photo uploaded (the exact data URI), then one Image to Video create on
 * /api/v7/video-fusion/image-to-video with exactly {key, model_id: seedance-i2v, prompt, init_image:
 * that upload's link}; every other request a fetch of one of those jobs until it is done. Out: one item
 * per row, paired to it, only `binary.data`: the job's MP4 byte for byte, `<sku>-reel.mp4`, video/mp4,
 * and json with the video's link and the size and length its header states (Seedance takes the photo's
 * 9:16 shape: 720 × 1280, 5 s).
 */
export async function expectProductReels(execution: Execution, { sandbox, n8n }: ExampleContext, { rows, workflow }: ProductReelsRun) {
	const reelNode = workflow.nodes.find((node) => node.type === 'n8n-nodes-modelslab.modelsLab')!;
	const prompt = (reelNode.parameters as { prompt: string }).prompt;
	const key = sandbox.standardKey!;
	const { requests } = sandbox.stats;
	expect(requests.every((r) => r.status === 200)).toBe(true);
	const uploads = requests.filter((r) => r.route === 'upload');
	const creates = requests.filter((r) => r.route === 'v7ImageToVideo');
	const fetches = requests.filter((r) => r.route === 'v7VideoFetch');
	expect(uploads.length + creates.length + fetches.length).toBe(requests.length);
	expect(uploads).toHaveLength(rows.length);
	expect(creates).toHaveLength(rows.length);
	expect(sandbox.stats.creates).toBe(rows.length);
	// the uploads are exactly the three photos (rows run at once, so they may come in any order)
	expect(uploads.map((u) => u.path)).toEqual(uploads.map(() => '/api/v6/image_editing/base64_to_url'));
	const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));
	expect(uploads.map((u) => u.body).sort(byJson)).toEqual(rows.map((row) => ({ key, init_image: dataUri(row.photo) })).sort(byJson));

	const items = outputOf(execution, 'Product reel');
	expect(items).toHaveLength(rows.length);
	const rowItems = outputOf(execution, 'Product photo');
	expect(rowItems).toHaveLength(rows.length);
	const jobIds: number[] = [];
	for (const [index, row] of rows.entries()) {
		// the item Image to Video read: the row's json, and the photo exactly as HTTP Request downloaded it
		expect(rowItems[index].json).toEqual({ sku: row.sku, photoUrl: row.photoLink });
		expect(Object.keys(rowItems[index].binary ?? {})).toEqual(['data']);
		expect(rowItems[index].binary!.data).toMatchObject({ mimeType: 'image/png' });
		expect((await n8n.binaryData(rowItems[index].binary!.data)).equals(row.photo)).toBe(true);

		// this row's upload, then its one create, which sends the upload's link as Seedance's single init_image
		const upload = uploads.find((u) => (u.body as { init_image: string }).init_image === dataUri(row.photo))!;
		const link = (upload.response as { status: string; output: string[] }).output[0];
		expect((upload.response as { status: string }).status).toBe('success');
		expect(link.startsWith(`${sandbox.cdnUrl}/uploads/`)).toBe(true);
		const rowCreates = creates.filter((c) => (c.body as { init_image: unknown }).init_image === link);
		expect(rowCreates).toHaveLength(1);
		const [create] = rowCreates;
		expect(create.path).toBe('/api/v7/video-fusion/image-to-video');
		expect(create.body).toEqual({ key, model_id: 'seedance-i2v', prompt, init_image: link });
		expect(requests.indexOf(create)).toBeGreaterThan(requests.indexOf(upload));
		const created = create.response as { status: string; id: number };
		expect(created.status).toBe('processing');
		const jobId = created.id;
		jobIds.push(jobId);
		const job = sandbox.job(jobId)!;
		expect(job).toMatchObject({ route: 'v7ImageToVideo', width: 720, height: 1280, samples: 1, prompt });

		// fetched on the video route until done; every fetch after the create
		const done = expectFetchedUntilDone(fetches, jobId, key);
		const videoUrl = `${sandbox.cdnUrl}/generations/${job.uuid}-0.mp4`;
		expect(done.output).toEqual([videoUrl]);
		for (const fetch of fetches.filter((f) => f.path.endsWith(`/${jobId}`))) expect(requests.indexOf(fetch)).toBeGreaterThan(requests.indexOf(create));

		// the row's item: that job's MP4, named after the SKU
		const item = items[index];
		expect(item.pairedItem).toEqual({ item: index });
		expect(Object.keys(item.binary ?? {})).toEqual(['data']);
		expect(item.binary!.data).toMatchObject({ fileName: `${row.sku}-reel.mp4`, fileExtension: 'mp4', mimeType: 'video/mp4' });
		const bytes = await n8n.binaryData(item.binary!.data);
		expect(bytes.equals(sandbox.jobBytes(jobId, 0))).toBe(true);
		const facts = mp4Facts(bytes);
		expect(facts).toEqual({ brand: 'isom', width: 720, height: 1280, durationSeconds: 5 });
		expect(item.json).toEqual(videoItemJson(jobId, videoUrl, facts, done));
	}
	// fetches ask only for these jobs
	for (const fetch of fetches) expect(jobIds.map((id) => `/api/v7/video-fusion/fetch/${id}`)).toContain(fetch.path);
	// the image host served each photo once (to HTTP Request) and each job's MP4 once (to the node)
	expect(sandbox.stats.cdnLog.map((r) => `${r.method} ${r.path}`).sort()).toEqual(
		rows
			.map((row) => `GET ${new URL(row.photoLink).pathname}`)
			.concat(jobIds.map((id) => `GET /generations/${sandbox.job(id)!.uuid}-0.mp4`))
			.sort(),
	);
	return items;
}

/** The prompt of the video job in examples/03's copy below. */
export const VIDEO_RESUME_PROMPT = 'A paper boat drifts down a rainy street, soft morning light';

/**
 * examples/03 with a video job: Start generation switched to Video → Text to Video (Veo 3.1, 16:9, 8 s),
 * still with wait off and Options → Webhook URL `{{ $execution.resumeUrl }}` (and Generate Audio off), and Fetch Result to API
 * Video v7. The Wait node, the connections and everything else are example 03's, unchanged.
 */
export function videoWebhookResume(): WorkflowJson {
	const example = loadExample('03-webhook-resume.json');
	const start = example.nodes.find((node) => node.name === 'Start generation')!;
	const fetch = example.nodes.find((node) => node.name === 'Fetch result')!;
	// what the copy keeps of example 03: the webhook option, wait off, and Fetch Result by the started job's id
	expect(start.parameters).toMatchObject({ options: { webhook: '={{ $execution.resumeUrl }}' }, waitForCompletion: false });
	expect(fetch.parameters).toMatchObject({ operation: 'fetchResult', api: 'standard', requestId: "={{ $('Start generation').item.json.id }}", output: 'binary' });
	const parameters: Record<string, Record<string, unknown>> = {
		'Start generation': {
			resource: 'video',
			operation: 'textToVideo',
			model: 'veo-3.1',
			prompt: VIDEO_RESUME_PROMPT,
			format: '16:9',
			duration: '8',
			// and Veo's own Generate Audio, turned off: a model's own option through real n8n
			options: { ...(start.parameters as { options: object }).options, generateAudio: false },
			waitForCompletion: false,
		},
		'Fetch result': { ...(fetch.parameters as Record<string, unknown>), api: 'v7Video' },
	};
	return {
		...example,
		name: 'ModelsLab: webhook resume with a video job (Text to Video, Veo 3.1)',
		nodes: example.nodes.map((node) => (parameters[node.name] ? { ...node, parameters: parameters[node.name] } : node)),
	};
}

/**
 * examples/03 with a video job (videoWebhookResume) after it ended: exactly one create on
 * /api/v7/video-fusion/text-to-video with {key, model_id: veo-3.1, prompt, aspect_ratio: 16:9, duration:
 * 8, webhook: the resume URL, generate_audio: false}, answered `processing`; the sandbox called that resume URL once and n8n
 * accepted it; the Wait node resumed with the webhook's body; then exactly one fetch, on
 * /api/v7/video-fusion/fetch/<id> after the webhook, and Fetch Result ended the run with the job's MP4
 * (1280 × 720, 8 s).
 */
export async function expectVideoResumedByWebhook(
	execution: Execution,
	executionId: string,
	{ sandbox, n8n }: ExampleContext,
	{ signedResumeUrls }: { signedResumeUrls: boolean },
): Promise<void> {
	expect(execution.finished).toBe(true);
	const key = sandbox.standardKey!;
	const { requests, webhookLog } = sandbox.stats;
	// nothing but the create and, after the webhook, the one fetch
	expect(requests.map((r) => [r.route, r.status])).toEqual([
		['v7TextToVideo', 200],
		['v7VideoFetch', 200],
	]);
	const [create, fetch] = requests;
	const created = create.response as { status: string; id: number; eta: number; future_links: string[] };
	expect(created.status).toBe('processing');
	const jobId = created.id;
	const job = sandbox.job(jobId)!;
	const videoUrl = `${sandbox.cdnUrl}/generations/${job.uuid}-0.mp4`;
	expect(sandbox.stats.creates).toBe(1);

	expect(webhookLog).toHaveLength(1);
	const [call] = webhookLog;
	expect(call).toMatchObject({ jobId, status: 200, skipped: null, error: null });
	const resumeUrl = new URL(call.url);
	expect(resumeUrl.origin + resumeUrl.pathname).toBe(`${n8n.baseUrl}/webhook-waiting/${executionId}`);
	expect(resumeUrl.searchParams.has('signature')).toBe(signedResumeUrls);
	expect(job).toMatchObject({ route: 'v7TextToVideo', webhookUrl: call.url, width: 1280, height: 720, prompt: VIDEO_RESUME_PROMPT });

	expect(create.path).toBe('/api/v7/video-fusion/text-to-video');
	expect(create.body).toEqual({ key, model_id: 'veo-3.1', prompt: VIDEO_RESUME_PROMPT, aspect_ratio: '16:9', duration: '8', webhook: call.url, generate_audio: false });
	// Text to Video answered at once with the queued job
	const [queued] = outputOf(execution, 'Start generation');
	expect(queued.json).toEqual({ id: String(jobId), status: 'processing', eta: created.eta, futureLinks: [videoUrl] });
	expect(created.future_links).toEqual([videoUrl]);

	const [resumed] = outputOf(execution, 'Wait for ModelsLab webhook');
	expect(resumed.json.body).toMatchObject({ status: 'success', id: jobId, output: [videoUrl] });

	// the one fetch, on the video route, after the webhook call
	expect(fetch.path).toBe(`/api/v7/video-fusion/fetch/${jobId}`);
	expect(fetch.body).toEqual({ key });
	expect(fetch.t).toBeGreaterThanOrEqual(call.t);
	const done = fetch.response as { status: string; output: string[]; generationTime: number; meta: Record<string, unknown> };
	expect(done).toMatchObject({ status: 'success', output: [videoUrl] });

	expect(execution.data.resultData.lastNodeExecuted).toBe('Fetch result');
	const items = outputOf(execution, 'Fetch result');
	expect(items).toHaveLength(1);
	expect(items[0].pairedItem).toEqual({ item: 0 });
	expect(Object.keys(items[0].binary ?? {})).toEqual(['data']);
	expect(items[0].binary!.data).toMatchObject({ mimeType: 'video/mp4', fileExtension: 'mp4', fileName: `modelslab-${jobId}-0.mp4` });
	const bytes = await n8n.binaryData(items[0].binary!.data);
	expect(bytes.equals(sandbox.jobBytes(jobId, 0))).toBe(true);
	const facts = mp4Facts(bytes);
	expect(facts).toEqual({ brand: 'isom', width: 1280, height: 720, durationSeconds: 8 });
	// Fetch Result does not know the job's format: the answer does not say it
	expect(items[0].json).toEqual(videoItemJson(jobId, videoUrl, facts, done));
	// the image host served the MP4 once, to Fetch Result
	expect(sandbox.stats.cdnLog.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /generations/${job.uuid}-0.mp4`]);
}
