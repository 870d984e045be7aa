import type { IDataObject, INodeParameters } from 'n8n-workflow';

import * as text2img from '../../nodes/ModelsLab/actions/image/text2img.operation';
import { IMAGE_MODELS } from '../../nodes/ModelsLab/catalogs/images';
import { VIDEO_MODELS } from '../../nodes/ModelsLab/catalogs/videos';
import { describeValue } from '../../nodes/ModelsLab/parameters/validate';
import { LIMITS } from '../../nodes/ModelsLab/schemas/limits';
import { httpUrl } from '../../nodes/ModelsLab/schemas/rules';
import { encodePng } from '../../sandbox/images/png';
import { HOSTILE, PROTOTYPE_NAMES, expectSafeFileName } from '../hostileValues';
import { FLUX, apiCalls, fetchResultParams, runNode, text2imgParams, useSandbox } from './setup';

/**
 * Bad input through the real node: every hostile value reaches every field from an expression
 * (`{{ $json.v }}`, so objects, NaN and a 1 MB string arrive as they are). Each item must either
 * pass validation and run, or fail with a short error that names the field, before any request.
 */

const sandbox = useSandbox();
const EXPRESSION = '={{ $json.v }}';
const NOTHING_SENT = 'Nothing was sent to ModelsLab.';

/** Every option of Text to Image, from the node's own description; LoRAs get their own entries below. */
const OPTIONS = (text2img.description.find((property) => property.name === 'options')?.options ?? [])
	.map((option) => option.name)
	.filter((name) => name !== 'loras');

interface Field {
	name: string;
	/** Labels an error about this field may start with. */
	labels: string[];
	parameters: INodeParameters;
}

const URLS = { output: 'urls' };
const TEXT2IMG_FIELDS: Field[] = [
	{ name: 'modelId', labels: ['Model'], parameters: { ...URLS, modelId: { ...FLUX, value: EXPRESSION } } },
	{ name: 'prompt', labels: ['Prompt'], parameters: { ...URLS, prompt: EXPRESSION } },
	{ name: 'negativePrompt', labels: ['Negative Prompt'], parameters: { ...URLS, negativePrompt: EXPRESSION } },
	{ name: 'format', labels: ['Format'], parameters: { ...URLS, format: EXPRESSION } },
	{ name: 'width', labels: ['Width'], parameters: { ...URLS, width: EXPRESSION } },
	{ name: 'height', labels: ['Height'], parameters: { ...URLS, height: EXPRESSION } },
	{ name: 'samples', labels: ['Number of Images'], parameters: { ...URLS, samples: EXPRESSION } },
	// one field per run; options are named by their own label or by "Options"
	...OPTIONS.map((option) => ({ name: `options.${option}`, labels: [], parameters: { ...URLS, options: { [option]: EXPRESSION } } })),
	// n8n drops an expression given for a whole fixed collection, so the hostile values go into its entries
	...['model', 'strength'].map((part) => ({
		name: `options.loras.${part}`,
		labels: ['LoRAs'],
		parameters: { ...URLS, options: { loras: { lora: [{ model: 'more_details', strength: 0.5, [part]: EXPRESSION }] } } },
	})),
	{ name: 'waitForCompletion', labels: ['Wait for Completion'], parameters: { ...URLS, waitForCompletion: EXPRESSION } },
	{ name: 'maxWaitTime', labels: ['Max Wait Time (Seconds)'], parameters: { ...URLS, maxWaitTime: EXPRESSION } },
	{ name: 'output', labels: ['Output'], parameters: { output: EXPRESSION } },
	{ name: 'binaryPropertyName', labels: ['Put Output File in Field'], parameters: { binaryPropertyName: EXPRESSION } },
	{ name: 'maxImageSize', labels: ['Max Image Size (MB)'], parameters: { maxImageSize: EXPRESSION } },
];

/** One item per hostile value, tagged by its prompt so a request can be traced to its item. */
const inputItems = HOSTILE.map((v, index) => ({ json: { v, p: `item ${index}` } as IDataObject }));

