import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { encodePng } from '../../sandbox/images/png';
import { apiCalls, delay, fetchResultParams, pngSize, runNode, useSandbox } from './setup';

/**
 * The six image-editing operations in-process, against the sandbox: the exact requests (how each
 * route gets its image: inline data URI or upload first, a user's link as it is), the exact output
 * items and bytes, queued jobs on each family's fetch route, Fetch Result with `api: imageEditing`,
 * and the refusals that happen before anything is sent.
 */

const sandbox = useSandbox();
const KEY = 'sandbox-standard-key';
const SDXL = { __rl: true, mode: 'id', value: 'sdxl' };
const NOTHING_SENT = 'Nothing was sent to ModelsLab.';

/** A product shot: white 64x48 with a red box at x 16..47, y 12..35. */
function productPng(width = 64, height = 48): Buffer {
	const rgb = Buffer.alloc(width * height * 3, 255);
	for (let y = 12; y < 36; y++) for (let x = 16; x < 48; x++) rgb.set([200, 20, 30], (y * width + x) * 3);
	return encodePng(width, height, rgb);
}

/** Black with a white box at the top left (the area to change), of the given size. */
function maskPng(width = 64, height = 48): Buffer {
	const rgb = Buffer.alloc(width * height * 3);
	for (let y = 0; y < 12; y++) for (let x = 0; x < 16; x++) rgb.fill(255, (y * width + x) * 3, (y * width + x) * 3 + 3);
	return encodePng(width, height, rgb);
}

const PRODUCT = productPng();
const MASK = maskPng();
const dataUri = (bytes: Buffer) => `data:image/png;base64,${bytes.toString('base64')}`;

function binaryItem(files: Record<string, Buffer>, json: IDataObject = {}): INodeExecutionData {
	return {
		json,
		binary: Object.fromEntries(
			Object.entries(files).map(([name, bytes]) => [name, { data: bytes.toString('base64'), mimeType: 'image/png', fileName: `${name}.png` }]),
		),
	};
}

type Op = 'img2img' | 'inpaint' | 'upscale' | 'removeBackground' | 'outpaint' | 'objectRemoval';
const params = (operation: Op, extra: INodeParameters = {}): INodeParameters => ({
	resource: 'image',
	operation,
	...(operation === 'img2img' || operation === 'inpaint' ? { modelId: SDXL, prompt: 'a red box on a beach' } : {}),
	...extra,
});

const withMask = (op: Op) => op === 'inpaint' || op === 'objectRemoval';
const inputItem = (op: Op) => binaryItem(withMask(op) ? { data: PRODUCT, mask: MASK } : { data: PRODUCT });

interface RouteCase {
	op: Op;
	path: string;
	fetchPath: (id: number | string) => string;
	/** The create body for the binary input, given the uploaded links (in upload order). */
	body: (links: string[]) => IDataObject;
	uploads: number;
	size: { width: number; height: number };
	extra?: INodeParameters;
}

const imagesFetch = (id: number | string) => `/api/v6/images/fetch/${id}`;
const editingFetch = (id: number | string) => `/api/v6/image_editing/fetch/${id}`;
const GENERATION = { model_id: 'sdxl', prompt: 'a red box on a beach', strength: 0.7, samples: 1 };

