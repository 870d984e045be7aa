import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { FORMAT_PRESETS } from '../../nodes/ModelsLab/schemas/formats';
import { encodePng } from '../../sandbox/images/png';
import { apiCalls, createAnswer, fetchResultParams, pngSize, runNode, text2imgParams, useSandbox } from './setup';

/**
 * Issue 15 in-process: the Format presets decide the size sent (hidden Width and Height do not
 * count), the output tells each image's real size and the format, and File Name names the files.
 */

const sandbox = useSandbox();
const KEY = 'sandbox-standard-key';
const rows = (...json: IDataObject[]): INodeExecutionData[] => json.map((row) => ({ json: row }));
const names = (items: INodeExecutionData[]) => items.map((item) => item.binary?.data.fileName);
const sizes = (items: INodeExecutionData[]) => items.map(({ json }) => [json.width, json.height, json.format]);

describe('Format', () => {
	it('story: 576 × 1024 is sent, whatever the hidden Width and Height hold; the output tells size and format', async () => {
		const result = await runNode(sandbox(), { parameters: text2imgParams({ format: 'story', width: 2048, height: 100 }) });
		expect(result.error).toBeUndefined();
		expect(apiCalls(sandbox())).toEqual([
			{
				path: '/api/v6/images/text2img',
				body: { key: KEY, model_id: 'flux', prompt: 'a lighthouse at dawn', width: 576, height: 1024, samples: 1 },
			},
		]);
		expect(sizes(result.outputs)).toEqual([[576, 1024, 'story']]);
		expect(pngSize(result.binaries[0].data)).toEqual({ width: 576, height: 1024 });
	});

	it.each(FORMAT_PRESETS.map((preset) => [preset.value, preset] as const))(
		'%s on Text to Image and Enterprise Text to Image: its size in the body and in the output',
		async (_value, preset) => {
			for (const operation of ['text2img', 'enterpriseText2img']) {
				sandbox().reset();
				const result = await runNode(sandbox(), {
					parameters: text2imgParams({ operation, format: preset.value, output: 'urls', modelId: { __rl: true, mode: 'id', value: 'sdxl' } }),
				});
				expect(result.error).toBeUndefined();
				expect(apiCalls(sandbox())[0].body).toMatchObject({ width: preset.width, height: preset.height });
				// links only: the size comes from the answer's meta
				expect(sizes(result.outputs)).toEqual([[preset.width, preset.height, preset.value]]);
			}
		},
	);

	it('from an expression, per row: each row its own format; an unknown one, or none, is refused by name', async () => {
		const result = await runNode(sandbox(), {
			parameters: text2imgParams({ format: '={{ $json.format }}', output: 'urls', prompt: '={{ $json.prompt }}' }),
			inputItems: rows({ format: 'square', prompt: 'a' }, { format: 'reel', prompt: 'b' }, { format: 'pin', prompt: 'c' }, { prompt: 'd' }),
			continueOnFail: true,
		});
		expect(apiCalls(sandbox()).map(({ body }) => body as IDataObject).map((body) => [body.prompt, body.width, body.height])).toEqual([
			['a', 1024, 1024],
			['c', 680, 1024],
		]);
		const formats = 'Invalid parameters: Format must be one of custom, square, portrait, story, landscape, linkPreview, pin, got';
		expect(result.outputs[1].json).toMatchObject({ error: `${formats} "reel"` });
		expect(result.outputs[3].json).toMatchObject({ error: `${formats} nothing` });
		expect(sizes([result.outputs[0], result.outputs[2]])).toEqual([
			[1024, 1024, 'square'],
			[680, 1024, 'pin'],
		]);
	});

	it.each(['text2img', 'enterpriseText2img'])('%s: a saved format that is none of the names is refused by name, not by a missing Width', async (operation) => {
		const result = await runNode(sandbox(), { parameters: text2imgParams({ operation, format: 'reel', modelId: { __rl: true, mode: 'id', value: 'sdxl' } }) });
		expect(result.error).toMatchObject({
			message: 'Invalid parameters: Format must be one of custom, square, portrait, story, landscape, linkPreview, pin, got "reel"',
			description: 'Nothing was sent to ModelsLab.',
		});
		expect(sandbox().counters().requests).toEqual([]);
	});

	it('a node saved without a format sends its Width and Height exactly as before, and says custom', async () => {
		const result = await runNode(sandbox(), { parameters: text2imgParams({ width: 640, height: 384 }) });
		expect(apiCalls(sandbox())[0].body).toEqual({ key: KEY, model_id: 'flux', prompt: 'a lighthouse at dawn', width: 640, height: 384, samples: 1 });
		expect(sizes(result.outputs)).toEqual([[640, 384, 'custom']]);
	});

	it('Outpaint: the preset is the target canvas', async () => {
		const image = encodePng(64, 48, Buffer.alloc(64 * 48 * 3, 90));
		const result = await runNode(sandbox(), {
			parameters: { resource: 'image', operation: 'outpaint', format: 'landscape', width: 1280, height: 720 },
			inputItems: [{ json: {}, binary: { data: { data: image.toString('base64'), mimeType: 'image/png' } } }],
		});
		expect(result.error).toBeUndefined();
		expect(apiCalls(sandbox())[0].body).toMatchObject({ width: 1024, height: 576, overlap_width: 10 });
		expect(sizes(result.outputs)).toEqual([[1024, 576, 'landscape']]);
		expect(pngSize(result.binaries[0].data)).toEqual({ width: 1024, height: 576 });
	});
});