function promptsSent(): string[] {
	return sandbox()
		.counters()
		.requests.map((request) => (request.body as { prompt?: string }).prompt ?? '');
}

function expectFieldNamed(json: IDataObject, labels: string[], prefix = 'Invalid parameters: ') {
	const message = String(json.error);
	const problems = message.slice(prefix.length);
	if (!message.startsWith(prefix) || (labels.length > 0 && !labels.some((label) => problems.startsWith(label)))) {
		throw new Error(`error does not name ${labels.join(' or ')}: ${message.slice(0, 200)}`);
	}
	expect(message.length).toBeLessThan(500);
	expect(String(json.description).startsWith(NOTHING_SENT)).toBe(true);
}

describe('hostile values from expressions, through the node', () => {
	it.each(TEXT2IMG_FIELDS.map((field) => [field.name, field] as const))('Text to Image: %s', async (_name, field) => {
		const result = await runNode(sandbox(), {
			parameters: text2imgParams({ prompt: '={{ $json.p }}', ...field.parameters, concurrency: 10 }),
			inputItems,
			continueOnFail: true,
		});
		expect(result.status).toBe('success');
		expect(result.outputs.map((item) => item.pairedItem)).toEqual(inputItems.map((_item, item) => ({ item })));
		const sent = promptsSent();
		let refused = 0;
		result.outputs.forEach((item, index) => {
			if (item.json.error === undefined) {
				expect(item.json.status).toBe('success');
				return;
			}
			refused++;
			expectFieldNamed(item.json, field.labels);
			if (field.name !== 'prompt') expect(sent).not.toContain(`item ${index}`);
		});
		expect(refused).toBeGreaterThan(0);
		expect(sent).toHaveLength(HOSTILE.length - refused);
	});

	it('File Name: each value names a safe file or is refused by name; the node\'s own name when nothing usable is left', async () => {
		const result = await runNode(sandbox(), {
			parameters: text2imgParams({ prompt: '={{ $json.p }}', fileName: EXPRESSION, concurrency: 10 }),
			inputItems,
			continueOnFail: true,
		});
		expect(result.outputs.map((item) => item.pairedItem)).toEqual(inputItems.map((_item, item) => ({ item })));
		const sent = promptsSent();
		let refused = 0;
		result.outputs.forEach((item, index) => {
			if (item.json.error !== undefined) {
				refused++;
				expectFieldNamed(item.json, ['File Name']);
				expect(sent).not.toContain(`item ${index}`);
				return;
			}
			const name = String(item.binary?.data.fileName);
			expectSafeFileName(name, '.png');
		});
		expect(refused).toBeGreaterThan(0);
		expect(sent).toHaveLength(HOSTILE.length - refused);
	});

	it.each([
		['format', ['Format'], { format: EXPRESSION }],
		['modelId', ['Model'], { modelId: { ...FLUX, value: EXPRESSION } }],
		['numInferenceSteps', ['Inference Steps'], { options: { numInferenceSteps: EXPRESSION } }],
	] as const)('Enterprise Text to Image: %s', async (_name, labels, parameters) => {
		const result = await runNode(sandbox(), {
			parameters: text2imgParams({ operation: 'enterpriseText2img', prompt: '={{ $json.p }}', output: 'urls', ...parameters }),
			inputItems,
			continueOnFail: true,
		});
		const sent = promptsSent();
		result.outputs.forEach((item, index) => {
			if (item.json.error === undefined) return;
			expectFieldNamed(item.json, [...labels]);
			expect(sent).not.toContain(`item ${index}`);
		});
	});

	it.each([
		['requestId', fetchResultParams(EXPRESSION), 'Request ID must be'],
		['api', fetchResultParams('13441520', { api: EXPRESSION }), 'Invalid parameters: API'],
	] as const)('Fetch Result: %s', async (_name, parameters, prefix) => {
		// Max Wait Time 1 s bounds the "Request not found" grace time (issue 12)
		const result = await runNode(sandbox(), {
			parameters: { ...parameters, output: 'urls', maxWaitTime: 1 },
			inputItems,
			continueOnFail: true,
		});
		expect(result.outputs).toHaveLength(HOSTILE.length);
		const refused = result.outputs.filter((item) => String(item.json.error).startsWith(prefix));
		for (const item of refused) expectFieldNamed(item.json, [], prefix);
		// whatever passed validation was fetched (not found), and again when the 1 s grace ended unless a loaded
		// machine had already used up the second; nothing else was sent
		const passed = HOSTILE.length - refused.length;
		const { fetches, requests } = sandbox().counters();
		expect(fetches).toBeGreaterThanOrEqual(passed);
		expect(fetches).toBeLessThanOrEqual(2 * passed);
		expect(requests.every((request) => request.route === 'fetch')).toBe(true);
	});

	it.each(HOSTILE.map((value, index) => [index, value] as const))('Concurrency: hostile value #%i', async (_index, v) => {
		const result = await runNode(sandbox(), {
			parameters: text2imgParams({ output: 'urls', concurrency: EXPRESSION }),
			inputItems: [{ json: { v } as IDataObject }],
		});
		if (result.status === 'success') return;
		expect(result.error?.message).toMatch(/^Invalid parameters: Concurrency /);
		expect(result.error?.description).toBe(NOTHING_SENT);
		expect(sandbox().counters().requests).toEqual([]);
	});

	const PNG = encodePng(8, 8, Buffer.alloc(8 * 8 * 3, 200)).toString('base64');
	const withImages = HOSTILE.map((v, index) => ({
		json: { v, p: `item ${index}` } as IDataObject,
		binary: { data: { data: PNG, mimeType: 'image/png' }, mask: { data: PNG, mimeType: 'image/png' } },
	}));
	const SDXL = { ...FLUX, value: 'sdxl' };
	it.each([
		['img2img', 'strength', ['Strength'], { modelId: SDXL, prompt: 'p', strength: EXPRESSION }],
		['img2img', 'options.algorithmType', ['Algorithm Type'], { modelId: SDXL, prompt: 'p', options: { algorithmType: EXPRESSION } }],
		['inpaint', 'maskBinaryField', ['Mask Binary Field'], { modelId: SDXL, prompt: 'p', maskBinaryField: EXPRESSION }],
		['upscale', 'imageUrl', ['Image URL'], { imageSource: 'url', imageUrl: EXPRESSION }],
		['upscale', 'inputBinaryField', ['Input Binary Field'], { inputBinaryField: EXPRESSION }],
		['upscale', 'scale', ['Scale'], { scale: EXPRESSION }],
		['upscale', 'upscaleModel', ['Upscale Model'], { upscaleModel: EXPRESSION }],
		['removeBackground', 'options.alphaMattingErodeSize', ['Alpha Matting Erode Size'], { options: { alphaMattingErodeSize: EXPRESSION } }],
		['outpaint', 'format', ['Format'], { format: EXPRESSION }],
		['outpaint', 'overlapWidth', ['Overlap Width'], { overlapWidth: EXPRESSION, width: 64, height: 64 }],
		['outpaint', 'options.numInferenceSteps', ['Inference Steps'], { options: { numInferenceSteps: EXPRESSION }, width: 64, height: 64 }],
		['objectRemoval', 'maskUrl', ['Mask URL'], { maskSource: 'url', maskUrl: EXPRESSION }],
	] as const)('%s: %s', async (operation, _field, labels, parameters) => {
		const result = await runNode(sandbox(), {
			parameters: { resource: 'image', operation, output: 'urls', concurrency: 10, ...parameters },
			inputItems: withImages,
			continueOnFail: true,
		});
		expect(result.outputs.map((item) => item.pairedItem)).toEqual(withImages.map((_item, item) => ({ item })));
		let refused = 0;
		for (const item of result.outputs) {
			if (item.json.error === undefined) {
				expect(item.json.status).toBe('success');
				continue;
			}
			refused++;
			// a value that is valid text but names no binary field is refused by the image reader, naming the field
			const message = String(item.json.error);
			const prefix = message.startsWith('Invalid parameters: ') ? 'Invalid parameters: ' : '';
			expectFieldNamed(item.json, labels as unknown as string[], prefix);
			expect(String(item.json.description)).toMatch(/^Nothing was sent to ModelsLab\./);
		}
		expect(refused).toBeGreaterThan(0);
		// one create per item that passed, and nothing else but the uploads of those
		expect(sandbox().counters().creates).toBe(HOSTILE.length - refused);
		expect(sandbox().counters().requests.filter((request) => request.route !== 'upload')).toHaveLength(HOSTILE.length - refused);
	});
});

