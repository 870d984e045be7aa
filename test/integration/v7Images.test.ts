import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeParameters, INodeProperties, INodeType } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { ModelsLabApi } from '../../credentials/ModelsLabApi.credentials';
import { operations } from '../../nodes/ModelsLab/actions/image';
import { modelsOperation } from '../../nodes/ModelsLab/actions/image/modelsOperation';
import { findOperation } from '../../nodes/ModelsLab/actions/operation';
import type { ImageModel } from '../../nodes/ModelsLab/catalogs/images';
import { IMAGE_MODELS } from '../../nodes/ModelsLab/catalogs/images';
import { encodePng } from '../../sandbox/images/png';
import { V7_IMAGE_MODELS } from '../../sandbox/routes/v7/catalog';
import { runWorkflow } from '../harness';
import { apiCalls, fetchResultParams, pngSize, runNode, startRecorder, useSandbox } from './setup';

/**
 * Generate Image and Edit Image (ModelsLab v7) in-process against the sandbox's own v7 catalog and
 * rules: the exact body per catalog model, reference images in order, refusals before anything is
 * sent, the Other model, a model from an expression, queued jobs and Fetch Result `api: v7Images`.
 */
const sandbox = useSandbox();
const KEY = 'sandbox-standard-key';
const T2I = '/api/v7/images/text-to-image';
const I2I = '/api/v7/images/image-to-image';
const UPLOAD = '/api/v6/image_editing/base64_to_url';
const NOTHING_SENT = 'Nothing was sent to ModelsLab.';

const generate = (extra: INodeParameters = {}): INodeParameters => ({ resource: 'image', operation: 'generate', prompt: 'a mug on a table', output: 'urls', ...extra });
const edit = (extra: INodeParameters = {}): INodeParameters => ({ resource: 'image', operation: 'edit', prompt: 'place the product from image 1 into image 2', output: 'urls', ...extra });

/** What each text-to-image model is sent for Story (9:16) and Portrait (4:5), written out by hand from the catalog's lists. */
const GENERATE_SIZES: Record<string, { story: IDataObject; portrait: IDataObject }> = {
	'imagen-4': { story: { aspect_ratio: '9:16' }, portrait: { aspect_ratio: '3:4' } },
	// Images defaults to 1, sent as the string ModelsLab's samples send
	'imagen-4.0-ultra': { story: { aspect_ratio: '9:16', samples: '1' }, portrait: { aspect_ratio: '3:4', samples: '1' } },
	'imagen-4.0-fast-generate': { story: { aspect_ratio: '9:16' }, portrait: { aspect_ratio: '3:4' } },
	'imagen-3': { story: {}, portrait: {} },
	'nano-banana-pro': { story: { aspect_ratio: '9:16' }, portrait: { aspect_ratio: '4:5' } },
	'nano-banana-t2i': { story: {}, portrait: {} },
	'seedream-4.5': { story: { aspect_ratio: '9:16' }, portrait: { aspect_ratio: '3:4' } },
	'seedream-4': { story: { aspect_ratio: '9:16' }, portrait: { aspect_ratio: '3:4' } },
	'seedream-t2i': { story: { width: 576, height: 1024 }, portrait: { width: 816, height: 1024 } },
	'flux-2-pro': { story: { width: 576, height: 1024 }, portrait: { width: 816, height: 1024 } },
	gen4_image: { story: { aspect_ratio: '9:16' }, portrait: { aspect_ratio: '9:16' } },
};

/** The same for the image-to-image models, with the references each takes at least (links passed on as they are). */
const EDIT_CASES: Record<string, { story: IDataObject; portrait: IDataObject; references: number; sent: (links: string[]) => IDataObject }> = {
	'nano-banana-pro': { story: { aspect_ratio: '9:16' }, portrait: { aspect_ratio: '4:5' }, references: 1, sent: (links) => ({ init_image: links }) },
	'seedream-4.5-i2i': { story: { aspect_ratio: '9:16' }, portrait: { aspect_ratio: '2:3' }, references: 1, sent: (links) => ({ init_image: links }) },
	'seedream-4.0-i2i': { story: {}, portrait: {}, references: 1, sent: (links) => ({ init_image: links }) },
	'flux-2-pro': { story: {}, portrait: {}, references: 1, sent: (links) => ({ init_image: links }) },
	'flux-kontext-pro': { story: { aspect_ratio: '9:16' }, portrait: { aspect_ratio: '3:4' }, references: 1, sent: ([link]) => ({ init_image: link }) },
	'nano-banana': { story: {}, portrait: {}, references: 2, sent: ([a, b]) => ({ init_image: a, init_image_2: b }) },
	gen4_image_turbo: { story: {}, portrait: {}, references: 2, sent: ([a, b]) => ({ init_image: a, init_image_2: b }) },
	'seededit-i2i': { story: {}, portrait: {}, references: 1, sent: ([link]) => ({ init_image: link }) },
};