describe('exact platform pixels: a preset, then Upscale ×2', () => {
	it('a story image upscaled ×2 is 1152 × 2048, and its item says so', async () => {
		const story = await runNode(sandbox(), { parameters: text2imgParams({ format: 'story' }) });
		const upscaled = await runNode(sandbox(), {
			parameters: { resource: 'image', operation: 'upscale', scale: 2 },
			inputItems: story.outputs.map((item, index) => ({ json: item.json, binary: { data: { data: story.binaries[index].data.toString('base64'), mimeType: 'image/png' } } })),
		});
		expect(upscaled.error).toBeUndefined();
		expect(sizes(upscaled.outputs)).toEqual([[1152, 2048, 'custom']]);
		expect(pngSize(upscaled.binaries[0].data)).toEqual({ width: 1152, height: 2048 });
	});
});

describe('the size in the output', () => {
	it('binary: read from the image itself, even when the meta says otherwise', async () => {
		sandbox().injectFault({ route: 'create', kind: 'shape', set: { meta: { width: 9, height: 9, seed: 1 } } });
		const result = await runNode(sandbox(), { parameters: text2imgParams({ width: 640, height: 384 }) });
		expect(sizes(result.outputs)).toEqual([[640, 384, 'custom']]);
	});

	it('links: from the meta (width/height or W/H), else null', async () => {
		sandbox().injectFault({ route: 'create', kind: 'shape', set: { meta: { W: 9, H: 7 } } });
		const fromMeta = await runNode(sandbox(), { parameters: text2imgParams({ output: 'urls' }) });
		expect(sizes(fromMeta.outputs)).toEqual([[9, 7, 'custom']]);
		sandbox().reset();
		sandbox().injectFault({ route: 'create', kind: 'shape', drop: ['meta'] });
		const none = await runNode(sandbox(), { parameters: text2imgParams({ output: 'urls' }) });
		expect(sizes(none.outputs)).toEqual([[null, null, 'custom']]);
	});

	it('Fetch Result: the real size, and format null (the job does not say which format made it)', async () => {
		const started = await runNode(sandbox(), { parameters: text2imgParams({ format: 'portrait', waitForCompletion: false }) });
		const id = String(started.outputs[0].json.id);
		const fetched = await runNode(sandbox(), { parameters: fetchResultParams(id) });
		expect(sizes(fetched.outputs)).toEqual([[816, 1024, null]]);
	});
});

