/**
 * examples/05 and 06 on a running n8n server, against the sandbox: binary in (HTTP Request reads the
 * photo from the sandbox's image host, standing in for Google Drive), editing operations, binary out.
 * 05 runs with N8N_DEFAULT_BINARY_DATA_MODE=filesystem and =database; exact sizes and bytes.
 */
import type { Sandbox } from '../../sandbox/server';
import { startSandbox } from '../../sandbox/server';
import { encodePng } from '../../sandbox/images/png';
import type { Execution, ModelsLabCredentials, N8nServer, WorkflowJson } from '../../scripts/real-n8n';
import { loadExample, pngSize, startN8n, triggerOf } from '../../scripts/real-n8n';
import { packedTarball } from './helpers';

/** A product shot: white with a red box in the middle. */
function productPng(width: number, height: number): Buffer {
	const rgb = Buffer.alloc(width * height * 3, 255);
	for (let y = height / 4; y < (3 * height) / 4; y++) for (let x = width / 4; x < (3 * width) / 4; x++) rgb.set([200, 20, 30], (y * width + x) * 3);
	return encodePng(width, height, rgb);
}

function maskPng(width: number, height: number): Buffer {
	const rgb = Buffer.alloc(width * height * 3);
	for (let y = 0; y < height / 2; y++) rgb.fill(255, y * width * 3, (y + 1) * width * 3);
	return encodePng(width, height, rgb);
}

function outputOf(execution: Execution, nodeName: string) {
	const runs = execution.data.resultData.runData[nodeName];
	expect(runs).toHaveLength(1);
	return runs[0].data?.main[0] ?? [];
}

/** The example with its HTTP Request nodes pointed at the sandbox's image host. */
function withUrls(workflow: WorkflowJson, urls: Record<string, string>): WorkflowJson {
	return {
		...workflow,
		nodes: workflow.nodes.map((node) => (urls[node.name] ? { ...node, parameters: { ...(node.parameters as Record<string, unknown>), url: urls[node.name] } } : node)),
	};
}

describe.each(['filesystem', 'database'] as const)('examples/05 and 06 on a running n8n (binary data mode %s)', (mode) => {
	let sandbox: Sandbox;
	let n8n: N8nServer;
	let credentials: ModelsLabCredentials;

	beforeAll(async () => {
		sandbox = await startSandbox({ processingMs: 1000 });
		n8n = await startN8n({ name: `examples-editing-${mode}`, tgz: packedTarball(), env: { N8N_DEFAULT_BINARY_DATA_MODE: mode } });
		await n8n.setupOwner();
		credentials = await n8n.createSandboxCredentials(sandbox.baseUrl);
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	beforeEach(() => sandbox.reset());

	async function runToEnd(workflow: WorkflowJson): Promise<Execution> {
		const saved = await n8n.createWorkflow(workflow, credentials);
		const { executionId } = await n8n.runWorkflow(saved.id, triggerOf(workflow));
		const execution = await n8n.waitForExecution(executionId, { timeoutMs: 60000 });
		expect(execution.data.resultData.error).toBeUndefined();
		expect(execution.status).toBe('success');
		return execution;
	}

	it('examples/05: product photo in, background removed, upscaled x2, the exact PNG out', async () => {
		const photo = productPng(96, 64);
		const link = sandbox.hostImage(photo);
		const execution = await runToEnd(withUrls(loadExample('05-product-photo-cutout.json'), { 'Product photo': link }));

		const [cutoutJob, upscaleJob] = sandbox.stats.jobs;
		expect([cutoutJob.route, upscaleJob.route]).toEqual(['removeBackground', 'upscale']);
		const requests = sandbox.stats.requests.map((r) => r.route);
		expect(requests.filter((r) => r === 'removeBackground' || r === 'upscale' || r === 'upload')).toEqual(['removeBackground', 'upload', 'upscale']);
		// Remove Background got the photo inline, exactly as HTTP Request read it
		const removeBg = sandbox.stats.requests.find((r) => r.route === 'removeBackground')!.body as { image: string };
		expect(removeBg.image).toBe(`data:image/png;base64,${photo.toString('base64')}`);

		const [cutout] = outputOf(execution, 'Remove Background');
		const cutoutBytes = await n8n.binaryData(cutout.binary!.data);
		expect(cutoutBytes.equals(sandbox.jobBytes(cutoutJob.id))).toBe(true);
		expect(pngSize(cutoutBytes)).toEqual({ width: 96, height: 64 });
		expect(cutoutBytes[25]).toBe(6); // RGBA
		// Upscale got the cut-out uploaded first, then its link
		const upload = sandbox.stats.requests.find((r) => r.route === 'upload')!;
		expect(upload.body).toMatchObject({ init_image: `data:image/png;base64,${cutoutBytes.toString('base64')}` });
		const upscaleBody = sandbox.stats.requests.find((r) => r.route === 'upscale')!.body;
		expect(upscaleBody).toMatchObject({ init_image: (upload.response as { output: string[] }).output[0], model_id: 'RealESRGAN_x2plus', scale: 2 });

		const [item] = outputOf(execution, 'Upscale x2');
		expect(item.json).toMatchObject({ id: String(upscaleJob.id), status: 'success', imageIndex: 0 });
		const bytes = await n8n.binaryData(item.binary!.data);
		expect(pngSize(bytes)).toEqual({ width: 192, height: 128 });
		expect(bytes.equals(sandbox.jobBytes(upscaleJob.id))).toBe(true);
		expect(sandbox.stats.creates).toBe(2);
	});

	it('examples/06: image and mask from two sources on one item, then Inpaint', async () => {
		const banner = productPng(64, 48);
		const mask = maskPng(64, 48);
		const execution = await runToEnd(
			withUrls(loadExample('06-inpaint-with-mask.json'), { Banner: sandbox.hostImage(banner), Mask: sandbox.hostImage(mask) }),
		);
		const create = sandbox.stats.requests.find((r) => r.route === 'inpaint')!.body as Record<string, unknown>;
		expect(create).toMatchObject({
			model_id: 'sdxl',
			prompt: 'a bright summer sky',
			strength: 0.8,
			seed: 7,
			init_image: `data:image/png;base64,${banner.toString('base64')}`,
			mask_image: `data:image/png;base64,${mask.toString('base64')}`,
			base64: 'yes',
		});
		const [item] = outputOf(execution, 'Inpaint');
		const [job] = sandbox.stats.jobs;
		const bytes = await n8n.binaryData(item.binary!.data);
		expect(pngSize(bytes)).toEqual({ width: 64, height: 48 });
		expect(bytes.equals(sandbox.jobBytes(job.id))).toBe(true);
	});

	it('n8n called no address but loopback', () => {
		expect(n8n.blockedOutbound()).toEqual([]);
	});
});