const links = (count: number) => Array.from({ length: count }, (_, i) => `https://cdn.example.com/reference-${i + 1}.png`);

function createAnswer() {
	const create = sandbox().counters().requests.find((request) => request.path === T2I || request.path === I2I);
	return create?.response as { id: number; status: string; output: string[]; meta: IDataObject };
}

describe('the node\'s catalog and the sandbox\'s agree', () => {
	it('every model, in order, with the same sizes, references and samples', () => {
		const rulesOf = (model: ImageModel) => Object.fromEntries(Object.entries(model).filter(([key]) => key !== 'name' && key !== 'source'));
		expect(IMAGE_MODELS.map(rulesOf)).toEqual(V7_IMAGE_MODELS);
	});

	it('covers every model the issue names, for its route', () => {
		const ids = (direction: string) => IMAGE_MODELS.filter((model) => model.direction === direction).map((model) => model.id);
		expect(ids('generate')).toEqual(expect.arrayContaining(['imagen-4', 'imagen-4.0-ultra', 'nano-banana-pro', 'seedream-4.5', 'flux-2-pro']));
		expect(ids('edit')).toEqual(expect.arrayContaining(['nano-banana-pro', 'seedream-4.5-i2i', 'flux-2-pro', 'flux-kontext-pro']));
	});
});

describe('Generate Image: the exact body of every catalog model', () => {
	it.each(Object.entries(GENERATE_SIZES))('%s: Story and Portrait', async (model, sizes) => {
		for (const format of ['story', 'portrait'] as const) {
			sandbox().reset();
			const result = await runNode(sandbox(), { parameters: generate({ model, format }) });
			expect(result.error).toBeUndefined();
			expect(apiCalls(sandbox())).toEqual([{ path: T2I, body: { key: KEY, model_id: model, prompt: 'a mug on a table', ...sizes[format] } }]);
			const answer = createAnswer();
			// a model that takes no size has no Format field: its items say custom, as other operations without one do
			const used = Object.keys(sizes[format]).length ? format : 'custom';
			expect(result.outputs[0].json).toMatchObject({ id: String(answer.id), status: 'success', imageUrl: answer.output[0], format: used });
		}
	});

	it.each(IMAGE_MODELS.filter((model) => model.size.by === 'pixels').map((model) => [model.id]))('%s takes Custom: the Width and Height given', async (model) => {
		const result = await runNode(sandbox(), { parameters: generate({ model, format: 'custom', width: 640, height: 896 }) });
		expect(result.error).toBeUndefined();
		expect(apiCalls(sandbox())).toEqual([{ path: T2I, body: { key: KEY, model_id: model, prompt: 'a mug on a table', width: 640, height: 896 } }]);
	});

	it('a v7 job that fails, or outlasts Max Wait Time, names Fetch Result\'s API Images v7 to collect it', async () => {
		sandbox().injectFault({ route: 'v7TextToImage', kind: 'failed', prompt: 'a failing mug' });
		const failed = await runNode(sandbox(), { parameters: generate({ model: 'imagen-4', prompt: 'a failing mug' }) });
		const failedId = createAnswer().id;
		expect(failed.error?.message).toBe(`ModelsLab failed request ${failedId}: Image generation failed`);
		expect(failed.error?.description).toContain('(Fetch Result, API: Images v7)');

		sandbox().reset();
		sandbox().configure({ processingMs: 5000 });
		const slow = await runNode(sandbox(), { parameters: edit({ model: 'flux-kontext-pro', imageSource: 'url', imageUrls: links(1)[0], maxWaitTime: 1 }) });
		const slowId = createAnswer().id;
		expect(slow.error?.message).toBe(`Request ${slowId} was still processing after 1 s (Max Wait Time)`);
		expect(slow.error?.description).toContain(`Collect it with Fetch Result (API: Images v7) and request ID ${slowId}`);
	});

	it('Imagen 4 Ultra sends Images as a string, as ModelsLab\'s samples do, and gives one item per image', async () => {
		const result = await runNode(sandbox(), { parameters: generate({ model: 'imagen-4.0-ultra', format: 'square', samples: 3 }) });
		expect(apiCalls(sandbox())[0].body).toEqual({ key: KEY, model_id: 'imagen-4.0-ultra', prompt: 'a mug on a table', aspect_ratio: '1:1', samples: '3' });
		expect(result.outputs.map((item) => item.json.imageIndex)).toEqual([0, 1, 2]);
	});

	it('binary output: the image of the ratio, named by the node', async () => {
		const result = await runNode(sandbox(), { parameters: generate({ model: 'imagen-4', format: 'story', output: 'binary' }) });
		const answer = createAnswer();
		expect(pngSize(result.binaries[0].data)).toEqual({ width: 576, height: 1024 });
		expect(result.outputs[0].binary?.data).toMatchObject({ fileName: `modelslab-${answer.id}-0.png`, mimeType: 'image/png' });
		expect(result.outputs[0].json).toMatchObject({ width: 576, height: 1024, format: 'story' });
	});

	it('a queued job is fetched on the v7 route until it is ready', async () => {
		sandbox().configure({ processingMs: 600 });
		const result = await runNode(sandbox(), { parameters: generate({ model: 'seedream-4.5', format: 'landscape' }) });
		expect(result.error).toBeUndefined();
		const answer = createAnswer();
		expect(answer.status).toBe('processing');
		const fetches = sandbox().counters().requests.filter((request) => request.path !== T2I);
		expect(fetches.length).toBeGreaterThan(0);
		expect(new Set(fetches.map((request) => request.path))).toEqual(new Set([`/api/v7/images/fetch/${answer.id}`]));
		expect(result.outputs[0].json).toMatchObject({ id: String(answer.id), status: 'success' });
	});
});