const CASES: RouteCase[] = [
	{
		op: 'img2img',
		path: '/api/v6/images/img2img',
		fetchPath: imagesFetch,
		body: () => ({ ...GENERATION, init_image: dataUri(PRODUCT), base64: 'yes' }),
		uploads: 0,
		size: { width: 64, height: 48 },
	},
	{
		op: 'inpaint',
		path: '/api/v6/images/inpaint',
		fetchPath: imagesFetch,
		body: () => ({ ...GENERATION, init_image: dataUri(PRODUCT), mask_image: dataUri(MASK), base64: 'yes' }),
		uploads: 0,
		size: { width: 64, height: 48 },
	},
	{
		op: 'upscale',
		path: '/api/v6/image_editing/super_resolution',
		fetchPath: editingFetch,
		body: ([link]) => ({ init_image: link, model_id: 'realesr-general-x4v3', scale: 2, face_enhance: false }),
		uploads: 1,
		size: { width: 128, height: 96 },
	},
	{
		op: 'removeBackground',
		path: '/api/v6/image_editing/removebg_mask',
		fetchPath: editingFetch,
		body: () => ({ image: dataUri(PRODUCT) }),
		uploads: 0,
		size: { width: 64, height: 48 },
	},
	{
		op: 'outpaint',
		path: '/api/v6/image_editing/outpaint',
		fetchPath: editingFetch,
		body: () => ({ image: dataUri(PRODUCT), base64: true, prompt: 'high quality', width: 320, height: 180, overlap_width: 10 }),
		uploads: 0,
		size: { width: 320, height: 180 },
		extra: { width: 320, height: 180 },
	},
	{
		op: 'objectRemoval',
		path: '/api/v6/image_editing/object_removal',
		fetchPath: editingFetch,
		body: ([image, mask]) => ({ init_image: image, mask_image: mask }),
		uploads: 2,
		size: { width: 64, height: 48 },
	},
];

/** The links the upload helper returned, in order. */
function uploadedLinks(): string[] {
	return sandbox()
		.counters()
		.requests.filter((request) => request.route === 'upload')
		.map((request) => (request.response as { output: string[] }).output[0]);
}

function createRecord(path: string) {
	const record = sandbox()
		.counters()
		.requests.find((request) => request.path === path);
	if (!record) throw new Error(`no request to ${path}`);
	return record.response as { id: number; generationTime?: number; meta?: IDataObject; output: unknown };
}