/**
 * Generate Image, Edit Image and the Video resource (ModelsLab v7): the hostile values, and names every
 * object has through its prototype, from an expression into one field per run. Each item is refused
 * before anything is sent for it, naming the field, or its create carries a value the model allows.
 */
describe('hostile values from expressions, through the v7 images and video operations', () => {
	const KEY = 'sandbox-standard-key';
	const PHOTO = 'https://cdn.example.com/start.png';
	const TAG = '={{ $json.p }}';
	const CREATE_PATHS = {
		generate: '/api/v7/images/text-to-image',
		edit: '/api/v7/images/image-to-image',
		imageToVideo: '/api/v7/video-fusion/image-to-video',
		textToVideo: '/api/v7/video-fusion/text-to-video',
	};
	type V7Operation = keyof typeof CREATE_PATHS;
	// a video create always answers "processing": not waiting keeps these runs to their creates
	const BASE: Record<V7Operation, INodeParameters> = {
		generate: { resource: 'image', model: 'imagen-4', format: 'square' },
		edit: { resource: 'image', model: 'nano-banana-pro', format: 'square', imageSource: 'url', imageUrls: PHOTO },
		imageToVideo: { resource: 'video', model: 'seedance-i2v', imageSource: 'url', imageUrl: PHOTO, waitForCompletion: false },
		textToVideo: { resource: 'video', model: 'sora-2', waitForCompletion: false },
	};
	const HAILUO_START_END = 'Hailuo-02-start-end-frame';
	const modelIds = (direction: V7Operation) => [...IMAGE_MODELS, ...VIDEO_MODELS].filter((model) => model.direction === direction).map((model) => model.id);
	const rl = (value: string) => ({ __rl: true, mode: 'id', value });
	const isText = (value: unknown, max: number): value is string => typeof value === 'string' && value.length <= max;
	const isLink = (value: unknown) => typeof value === 'string' && httpUrl.safeParse(value).success;
	const isLinkList = (value: unknown, length?: number) => Array.isArray(value) && value.length > 0 && (length === undefined || value.length === length) && value.every(isLink);
	const oneOfValues = (values: readonly unknown[]) => (value: unknown) => values.includes(value);

	interface V7Case {
		operation: V7Operation;
		field: string;
		/** Labels the refusal may start with (after "Invalid parameters: " where the schema refuses). */
		labels: string[];
		parameters: INodeParameters;
		/** Whether a create body that was sent carries an allowed value of the field. */
		allowed: (body: IDataObject) => boolean;
	}

	const CASES: V7Case[] = [
		...(Object.keys(CREATE_PATHS) as V7Operation[]).flatMap((operation): V7Case[] => [
			{ operation, field: 'model', labels: ['Model'], parameters: { model: EXPRESSION }, allowed: (body) => modelIds(operation).includes(body.model_id as string) },
			// the item is traced by its Track ID here
			{ operation, field: 'prompt', labels: ['Prompt'], parameters: { prompt: EXPRESSION, options: { trackId: TAG } }, allowed: (body) => isText(body.prompt, LIMITS.promptLength.max) && body.prompt.trim() !== '' },
			{
				operation,
				field: 'otherModelId',
				labels: ['Model ID'],
				parameters: { model: 'other', otherModelId: rl(EXPRESSION) },
				allowed: ({ model_id: id }) => isText(id, 200) && id !== '' && !/\s/.test(id),
			},
		]),
		{ operation: 'generate', field: 'format', labels: ['Format'], parameters: { format: EXPRESSION }, allowed: (body) => oneOfValues(['1:1', '3:4', '4:3', '9:16', '16:9'])(body.aspect_ratio) },
		...(['width', 'height'] as const).map((side): V7Case => ({
			operation: 'generate',
			field: side,
			labels: [side === 'width' ? 'Width' : 'Height'],
			parameters: { model: 'flux-2-pro', format: 'custom', width: 768, height: 768, [side]: EXPRESSION },
			allowed: (body) => [body.width, body.height].every((value) => Number.isInteger(value) && (value as number) >= 512 && (value as number) <= 1024),
		})),
		{ operation: 'generate', field: 'samples', labels: ['Images'], parameters: { model: 'imagen-4.0-ultra', samples: EXPRESSION }, allowed: (body) => oneOfValues(['1', '2', '3', '4'])(body.samples) },
		{ operation: 'generate', field: 'extraBody', labels: ['Extra Body (JSON)'], parameters: { model: 'other', otherModelId: rl('sdxl'), extraBody: EXPRESSION }, allowed: (body) => body.model_id === 'sdxl' },
		...(['generate', 'textToVideo'] as const).flatMap((operation): V7Case[] => [
			{ operation, field: 'options.webhook', labels: ['Webhook URL'], parameters: { options: { webhook: EXPRESSION } }, allowed: (body) => body.webhook === undefined || isLink(body.webhook) },
			{ operation, field: 'options.trackId', labels: ['Track ID'], parameters: { options: { trackId: EXPRESSION } }, allowed: (body) => body.track_id === undefined || isText(body.track_id, LIMITS.shortText.max) },
		]),
		{ operation: 'edit', field: 'imageSource', labels: ['Image Source'], parameters: { imageSource: EXPRESSION }, allowed: () => false },
		{
			operation: 'edit',
			field: 'inputBinaryFields',
			// a list of no names is refused by the model's count of reference images
			labels: ['Input Binary Field', 'Nano Banana Pro'],
			parameters: { imageSource: 'binary', inputBinaryFields: EXPRESSION },
			allowed: (body) => isLinkList(body.init_image),
		},
		{ operation: 'edit', field: 'imageUrls', labels: ['Image URLs', 'Nano Banana Pro'], parameters: { imageUrls: EXPRESSION }, allowed: (body) => isLinkList(body.init_image) },
		{ operation: 'textToVideo', field: 'format', labels: ['Format'], parameters: { model: 'veo-3.1', format: EXPRESSION }, allowed: (body) => oneOfValues(['16:9', '9:16'])(body.aspect_ratio) },
		{ operation: 'textToVideo', field: 'duration', labels: ['Duration (Seconds)'], parameters: { duration: EXPRESSION }, allowed: (body) => oneOfValues(['4', '8', '12'])(body.duration) },
		{ operation: 'textToVideo', field: 'resolution', labels: ['Resolution'], parameters: { model: 'wan2.6-t2v', resolution: EXPRESSION }, allowed: (body) => oneOfValues(['720p', '1080p'])(body.resolution) },
		{ operation: 'imageToVideo', field: 'imageSource', labels: ['Image Source'], parameters: { imageSource: EXPRESSION }, allowed: () => false },
		{
			operation: 'imageToVideo',
			field: 'inputBinaryField',
			labels: ['Input Binary Field'],
			parameters: { imageSource: 'binary', inputBinaryField: EXPRESSION },
			allowed: (body) => isLink(body.init_image),
		},
		{ operation: 'imageToVideo', field: 'imageUrl', labels: ['Image URL'], parameters: { imageUrl: EXPRESSION }, allowed: (body) => isLink(body.init_image) },
		{
			operation: 'imageToVideo',
			field: 'lastFrameUrl',
			labels: ['Last Frame URL'],
			parameters: { model: HAILUO_START_END, lastFrameUrl: EXPRESSION },
			allowed: ({ init_image: links }) => isLinkList(links, 2) && (links as string[])[0] === PHOTO,
		},
		{
			operation: 'imageToVideo',
			field: 'lastFrameBinaryField',
			labels: ['Last Frame Binary Field'],
			parameters: { model: HAILUO_START_END, imageSource: 'binary', inputBinaryField: 'data', lastFrameBinaryField: EXPRESSION },
			allowed: ({ init_image: links }) => isLinkList(links, 2),
		},
	];

	const VALUES = [...HOSTILE, ...PROTOTYPE_NAMES];
	/**
	 * Every item has a start image ("data") and an end frame ("lastFrame"), and an image in a binary field named by
	 * its value where that is short text, so a binary-field value that passes is read, uploaded and sent. A name
	 * its prototype has must find nothing, so it names no field.
	 */
	const FRAME = { data: encodePng(8, 8, Buffer.alloc(8 * 8 * 3, 120)).toString('base64'), mimeType: 'image/png' };
	const binaryOf = (v: unknown) => ({
		data: FRAME,
		lastFrame: FRAME,
		...(typeof v === 'string' && v.length <= LIMITS.shortText.max && !PROTOTYPE_NAMES.includes(v) ? { [v]: FRAME } : {}),
	});

	/** The item a create belongs to, from its prompt, or its Track ID where the prompt is the hostile value. */
	const itemOf = (body: IDataObject) => [body.prompt, body.track_id].map((tag) => /^item (\d+)$/.exec(String(tag))?.[1]).find(Boolean);

	/** Runs one field with these values, one item each, and gives every item that broke the property, so one run shows them all. */
	async function problemsOf({ operation, labels, parameters, allowed }: V7Case, values: unknown[]): Promise<string[]> {
		sandbox().configure({ processingMs: 0 });
		const items = values.map((v, index) => ({ json: { v, p: `item ${index}` } as IDataObject, binary: binaryOf(v) }));
		const result = await runNode(sandbox(), {
			parameters: { ...BASE[operation], operation, prompt: TAG, output: 'urls', concurrency: 10, ...parameters },
			inputItems: items,
			continueOnFail: true,
		});
		expect(result.status).toBe('success');
		expect(result.outputs.map((item) => item.pairedItem)).toEqual(items.map((_item, item) => ({ item })));
		const calls = apiCalls(sandbox());
		const creates = calls.filter((call) => call.path === CREATE_PATHS[operation]).map((call) => call.body as IDataObject);
		const sentFor = new Map(creates.map((body) => [Number(itemOf(body)), body]));
		expect(sentFor.size).toBe(creates.length);
		expect(creates.length).toBeLessThan(values.length);
		// besides the creates, only the uploads of the files they carry
		const uploads = creates.flatMap((body) => [body.init_image].flat()).filter((link) => link !== undefined && link !== PHOTO);
		expect(calls.length - creates.length).toBe(uploads.length);
		return result.outputs.flatMap((item, index) => {
			const body = sentFor.get(index);
			const value = describeValue(values[index]);
			if (body === undefined) {
				const message = String(item.json.error);
				try {
					expectFieldNamed(item.json, labels, message.startsWith('Invalid parameters: ') ? 'Invalid parameters: ' : '');
					return [];
				} catch {
					return [`${value}: nothing sent, but the error is ${describeValue(message)} (${message.length} characters)`];
				}
			}
			const sent = JSON.stringify(body);
			return sent.includes('[object Object]') || body.key !== KEY || !allowed(body) ? [`${value}: sent ${describeValue(sent)}`] : [];
		});
	}

	it.each(CASES.map((testCase) => [testCase.operation, testCase.field, testCase] as const))('%s: %s', async (_operation, _field, testCase) => {
		expect(await problemsOf(testCase, VALUES)).toEqual([]);
	});
});