describe('refused before anything is sent', () => {
	it('Custom on a model that takes only aspect ratios: the error names the model and the formats it takes', async () => {
		const result = await runNode(sandbox(), { parameters: generate({ model: 'imagen-4', format: 'custom' }) });
		expect(result.error?.message).toBe(
			'Invalid parameters: Format must be one of square, portrait, story, landscape, linkPreview, pin for Imagen 4 (Google), got "custom"',
		);
		expect(result.error?.description).toBe(NOTHING_SENT);
		expect(sandbox().counters().requests).toEqual([]);
	});

	it('Width out of the model\'s range', async () => {
		const result = await runNode(sandbox(), { parameters: generate({ model: 'flux-2-pro', format: 'custom', width: 2000, height: 1024 }) });
		expect(result.error?.message).toBe('Invalid parameters: Width must be between 512 and 1024, got 2000');
		expect(sandbox().counters().requests).toEqual([]);
	});

	it('a model the catalog does not have, from an expression', async () => {
		const result = await runNode(sandbox(), { parameters: generate({ model: '={{ "dall-e-9" }}' }) });
		expect(result.error?.message).toMatch(/^Model must be one of imagen-4, .*, other, got "dall-e-9"$/);
		expect(sandbox().counters().requests).toEqual([]);
	});

	it.each([
		['flux-kontext-pro', 2, 'FLUX Kontext Pro (Black Forest Labs), one image takes exactly 1 reference image, got 2'],
		['nano-banana', 1, 'Nano Banana (Google), two images takes exactly 2 reference images, got 1'],
		['nano-banana-pro', 15, 'Nano Banana Pro (Google), up to 14 images takes up to 14 reference images, got 15'],
	])('%s with %i reference images, before any upload or create', async (model, count, message) => {
		const result = await runNode(sandbox(), { parameters: edit({ model, imageSource: 'url', imageUrls: links(count).join('\n') }) });
		expect(result.error?.message).toBe(message);
		expect(result.error?.description).toBe(NOTHING_SENT);
		expect(sandbox().counters().requests).toEqual([]);
	});

	it('a link that is not http(s)', async () => {
		const result = await runNode(sandbox(), { parameters: edit({ model: 'nano-banana-pro', imageSource: 'url', imageUrls: 'ftp://x/a.png' }) });
		expect(result.error?.message).toBe('Image URLs: "ftp://x/a.png" is not an http(s) URL');
		expect(sandbox().counters().requests).toEqual([]);
	});
});