describe.each(CASES.map((c) => [c.op, c] as const))('%s, in-process against the sandbox', (_name, c) => {
	it('a finished job at once: the exact requests (files sent as the route takes them), items and bytes', async () => {
		const result = await runNode(sandbox(), { parameters: params(c.op, c.extra), inputItems: [inputItem(c.op)] });
		expect(result.error).toBeUndefined();
		const links = uploadedLinks();
		expect(links).toHaveLength(c.uploads);
		const uploads = [PRODUCT, MASK].slice(0, c.uploads).map((bytes) => ({
			path: '/api/v6/image_editing/base64_to_url',
			body: { key: KEY, init_image: dataUri(bytes) },
		}));
		expect(apiCalls(sandbox())).toEqual([...uploads, { path: c.path, body: { key: KEY, ...c.body(links) } }]);
		// an upload is a link on the image host, and the link is what the create got
		for (const link of links) expect(link).toMatch(new RegExp(`^${sandbox().cdnUrl}/uploads/[0-9a-f]{32}\\.png$`));

		const answer = createRecord(c.path);
		const id = String(answer.id);
		// images/* answer base64 when the input went inline as base64: no link, the node decodes it
		const inlineAnswer = c.op === 'img2img' || c.op === 'inpaint';
		expect(result.outputs).toEqual([
			{
				json: {
					id,
					status: 'success',
					imageUrl: inlineAnswer ? null : (answer.output as string[])[0],
					imageIndex: 0,
					seed: answer.meta?.seed ?? null,
					// read from the image: the editing answers' meta has no size
					...c.size,
					format: 'custom',
					generationTime: answer.generationTime,
					meta: answer.meta,
				},
				binary: { data: expect.objectContaining({ mimeType: 'image/png', fileName: `modelslab-${id}-0.png` }) },
				pairedItem: { item: 0 },
			},
		]);
		const bytes = result.binaries[0].data;
		expect(bytes.equals(sandbox().jobBytes(id, 0))).toBe(true);
		expect(pngSize(bytes)).toEqual(c.size);
		expect(sandbox().job(id)).toMatchObject({ route: c.op, state: 'success', ...c.size });
		expect(sandbox().counters()).toMatchObject({ creates: 1, createAttempts: 1, uploads: c.uploads });
		// the key went to the API only: no image download carried it
		for (const record of sandbox().counters().cdnLog) expect(JSON.stringify(record)).not.toContain(KEY);
		expect(JSON.stringify(result.outputs)).not.toContain(KEY);
	});

	it("a queued job: fetched on its family's fetch route until it is ready", async () => {
		sandbox().configure({ processingMs: 800 });
		const result = await runNode(sandbox(), { parameters: params(c.op, { ...c.extra, output: 'urls' }), inputItems: [inputItem(c.op)] });
		expect(result.error).toBeUndefined();
		const answer = createRecord(c.path);
		expect(answer).toMatchObject({ status: 'processing', eta: 1 });
		const calls = apiCalls(sandbox()).slice(c.uploads);
		expect(calls).toEqual([
			{ path: c.path, body: expect.objectContaining({ key: KEY }) },
			{ path: c.fetchPath(answer.id), body: { key: KEY } },
		]);
		const done = sandbox().counters().requests.at(-1)!.response as { output: unknown };
		expect(result.outputs).toHaveLength(1);
		expect(result.outputs[0].json).toMatchObject({ id: String(answer.id), status: 'success', imageIndex: 0 });
		// the images/* base64 answer comes back as a file even in URL mode; the others are links only
		if (Array.isArray(done.output) && String(done.output[0]).startsWith('http')) {
			expect(result.outputs[0].json.imageUrl).toBe(done.output[0]);
			expect(result.outputs[0].binary).toBeUndefined();
		} else {
			expect(result.binaries[0].data.equals(sandbox().jobBytes(answer.id, 0))).toBe(true);
		}
	});

	it('URL input: the link is passed on as it is, nothing is uploaded or fetched by the node', async () => {
		const imageUrl = sandbox().hostImage(PRODUCT);
		const maskUrl = sandbox().hostImage(MASK);
		const urls: INodeParameters = { imageSource: 'url', imageUrl, ...(withMask(c.op) ? { maskSource: 'url', maskUrl } : {}) };
		const result = await runNode(sandbox(), { parameters: params(c.op, { ...c.extra, ...urls }) });
		expect(result.error).toBeUndefined();
		const sent = c.body([imageUrl, maskUrl]) as Record<string, unknown>;
		// a link replaces the file in its field; the inline base64 flag goes with files only
		for (const [field, value] of Object.entries(sent)) {
			if (typeof value === 'string' && value.startsWith('data:')) sent[field] = field === 'mask_image' ? maskUrl : imageUrl;
		}
		if (c.op !== 'upscale' && c.op !== 'objectRemoval') delete sent.base64;
		expect(apiCalls(sandbox())).toEqual([{ path: c.path, body: { key: KEY, ...sent } }]);
		expect(sandbox().counters().uploads).toBe(0);
		// the node downloaded only the result, never the input link
		expect(sandbox().counters().cdnLog.map((record) => record.path)).toEqual([new URL(String(result.outputs[0].json.imageUrl)).pathname]);
		expect(result.binaries[0].data.equals(sandbox().jobBytes(String(result.outputs[0].json.id), 0))).toBe(true);
	});

	it('an oversize file (over 5 MB) and a file that is no PNG, JPEG or WebP are refused with 0 requests, naming field and item', async () => {
		const oversize = Buffer.concat([PRODUCT, Buffer.alloc(5 * 1024 * 1024 - PRODUCT.length + 1)]);
		const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
		const mask: Record<string, Buffer> = withMask(c.op) ? { mask: MASK } : {};
		const result = await runNode(sandbox(), {
			parameters: params(c.op, c.extra),
			inputItems: [
				binaryItem({ data: oversize, ...mask }),
				binaryItem({ data: gif, ...mask }),
				binaryItem({ data: Buffer.alloc(0), ...mask }),
				{ json: {} },
			],
			continueOnFail: true,
		});
		expect(result.outputs.map((item) => [item.json.error, item.json.description, item.pairedItem])).toEqual([
			['Input Binary Field "data" of item 0 is 5.00 MB; ModelsLab takes images of up to 5 MB', NOTHING_SENT, { item: 0 }],
			['Input Binary Field "data" of item 1 is not a PNG, JPEG or WebP image (it is image/gif)', NOTHING_SENT, { item: 1 }],
			['Input Binary Field "data" of item 2 is empty', NOTHING_SENT, { item: 2 }],
			[
				'Input Binary Field "data": item 3 has no binary field "data"',
				'Nothing was sent to ModelsLab. The item\'s binary fields: none. Set Input Binary Field to the one that holds the image, or use Image Source "URL".',
				{ item: 3 },
			],
		]);
		expect(sandbox().counters().requests).toEqual([]);
	});

	it('Fetch Result collects the job by its id with the API this operation names', async () => {
		sandbox().configure({ processingMs: 300 });
		const started = await runNode(sandbox(), { parameters: params(c.op, { ...c.extra, waitForCompletion: false }), inputItems: [inputItem(c.op)] });
		const [pending] = started.outputs;
		const id = String(createRecord(c.path).id);
		expect(pending.json).toEqual({ id, status: 'processing', eta: 1, futureLinks: [expect.stringContaining('/generations/')] });
		await delay(350);
		const api = c.fetchPath === editingFetch ? 'imageEditing' : 'standard';
		const fetched = await runNode(sandbox(), { parameters: fetchResultParams(id, { api }) });
		expect(fetched.error).toBeUndefined();
		expect(apiCalls(sandbox()).at(-1)).toEqual({ path: c.fetchPath(id), body: { key: KEY } });
		expect(fetched.outputs).toHaveLength(1);
		expect(fetched.outputs[0].json).toMatchObject({ id, status: 'success', imageIndex: 0 });
		expect(fetched.binaries[0].data.equals(sandbox().jobBytes(id, 0))).toBe(true);
		expect(pngSize(fetched.binaries[0].data)).toEqual(c.size);
	});
});