describe('File Name', () => {
	it('from a sheet column: one file per row named after its sku, with the extension from the bytes', async () => {
		const result = await runNode(sandbox(), {
			parameters: text2imgParams({ format: 'story', fileName: '={{ $json.sku }}-story', prompt: '={{ $json.prompt }}' }),
			inputItems: rows({ sku: 'SKU-1', prompt: 'a' }, { sku: 12345, prompt: 'b' }, { sku: 'SKU-3.jpg', prompt: 'c' }),
		});
		expect(result.error).toBeUndefined();
		expect(names(result.outputs)).toEqual(['SKU-1-story.png', '12345-story.png', 'SKU-3.jpg-story.png']);
		expect(result.outputs.map((item) => item.binary?.data.fileExtension)).toEqual(['png', 'png', 'png']);
	});

	it('several images from one item get "-<imageIndex>"; a typed image extension is replaced', async () => {
		const result = await runNode(sandbox(), { parameters: text2imgParams({ samples: 2, fileName: 'banner.JPG' }) });
		expect(names(result.outputs)).toEqual(['banner-0.png', 'banner-1.png']);
	});

	it('slashes and control characters become "_", the name is cut to 200 characters, and an empty one keeps the node\'s name', async () => {
		const result = await runNode(sandbox(), {
			parameters: text2imgParams({ fileName: '={{ $json.name }}', output: 'binary' }),
			inputItems: rows({ name: '../campaigns/spring\u0000sale' }, { name: 'x'.repeat(5000) }, { name: '' }),
		});
		const ids = sandbox()
			.counters()
			.jobs.map((job) => String(job.id));
		const [sanitised, long, fallback] = names(result.outputs);
		expect(sanitised).toBe('_campaigns_spring_sale.png');
		expect(long).toBe(`${'x'.repeat(196)}.png`);
		expect(fallback).toBe(`modelslab-${ids[2]}-0.png`);
	});

	it('two rows with the same name give two files of that name (storage such as S3 then keeps the last)', async () => {
		const result = await runNode(sandbox(), {
			parameters: text2imgParams({ fileName: '={{ $json.sku }}', prompt: '={{ $json.prompt }}' }),
			inputItems: rows({ sku: 'SAME', prompt: 'a' }, { sku: 'SAME', prompt: 'b' }),
		});
		expect(names(result.outputs)).toEqual(['SAME.png', 'SAME.png']);
		expect(result.binaries[0].data.equals(result.binaries[1].data)).toBe(false);
	});

	it('an empty cell (null) keeps the node\'s name', async () => {
		const result = await runNode(sandbox(), { parameters: text2imgParams({ fileName: '={{ $json.sku }}' }), inputItems: rows({ sku: null }) });
		expect(names(result.outputs)).toEqual([`modelslab-${sandbox().counters().jobs[0].id}-0.png`]);
	});

	it('a value that is no text is refused by name before anything is sent', async () => {
		const result = await runNode(sandbox(), {
			parameters: text2imgParams({ fileName: '={{ $json.name }}' }),
			inputItems: rows({ name: { sku: 1 } }),
		});
		expect(result.error).toMatchObject({
			message: 'Invalid parameters: File Name must be text, e.g. {{ $json.sku }}-story, got {"sku":1}',
			description: 'Nothing was sent to ModelsLab.',
		});
		expect(sandbox().counters().requests).toEqual([]);
	});

	it('applies to the editing operations and to Fetch Result', async () => {
		const image = encodePng(64, 48, Buffer.alloc(64 * 48 * 3, 90));
		const edited = await runNode(sandbox(), {
			parameters: { resource: 'image', operation: 'removeBackground', fileName: 'cutout' },
			inputItems: [{ json: {}, binary: { data: { data: image.toString('base64'), mimeType: 'image/png' } } }],
		});
		expect(names(edited.outputs)).toEqual(['cutout.png']);
		const started = await runNode(sandbox(), { parameters: text2imgParams({ waitForCompletion: false }) });
		const fetched = await runNode(sandbox(), { parameters: fetchResultParams(String(started.outputs[0].json.id), { fileName: 'later' }) });
		expect(names(fetched.outputs)).toEqual(['later.png']);
		expect(createAnswer(sandbox()).id).toBe(Number(started.outputs[0].json.id));
	});
});