describe('Edit Image: reference images', () => {
	it.each(Object.entries(EDIT_CASES))('%s: links passed on as they are, in order, and the format\'s ratio', async (model, edits) => {
		for (const format of ['story', 'portrait'] as const) {
			sandbox().reset();
			const given = links(edits.references);
			const result = await runNode(sandbox(), { parameters: edit({ model, format, imageSource: 'url', imageUrls: given.join(', ') }) });
			expect(result.error).toBeUndefined();
			expect(apiCalls(sandbox())).toEqual([
				{ path: I2I, body: { key: KEY, model_id: model, prompt: 'place the product from image 1 into image 2', ...edits[format], ...edits.sent(given) } },
			]);
		}
	});

	it('Same as Input sends no ratio, so the output follows the input', async () => {
		const result = await runNode(sandbox(), { parameters: edit({ model: 'flux-kontext-pro', format: 'input', imageSource: 'url', imageUrls: links(1)[0] }) });
		expect(result.error).toBeUndefined();
		expect(apiCalls(sandbox())[0].body).toEqual({ key: KEY, model_id: 'flux-kontext-pro', prompt: 'place the product from image 1 into image 2', init_image: links(1)[0] });
	});

	it('binary references are checked, uploaded in the order of Input Binary Fields, and sent as that list', async () => {
		const files = { data: encodePng(40, 30, Buffer.alloc(40 * 30 * 3, 10)), logo: encodePng(20, 20, Buffer.alloc(20 * 20 * 3, 90)), scene: encodePng(64, 48, Buffer.alloc(64 * 48 * 3, 200)) };
		const item: INodeExecutionData = {
			json: {},
			binary: Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, { data: bytes.toString('base64'), mimeType: 'image/png', fileName: `${name}.png` }])),
		};
		const result = await runNode(sandbox(), {
			parameters: edit({ model: 'nano-banana-pro', format: 'story', inputBinaryFields: 'scene, data , logo' }),
			inputItems: [item],
		});
		expect(result.error).toBeUndefined();
		const requests = sandbox().counters().requests;
		const uploads = requests.filter((request) => request.path === UPLOAD);
		expect(uploads.map((request) => (request.body as { init_image: string }).init_image)).toEqual(
			['scene', 'data', 'logo'].map((name) => `data:image/png;base64,${files[name as keyof typeof files].toString('base64')}`),
		);
		const uploaded = uploads.map((request) => (request.response as { output: string[] }).output[0]);
		expect(requests.map((request) => request.path)).toEqual([UPLOAD, UPLOAD, UPLOAD, I2I]);
		expect(requests[3].body).toEqual({ key: KEY, model_id: 'nano-banana-pro', prompt: 'place the product from image 1 into image 2', aspect_ratio: '9:16', init_image: uploaded });
	});

	it('a binary field the item lacks is refused naming it, before anything is sent', async () => {
		const result = await runNode(sandbox(), { parameters: edit({ model: 'nano-banana-pro', inputBinaryFields: 'data, logo' }), inputItems: [{ json: {} }] });
		expect(result.error?.message).toBe('Input Binary Field "data": item 0 has no binary field "data"');
		expect(sandbox().counters().requests).toEqual([]);
	});
});

