import type { IDataObject, INodeParameters } from 'n8n-workflow';

import * as text2img from '../../nodes/ModelsLab/actions/image/text2img.operation';
import { encodePng } from '../../sandbox/images/png';
import { HOSTILE, expectSafeFileName } from '../hostileValues';
import { FLUX, fetchResultParams, runNode, text2imgParams, useSandbox } from './setup';

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
		// whatever passed validation was fetched twice (not found, and again when the 1 s grace ends); nothing else was sent
		expect(sandbox().counters().fetches).toBe(2 * (HOSTILE.length - refused.length));
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