describe('masks, Fetch Result and errors of the editing operations', () => {
	it.each(['inpaint', 'objectRemoval'] as const)('%s: a mask of another size is refused with 0 requests', async (op) => {
		const result = await runNode(sandbox(), { parameters: params(op), inputItems: [binaryItem({ data: PRODUCT, mask: maskPng(32, 24) })] });
		expect(result.error).toMatchObject({
			message: 'Mask Binary Field "mask" of item 0 is 32×24, but the image is 64×48: the mask must have the image\'s size',
			description: NOTHING_SENT,
		});
		expect(sandbox().counters().requests).toEqual([]);
	});

	it('image_editing fetch answers (output "" while processing, no meta on success) through Fetch Result, exact items', async () => {
		sandbox().configure({ processingMs: 600 });
		const started = await runNode(sandbox(), { parameters: params('removeBackground', { waitForCompletion: false }), inputItems: [inputItem('removeBackground')] });
		const id = String(started.outputs[0].json.id);
		const fetched = await runNode(sandbox(), { parameters: fetchResultParams(id, { api: 'imageEditing', output: 'urls' }) });
		expect(fetched.error).toBeUndefined();
		const fetches = sandbox().counters().requests.filter((request) => request.route === 'imageEditingFetch');
		expect(fetches[0].response).toEqual({ status: 'processing', id: Number(id), eta: 1, messege: 'Request processing', output: '' });
		const done = fetches.at(-1)!.response as { output: string[] };
		expect(done).toEqual({ status: 'success', id: Number(id), output: [expect.any(String)] });
		expect(fetched.outputs).toEqual([
			{
				// links only, and an answer without meta: no size to tell; Fetch Result cannot know the Format
				json: { id, status: 'success', imageUrl: done.output[0], imageIndex: 0, seed: null, width: null, height: null, format: null, generationTime: null, meta: {} },
				pairedItem: { item: 0 },
			},
		]);
	});

	it("an editing job on the wrong Fetch Result API is not found; the timeout error names the API to pick", async () => {
		sandbox().configure({ processingMs: 60_000, etaSeconds: 0 });
		const result = await runNode(sandbox(), { parameters: params('upscale', { maxWaitTime: 1 }), inputItems: [inputItem('upscale')] });
		const id = String(createRecord('/api/v6/image_editing/super_resolution').id);
		expect(result.error).toMatchObject({
			message: `Request ${id} was still processing after 1 s (Max Wait Time)`,
			description: `The job may still finish and is billed either way. Collect it with Fetch Result (API: Image Editing) and request ID ${id}, or raise Max Wait Time.`,
		});
		// "Request not found" is asked again for a grace time, never past Max Wait Time
		const wrong = await runNode(sandbox(), { parameters: fetchResultParams(id, { api: 'standard', maxWaitTime: 1 }) });
		expect(wrong.error?.message).toBe(`ModelsLab does not know request ${id}: Request not found`);
	});

	it('a failed editing job names its request and the Fetch Result API', async () => {
		sandbox().configure({ processingMs: 200, failNextJobs: 1 });
		const result = await runNode(sandbox(), { parameters: params('outpaint', { width: 128, height: 128 }), inputItems: [inputItem('outpaint')] });
		const id = String(createRecord('/api/v6/image_editing/outpaint').id);
		expect(result.error).toMatchObject({
			message: `ModelsLab failed request ${id}: Image generation failed`,
			description: `Status "failed" for request ID ${id} (Fetch Result, API: Image Editing).`,
		});
	});

	it('uploads are retried after a server error (no job, no bill); a create is never resent after one', async () => {
		sandbox().injectFault({ route: 'upload', kind: 'status', status: 503 });
		const result = await runNode(sandbox(), { parameters: params('upscale'), inputItems: [inputItem('upscale')] });
		expect(result.error).toBeUndefined();
		expect(sandbox().counters().requests.map((request) => `${request.route} ${request.status}`)).toEqual(['upload 503', 'upload 200', 'upscale 200']);

		sandbox().reset();
		sandbox().injectFault({ route: 'upscale', kind: 'status', status: 502, afterAccept: true });
		const ambiguous = await runNode(sandbox(), { parameters: params('upscale'), inputItems: [inputItem('upscale')] });
		expect(ambiguous.error?.message).toBe('ModelsLab answered HTTP 502: Bad Gateway');
		expect(sandbox().counters().requests.map((request) => `${request.route} ${request.status}`)).toEqual(['upload 200', 'upscale 502']);
		expect(sandbox().counters().creates).toBe(1);
	});

	it('a 429 on a create is waited out and the create sent again; the upload is not repeated', async () => {
		sandbox().injectFault({ route: 'removeBackground', kind: 'rateLimit', retryAfter: 0 });
		const result = await runNode(sandbox(), { parameters: params('removeBackground'), inputItems: [inputItem('removeBackground')] });
		expect(result.error).toBeUndefined();
		expect(sandbox().counters().requests.map((request) => `${request.route} ${request.status}`)).toEqual(['removeBackground 429', 'removeBackground 200']);
		sandbox().reset();
		sandbox().injectFault({ route: 'upscale', kind: 'rateLimit', retryAfter: 0 });
		await runNode(sandbox(), { parameters: params('upscale'), inputItems: [inputItem('upscale')] });
		expect(sandbox().counters().requests.map((request) => `${request.route} ${request.status}`)).toEqual(['upload 200', 'upscale 429', 'upscale 200']);
	});

	it('Image to Image with Base64 Response off uploads the file and gets links back', async () => {
		const result = await runNode(sandbox(), { parameters: params('img2img', { options: { base64: false, seed: 5 } }), inputItems: [inputItem('img2img')] });
		expect(result.error).toBeUndefined();
		const [link] = uploadedLinks();
		expect(apiCalls(sandbox())).toEqual([
			{ path: '/api/v6/image_editing/base64_to_url', body: { key: KEY, init_image: dataUri(PRODUCT) } },
			{ path: '/api/v6/images/img2img', body: { key: KEY, ...GENERATION, init_image: link, base64: 'no', seed: 5 } },
		]);
		expect(result.outputs[0].json.imageUrl).toMatch(/\/generations\/.*-0\.png$/);
	});

	it('every field of Upscale, Remove Background and Outpaint reaches the body under its API name', async () => {
		const item = [inputItem('upscale')];
		await runNode(sandbox(), { parameters: params('upscale', { upscaleModel: 'RealESRGAN_x2plus', scale: 3, faceEnhance: true }), inputItems: item });
		await runNode(sandbox(), {
			parameters: params('removeBackground', {
				options: {
					onlyMask: true,
					inverseMask: false,
					postProcessMask: true,
					alphaMatting: true,
					alphaMattingForegroundThreshold: 200,
					alphaMattingBackgroundThreshold: 10,
					alphaMattingErodeSize: 3,
				},
			}),
			inputItems: item,
		});
		await runNode(sandbox(), {
			parameters: params('outpaint', {
				prompt: 'a beach',
				negativePrompt: 'people',
				width: 96,
				height: 64,
				overlapWidth: 42,
				options: { numInferenceSteps: 30, guidanceScale: 6.5, seed: 11 },
			}),
			inputItems: item,
		});
		const bodies = apiCalls(sandbox())
			.filter((call) => !call.path.endsWith('base64_to_url'))
			.map(({ body }) => Object.fromEntries(Object.entries(body as IDataObject).filter(([name]) => !['key', 'init_image', 'image'].includes(name))));
		expect(bodies).toEqual([
			{ model_id: 'RealESRGAN_x2plus', scale: 3, face_enhance: true },
			{
				only_mask: true,
				inverse_mask: false,
				post_process_mask: true,
				alpha_matting: true,
				alpha_matting_foreground_threshold: 200,
				alpha_matting_background_threshold: 10,
				alpha_matting_erode_size: 3,
			},
			{
				prompt: 'a beach',
				negative_prompt: 'people',
				width: 96,
				height: 64,
				overlap_width: 42,
				num_inference_steps: 30,
				guidance_scale: 6.5,
				seed: 11,
				base64: true,
			},
		]);
	});

	it('Inpaint with options from the Text to Image factory: the images/* body, flags as "yes"/"no"', async () => {
		const result = await runNode(sandbox(), {
			parameters: params('inpaint', {
				negativePrompt: 'blurry',
				strength: 0.4,
				samples: 2,
				options: { numInferenceSteps: 21, guidanceScale: 5, scheduler: 'DDIMScheduler', safetyChecker: false, algorithmType: 'dpmsolver+++', loras: { lora: [{ model: 'more_details', strength: 0.6 }] } },
			}),
			inputItems: [inputItem('inpaint')],
		});
		expect(result.error).toBeUndefined();
		expect(apiCalls(sandbox())[0].body).toEqual({
			key: KEY,
			model_id: 'sdxl',
			prompt: 'a red box on a beach',
			negative_prompt: 'blurry',
			strength: 0.4,
			samples: 2,
			num_inference_steps: 21,
			guidance_scale: 5,
			scheduler: 'DDIMScheduler',
			safety_checker: 'no',
			algorithm_type: 'dpmsolver+++',
			lora_model: 'more_details',
			lora_strength: '0.6',
			init_image: dataUri(PRODUCT),
			mask_image: dataUri(MASK),
			base64: 'yes',
		});
		const id = String(createRecord('/api/v6/images/inpaint').id);
		expect(result.outputs.map((item) => [item.json.imageIndex, item.pairedItem])).toEqual([
			[0, { item: 0 }],
			[1, { item: 0 }],
		]);
		result.binaries.forEach((binary, index) => expect(binary.data.equals(sandbox().jobBytes(id, index))).toBe(true));
	});

	it('a model that is not the account\'s is refused by the API with its own error; missing model refused before', async () => {
		const result = await runNode(sandbox(), {
			parameters: params('img2img', { modelId: { ...SDXL, value: 'no-such-model' } }),
			inputItems: [inputItem('img2img')],
		});
		expect(result.error?.message).toBe('ModelsLab answered HTTP 400: Model not found: no-such-model');
		sandbox().reset();
		// an expression that yields nothing passes n8n's own required check, then the node's
		const missing = await runNode(sandbox(), {
			parameters: params('img2img', { modelId: { ...SDXL, value: '={{ $json.model }}' } }),
			inputItems: [binaryItem({ data: PRODUCT }, { model: '' })],
		});
		expect(missing.error).toMatchObject({ message: 'Invalid parameters: Model is required (pick one of your models), got ""', description: NOTHING_SENT });
		expect(sandbox().counters().requests).toEqual([]);
	});

	it('several items: each its own job, paired to its item, images and masks read per item', async () => {
		const items = [inputItem('inpaint'), binaryItem({ data: productPng(80, 40), mask: maskPng(80, 40) })];
		const result = await runNode(sandbox(), { parameters: params('inpaint'), inputItems: items });
		expect(result.error).toBeUndefined();
		expect(result.outputs.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(result.binaries.map((binary) => pngSize(binary.data))).toEqual([
			{ width: 64, height: 48 },
			{ width: 80, height: 40 },
		]);
	});
});