describe('Other model ID, model from an expression, Fetch Result', () => {
	it('Other: any model ID with the Extra Body fields as they are', async () => {
		const result = await runNode(sandbox(), {
			parameters: generate({ model: 'other', otherModelId: { __rl: true, mode: 'id', value: 'imagen-4' }, extraBody: '{"aspect_ratio": "16:9"}' }),
		});
		expect(result.error).toBeUndefined();
		expect(apiCalls(sandbox())).toEqual([{ path: T2I, body: { key: KEY, model_id: 'imagen-4', prompt: 'a mug on a table', aspect_ratio: '16:9' } }]);
	});

	it('Other: Extra Body may not set the key or the model', async () => {
		const result = await runNode(sandbox(), {
			parameters: generate({ model: 'other', otherModelId: { __rl: true, mode: 'id', value: 'imagen-4' }, extraBody: '{"key": "x", "model_id": "y"}' }),
		});
		expect(result.error?.message).toBe('Extra Body (JSON) cannot set key, model_id: the node sets them from its own fields');
		expect(sandbox().counters().requests).toEqual([]);
	});

	it.each([
		['a prompt that is an object', { prompt: '={{ { a: 1 } }}' }, 'Invalid parameters: Prompt must be text, got {"a":1}'],
		['a Webhook URL that is no URL', { options: { webhook: 'not a url' } }, 'Invalid parameters: Webhook URL must be an http(s) URL, got "not a url"'],
		['a Model ID that is an object', { otherModelId: { __rl: true, mode: 'id', value: '={{ { id: 1 } }}' } }, 'Model ID must be text, got {"id":1}'],
		['a Model ID of several words', { otherModelId: { __rl: true, mode: 'id', value: 'flux pro' } }, 'Model ID must be one word of at most 200 characters, got "flux pro"'],
	])('Other: %s is refused before anything is sent, as for a catalog model', async (_what, extra, message) => {
		const result = await runNode(sandbox(), {
			parameters: generate({ model: 'other', otherModelId: { __rl: true, mode: 'id', value: 'sdxl' }, ...extra }),
		});
		expect(result.error?.message).toBe(message);
		expect(result.error?.description).toBe(NOTHING_SENT);
		expect(sandbox().counters().requests).toEqual([]);
	});

	it('Other: a community model the listing offers (sdxl) with its diffusion fields in Extra Body', async () => {
		const result = await runNode(sandbox(), {
			parameters: generate({ model: 'other', otherModelId: { __rl: true, mode: 'list', value: 'sdxl' }, extraBody: '{"width": 768, "height": 512, "negative_prompt": "blurry"}', output: 'binary' }),
		});
		expect(result.error).toBeUndefined();
		expect(apiCalls(sandbox())).toEqual([{ path: T2I, body: { key: KEY, model_id: 'sdxl', prompt: 'a mug on a table', width: 768, height: 512, negative_prompt: 'blurry' } }]);
		expect(pngSize(result.binaries[0].data)).toEqual({ width: 768, height: 512 });
	});

	it('Edit Image: an Image Source that is neither choice is refused naming both', async () => {
		const result = await runNode(sandbox(), { parameters: edit({ model: 'nano-banana-pro', imageSource: 'drive' }) });
		expect(result.error?.message).toBe('Image Source must be one of binary, url, got "drive"');
		expect(sandbox().counters().requests).toEqual([]);
	});

	it('a model from an expression: each row its model, and only that model\'s fields are read', async () => {
		const rows = [{ json: { model: 'imagen-4' } }, { json: { model: 'flux-2-pro' } }, { json: { model: 'nano-banana-t2i' } }];
		// Width and Height hold values only Flux may read (Format Custom); samples only Imagen Ultra would take
		const result = await runNode(sandbox(), {
			parameters: generate({ model: '={{ $json.model }}', format: 'custom', width: 768, height: 512, samples: 4, concurrency: 1 }),
			inputItems: rows,
		});
		// Imagen 4 refuses Custom; with continue on fail the others go on
		expect(result.error?.message).toMatch(/Format must be one of square, .* for Imagen 4 \(Google\), got "custom"/);
		const bodies = apiCalls(sandbox()).map((call) => call.body);
		expect(bodies).toEqual([]);

		sandbox().reset();
		const square = await runNode(sandbox(), { parameters: generate({ model: '={{ $json.model }}', format: 'square', width: 768, height: 512, samples: 4, concurrency: 1 }), inputItems: rows });
		expect(square.error).toBeUndefined();
		expect(apiCalls(sandbox()).map((call) => call.body)).toEqual([
			{ key: KEY, model_id: 'imagen-4', prompt: 'a mug on a table', aspect_ratio: '1:1' },
			{ key: KEY, model_id: 'flux-2-pro', prompt: 'a mug on a table', width: 1024, height: 1024 },
			{ key: KEY, model_id: 'nano-banana-t2i', prompt: 'a mug on a table' },
		]);
		expect(square.outputs.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it('Fetch Result with API Images v7 collects a v7 job by its ID, with the items a waiting Generate gives', async () => {
		sandbox().configure({ processingMs: 300 });
		const queued = await runNode(sandbox(), { parameters: generate({ model: 'imagen-4', format: 'square', waitForCompletion: false }) });
		const id = String(queued.outputs[0].json.id);
		expect(queued.outputs[0].json).toMatchObject({ status: 'processing' });
		const fetched = await runNode(sandbox(), { parameters: fetchResultParams(id, { api: 'v7Images', output: 'urls' }) });
		expect(fetched.error).toBeUndefined();
		expect(fetched.outputs[0].json).toMatchObject({ id, status: 'success', format: null });
		expect(sandbox().counters().requests.filter((request) => request.path !== T2I).every((request) => request.path === `/api/v7/images/fetch/${id}`)).toBe(true);
	});
});

describe('adding a model is one catalog entry', () => {
	const NEW_MODEL: ImageModel = {
		id: 'poster-xl',
		name: 'Poster XL (test)',
		direction: 'generate',
		size: { by: 'ratio', ratios: ['2:3', '3:2'], required: true },
		samples: { max: 2, wire: 'number' },
		options: [
			{ name: 'negativePrompt', label: 'Negative Prompt', kind: 'text', maxLength: 100, description: 'What the poster should not show' },
			{ name: 'printReady', label: 'Print Ready', kind: 'boolean', description: 'Whether to add bleed' },
		],
		source: 'a test entry',
	};
	const operation = modelsOperation(
		{ value: 'generate', name: 'Generate Image', action: 'Generate', description: 'Generate', direction: 'generate', route: T2I },
		[...IMAGE_MODELS, NEW_MODEL],
	);

	it('its Model option, and Format and Images fields shown for it', () => {
		const model = operation.description.find((field) => field.name === 'model');
		expect(model?.options).toContainEqual({ name: 'Poster XL (test)', value: 'poster-xl', description: 'model_id poster-xl; aspect ratio 2:3, 3:2; 1–2 images' });
		const formats = operation.description.filter((field) => field.name === 'format' && field.displayOptions?.show?.model?.includes('poster-xl'));
		expect(formats).toHaveLength(1);
		expect(formats[0].options?.find((option) => 'value' in option && option.value === 'story')).toMatchObject({ description: 'Sends aspect ratio 2:3' });
		expect(operation.description.filter((field) => field.name === 'samples' && field.displayOptions?.show?.model?.includes('poster-xl'))).toHaveLength(1);
		// its own options, in Options, shown for it alone
		const [options] = operation.description.filter((field) => field.name === 'options');
		expect((options.options as INodeProperties[]).map((option) => [option.name, option.type, option.displayOptions?.show?.['/model'] ?? 'every model'])).toEqual([
			['trackId', 'string', 'every model'],
			['webhook', 'string', 'every model'],
			['negativePrompt', 'string', ['poster-xl']],
			['printReady', 'boolean', ['poster-xl']],
		]);
	});

	it('its rules and its body, through a run of the operation', async () => {
		const recorder = await startRecorder();
		try {
			const type: INodeType = {
				description: {
					displayName: 'Catalog Test',
					name: 'catalogTest',
					group: ['transform'],
					version: 1,
					description: 'One model operation built from a copy of the catalog',
					defaults: { name: 'Catalog Test' },
					inputs: [NodeConnectionTypes.Main],
					outputs: [NodeConnectionTypes.Main],
					credentials: [{ name: 'modelsLabApi', required: true }],
					properties: operation.description,
				},
				async execute(this: IExecuteFunctions) {
					return [await operation.execute.call(this, 0)];
				},
			};
			const run = async (parameters: INodeParameters) =>
				await runWorkflow({
					nodeTypes: { 'test.catalogTest': type },
					credentialTypes: { modelsLabApi: new ModelsLabApi() },
					credentials: { modelsLabApi: { apiKey: KEY, baseUrl: recorder.url } },
					node: { type: 'test.catalogTest', parameters: { prompt: 'a poster', output: 'urls', ...parameters } },
				});
			const refused = await run({ model: 'poster-xl', format: 'story', samples: 5 });
			expect(refused.error?.message).toBe('Invalid parameters: Images must be between 1 and 2, got 5');
			const longNegative = await run({ model: 'poster-xl', format: 'story', options: { negativePrompt: 'x'.repeat(101) } });
			expect(longNegative.error?.message).toMatch(/^Invalid parameters: Negative Prompt must be at most 100 characters/);
			expect(recorder.requests).toEqual([]);
			await run({ model: 'poster-xl', format: 'landscape', samples: 2, options: { negativePrompt: 'text', printReady: true } });
			expect(recorder.requests.map((request) => [request.url, JSON.parse(request.body)])).toEqual([
				[T2I, { key: KEY, model_id: 'poster-xl', prompt: 'a poster', aspect_ratio: '3:2', samples: 2, negative_prompt: 'text', print_ready: true }],
			]);
		} finally {
			await recorder.close();
		}
	});

	it('the registry\'s Generate Image is this factory on the catalog', () => {
		const registered = findOperation(operations, 'generate')!;
		expect(registered.description.find((field) => field.name === 'model')?.options).toHaveLength(IMAGE_MODELS.filter((model) => model.direction === 'generate').length + 1);
	});
});
