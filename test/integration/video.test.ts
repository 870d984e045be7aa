import type { IDataObject, INodeExecutionData, INodeParameters, INodeProperties } from 'n8n-workflow';

import { allOperations } from '../../nodes/ModelsLab/actions/resources';
import { findOperation } from '../../nodes/ModelsLab/actions/operation';
import type { VideoModel } from '../../nodes/ModelsLab/catalogs/videos';
import { VIDEO_MODELS } from '../../nodes/ModelsLab/catalogs/videos';
import { mp4Info } from '../../nodes/ModelsLab/media/mp4';
import { encodePng } from '../../sandbox/images/png';
import { V7_VIDEO_MODELS } from '../../sandbox/routes/v7/videoCatalog';
import { apiCalls, fetchResultParams, runNode, useSandbox } from './setup';

/**
 * The Video resource (ModelsLab v7 video-fusion) in-process against the sandbox's own video catalog:
 * the exact body per model, the image from a file or a link, queued jobs, MP4 out as a streamed binary
 * file or as links, refusals before anything is sent, and Fetch Result `api: v7Video`.
 */
const sandbox = useSandbox();
const KEY = 'sandbox-standard-key';
const I2V = '/api/v7/video-fusion/image-to-video';
const T2V = '/api/v7/video-fusion/text-to-video';
const UPLOAD = '/api/v6/image_editing/base64_to_url';
const PHOTO = 'https://cdn.example.com/mug-story.png';

const video = (operation: 'imageToVideo' | 'textToVideo', extra: INodeParameters = {}): INodeParameters => ({
	resource: 'video',
	operation,
	prompt: 'the mug turns slowly',
	output: 'urls',
	...(operation === 'imageToVideo' ? { imageSource: 'url', imageUrl: PHOTO } : {}),
	...extra,
});

/** What each model is sent by default, written out by hand from the catalog's lists. */
const DEFAULT_FIELDS: Record<string, IDataObject> = {
	'seedance-i2v': { init_image: PHOTO },
	'seedance-1.0-pro-i2v': { init_image: [PHOTO] },
	'seedance-1.0-pro-fast-i2v': { init_image: PHOTO },
	'wan2.6-i2v': { init_image: PHOTO, duration: '5', resolution: '720p' },
	'kling-v2-1-master-i2v': { init_image: PHOTO, duration: '5' },
	'Kling-V2-5-Turbo-i2v': { init_image: PHOTO, duration: '5' },
	'kling-v2-1-i2v': { init_image: PHOTO, duration: '5' },
	'Hailuo-2.3-i2v': { init_image: PHOTO, duration: '6' },
	'Hailuo-02-i2v': { init_image: PHOTO },
	'Hailuo-02-start-end-frame': { init_image: [PHOTO, 'https://cdn.example.com/end.png'] },
	'seedance-t2v': { aspect_ratio: '16:9', resolution: '720p' },
	'wan2.6-t2v': { duration: '5', resolution: '720p' },
	'veo-3.1': { aspect_ratio: '9:16', duration: '4' },
	'veo-3.1-fast': { aspect_ratio: '9:16', duration: '4' },
	'sora-2': { aspect_ratio: '9:16', duration: '4' },
	'kling-v2-5-turbo-t2v': { aspect_ratio: '9:16', duration: '5' },
	'kling-v2-1-master-t2v': { duration: '5' },
	'Hailuo-2.3-t2v': {},
	'seedance-1.0-pro-fast-t2v': {},
};

describe('the node\'s video catalog and the sandbox\'s agree', () => {
	it('every model, in order, with the same image form, ratios, durations and resolutions', () => {
		// an option's API name is its name in snake_case; its label and description are the editor's
		const snake = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
		const optionRules = (option: NonNullable<VideoModel['options']>[number]) => {
			const rules: Record<string, unknown> = { ...option, field: snake(option.name) };
			for (const editorOnly of ['name', 'label', 'description']) delete rules[editorOnly];
			return rules;
		};
		const rulesOf = (model: VideoModel) =>
			Object.fromEntries(Object.entries(model).filter(([key]) => key !== 'name' && key !== 'source').map(([key, value]) => [key, key === 'options' ? model.options!.map(optionRules) : value]));
		expect(VIDEO_MODELS.map(rulesOf)).toEqual(V7_VIDEO_MODELS);
	});
});

describe('Video: the exact body of every catalog model', () => {
	it.each(VIDEO_MODELS.map((model) => [model.id, model] as const))('%s with its defaults', async (id, model) => {
		sandbox().configure({ processingMs: 0 });
		const extra: INodeParameters = { model: id, ...(model.image?.lastFrame ? { lastFrameUrl: 'https://cdn.example.com/end.png' } : {}) };
		const result = await runNode(sandbox(), { parameters: video(model.direction, extra) });
		expect(result.error).toBeUndefined();
		const path = model.direction === 'imageToVideo' ? I2V : T2V;
		expect(apiCalls(sandbox())[0]).toEqual({ path, body: { key: KEY, model_id: id, prompt: 'the mug turns slowly', ...DEFAULT_FIELDS[id] } });
		expect(result.outputs[0].json).toMatchObject({ status: 'success', videoUrl: expect.stringMatching(/\.mp4$/) });
	});
});

describe('Video: files, links and waiting', () => {
	it('a queued job over several fetches, then the MP4 streamed into binary data: type, extension, File Name, size and duration from its header', async () => {
		// the answers' eta (1 s) is shorter than the job: the node fetches several times
		sandbox().configure({ processingMs: 2500, etaSeconds: 1 });
		const result = await runNode(sandbox(), {
			parameters: video('textToVideo', { model: 'veo-3.1', duration: '8', output: 'binary', fileName: '={{ $json.sku }}-reel' }),
			inputItems: [{ json: { sku: 'SKU-1' } }],
		});
		expect(result.error).toBeUndefined();
		const requests = sandbox().counters().requests;
		const create = requests[0].response as { id: number; status: string };
		expect(create.status).toBe('processing');
		const fetches = requests.filter((request) => request.path !== T2V);
		expect(fetches.length).toBeGreaterThan(1);
		expect(new Set(fetches.map((request) => request.path))).toEqual(new Set([`/api/v7/video-fusion/fetch/${create.id}`]));
		const file = result.binaries[0].data;
		expect(result.outputs[0].binary?.data).toMatchObject({ mimeType: 'video/mp4', fileExtension: 'mp4', fileName: 'SKU-1-reel.mp4' });
		expect(file.equals(sandbox().jobBytes(create.id, 0))).toBe(true);
		expect(mp4Info(file)).toEqual({ width: 720, height: 1280, durationSeconds: 8 });
		expect(result.outputs[0].json).toMatchObject({ id: String(create.id), status: 'success', width: 720, height: 1280, durationSeconds: 8, format: '9:16' });
	});

	it.each(['default', 'filesystem'] as const)('in n8n\'s %s binary data mode (1.x keeps files in memory; 2.x on disk) the MP4 arrives whole', async (binaryMode) => {
		const result = await runNode(sandbox(), { parameters: video('textToVideo', { model: 'sora-2', duration: '12', output: 'binary' }), binaryMode });
		expect(result.error).toBeUndefined();
		const id = (sandbox().counters().requests[0].response as { id: number }).id;
		expect(result.binaries[0].data.equals(sandbox().jobBytes(id, 0))).toBe(true);
		expect(result.outputs[0].json).toMatchObject({ width: 720, height: 1280, durationSeconds: 12, format: '9:16' });
	});

	it('the image from a binary field: checked, uploaded, and sent as the model takes it', async () => {
		const photo = encodePng(72, 128, Buffer.alloc(72 * 128 * 3, 120));
		const item: INodeExecutionData = { json: {}, binary: { data: { data: photo.toString('base64'), mimeType: 'image/png', fileName: 'mug.png' } } };
		const result = await runNode(sandbox(), { parameters: video('imageToVideo', { model: 'seedance-i2v', imageSource: 'binary' }), inputItems: [item] });
		expect(result.error).toBeUndefined();
		const [upload, create] = sandbox().counters().requests;
		expect(upload.path).toBe(UPLOAD);
		expect((upload.body as { init_image: string }).init_image).toBe(`data:image/png;base64,${photo.toString('base64')}`);
		const link = (upload.response as { output: string[] }).output[0];
		expect(create).toMatchObject({ path: I2V, body: { key: KEY, model_id: 'seedance-i2v', prompt: 'the mug turns slowly', init_image: link } });
	});

	it('Fetch Result with API Video v7 collects a video job by its ID', async () => {
		sandbox().configure({ processingMs: 300 });
		const queued = await runNode(sandbox(), { parameters: video('textToVideo', { model: 'sora-2', waitForCompletion: false }) });
		const id = String(queued.outputs[0].json.id);
		expect(queued.outputs[0].json).toMatchObject({ status: 'processing' });
		const fetched = await runNode(sandbox(), { parameters: fetchResultParams(id, { api: 'v7Video', output: 'urls' }) });
		expect(fetched.error).toBeUndefined();
		expect(fetched.outputs[0].json).toMatchObject({ id, status: 'success', videoUrl: expect.stringMatching(/\.mp4$/) });
	});

	/** What `run` added to the heap and array buffers at its peak, sampled every 10 ms. */
	async function peakMemoryOf(run: () => Promise<void>): Promise<number> {
		const baseline = process.memoryUsage();
		let peak = 0;
		const sampler = setInterval(() => {
			const now = process.memoryUsage();
			peak = Math.max(peak, now.heapUsed + now.arrayBuffers - baseline.heapUsed - baseline.arrayBuffers);
		}, 10);
		try {
			await run();
		} finally {
			clearInterval(sampler);
		}
		return peak;
	}

	it('memory stays bounded while a 100 MB video streams in', async () => {
		sandbox().configure({ videoPayloadBytes: 100 * 1024 * 1024 });
		const peak = await peakMemoryOf(async () => {
			const result = await runNode(sandbox(), { parameters: video('textToVideo', { model: 'Hailuo-2.3-t2v', output: 'binary' }), skipBinaryRead: true });
			expect(result.error).toBeUndefined();
			// stored by n8n's filesystem mode: a file of the whole video, none of it in the item
			const stored = result.outputs[0].binary?.data as { id?: string; data?: string; fileSize?: string };
			expect(stored.id).toMatch(/^filesystem-v2:/);
			expect(stored.fileSize).toMatch(/^10\d(\.\d+)? MB$/);
		});
		// the whole file never sat in memory while it streamed
		expect(peak).toBeLessThan(60 * 1024 * 1024);
	});

	it('five 100 MB videos at Concurrency 5 (500 MB) stream in without holding them: under a third of their size', async () => {
		sandbox().configure({ videoPayloadBytes: 100 * 1024 * 1024 });
		const peak = await peakMemoryOf(async () => {
			const result = await runNode(sandbox(), {
				parameters: video('textToVideo', { model: 'Hailuo-2.3-t2v', output: 'binary', concurrency: 5 }),
				inputItems: Array.from({ length: 5 }, (_, row) => ({ json: { row } })),
				skipBinaryRead: true,
			});
			expect(result.error).toBeUndefined();
			expect(result.outputs.map((item) => [item.pairedItem, (item.binary?.data as { fileSize?: string }).fileSize])).toEqual(
				[0, 1, 2, 3, 4].map((row) => [{ item: row }, expect.stringMatching(/^10\d(\.\d+)? MB$/)]),
			);
			// each video downloaded once
			expect(sandbox().counters().cdnLog.filter((record) => record.path.endsWith('.mp4'))).toHaveLength(5);
		});
		// measured about 75 MB, garbage not yet collected included; holding the videos would take 500 MB
		expect(peak).toBeLessThan(160 * 1024 * 1024);
	});
});

describe('Video: refused before anything is sent', () => {
	it.each([
		['a ratio the model lacks (from an expression)', video('textToVideo', { model: 'veo-3.1', format: '={{ "4:3" }}' }), 'Invalid parameters: Format must be one of 16:9, 9:16 for Veo 3.1 (Google) (aspect ratios), got "4:3"'],
		['a duration the model lacks', video('textToVideo', { model: 'sora-2', duration: '={{ 7 }}' }), 'Invalid parameters: Duration (Seconds) must be one of 4, 8, 12 for Sora 2 (OpenAI) (seconds), got 7'],
		['no image', video('imageToVideo', { model: 'seedance-i2v', imageSource: 'binary' }), 'Input Binary Field "data": item 0 has no binary field "data"'],
	])('%s', async (_name, parameters, message) => {
		const result = await runNode(sandbox(), { parameters });
		expect(result.error?.message).toBe(message);
		expect(sandbox().counters().requests).toEqual([]);
	});
});

describe('Video fields', () => {
	it('wait longer and take larger files by default, under the image operations\' saved names', () => {
		const fields = findOperation(allOperations, 'textToVideo')!.description;
		expect(fields.find((field) => field.name === 'maxWaitTime')?.default).toBe(900);
		expect(fields.find((field) => field.name === 'maxImageSize')).toMatchObject({ displayName: 'Max Video Size (MB)', default: 200 });
		const imageFields = findOperation(allOperations, 'text2img')!.description;
		expect(imageFields.find((field) => field.name === 'maxWaitTime')?.default).toBe(300);
		expect(imageFields.find((field) => field.name === 'maxImageSize')?.default).toBe(50);
	});
});

describe('Video: a model from an expression, Other Model ID…, the last frame from a file', () => {
	it.each([
		['imageToVideo', I2V, ['kling-v2-1-master-i2v', 'wan2.6-i2v', 'Hailuo-2.3-i2v']],
		['textToVideo', T2V, ['seedance-t2v', 'veo-3.1', 'wan2.6-t2v']],
	] as const)('%s, a model from an expression: each row gets its own model\'s default duration, ratio and resolution, not another model\'s', async (operation, path, models) => {
		sandbox().configure({ processingMs: 0 });
		const result = await runNode(sandbox(), {
			parameters: video(operation, { model: '={{ $json.model }}', concurrency: 1 }),
			inputItems: models.map((model) => ({ json: { model } })),
		});
		expect(result.error).toBeUndefined();
		expect(apiCalls(sandbox()).filter((call) => call.path === path).map((call) => call.body)).toEqual(models.map((model) => ({ key: KEY, model_id: model, prompt: 'the mug turns slowly', ...DEFAULT_FIELDS[model] })));
	});

	it('a model from an expression with a value set for all rows: a model that lacks it is still refused, naming its own values', async () => {
		const result = await runNode(sandbox(), {
			parameters: video('textToVideo', { model: '={{ $json.model }}', duration: '12' }),
			inputItems: [{ json: { model: 'veo-3.1' } }],
		});
		expect(result.error?.message).toBe('Invalid parameters: Duration (Seconds) must be one of 4, 6, 8 for Veo 3.1 (Google) (seconds), got "12"');
		expect(sandbox().counters().requests).toEqual([]);
	});

	it('Other Model ID… on Image to Video: one image link, as most image-to-video models take it, and the Extra Body fields', async () => {
		sandbox().configure({ processingMs: 0 });
		const result = await runNode(sandbox(), {
			parameters: video('imageToVideo', { model: 'other', otherModelId: { __rl: true, mode: 'id', value: 'kling-v2-1-i2v' }, extraBody: '{"duration": "10"}' }),
		});
		expect(result.error).toBeUndefined();
		expect(apiCalls(sandbox())[0]).toEqual({ path: I2V, body: { key: KEY, model_id: 'kling-v2-1-i2v', prompt: 'the mug turns slowly', init_image: PHOTO, duration: '10' } });
	});

	it('the last frame from a binary field: uploaded after the start image; a missing field is named as Last Frame Binary Field', async () => {
		sandbox().configure({ processingMs: 0 });
		const png = (shade: number) => ({ data: encodePng(16, 16, Buffer.alloc(16 * 16 * 3, shade)).toString('base64'), mimeType: 'image/png', fileName: `frame-${shade}.png` });
		const parameters = video('imageToVideo', { model: 'Hailuo-02-start-end-frame', imageSource: 'binary', inputBinaryField: 'start', lastFrameBinaryField: 'end' });
		const missing = await runNode(sandbox(), { parameters, inputItems: [{ json: {}, binary: { start: png(10) } }] });
		expect(missing.error?.message).toBe('Last Frame Binary Field "end": item 0 has no binary field "end"');
		expect(sandbox().counters().requests).toEqual([]);

		const result = await runNode(sandbox(), { parameters, inputItems: [{ json: {}, binary: { start: png(10), end: png(200) } }] });
		expect(result.error).toBeUndefined();
		const [startUpload, endUpload, create] = apiCalls(sandbox());
		expect([startUpload.path, endUpload.path, create.path]).toEqual([UPLOAD, UPLOAD, I2V]);
		const linkOf = (index: number) => (sandbox().counters().requests[index].response as { output: string[] }).output[0];
		expect(create.body).toEqual({ key: KEY, model_id: 'Hailuo-02-start-end-frame', prompt: 'the mug turns slowly', init_image: [linkOf(0), linkOf(1)] });
	});
});

describe('Video: each model\'s own options, from its catalog entry', () => {
	it('Veo 3.1: Generate Audio off, a Negative Prompt and Enhance Prompt are sent with their API names, as added', async () => {
		sandbox().configure({ processingMs: 0 });
		const result = await runNode(sandbox(), {
			parameters: video('textToVideo', { model: 'veo-3.1', options: { generateAudio: false, negativePrompt: 'text on screen', enhancePrompt: true } }),
		});
		expect(result.error).toBeUndefined();
		expect(apiCalls(sandbox())[0]).toEqual({
			path: T2V,
			body: { key: KEY, model_id: 'veo-3.1', prompt: 'the mug turns slowly', ...DEFAULT_FIELDS['veo-3.1'], generate_audio: false, negative_prompt: 'text on screen', enhance_prompt: true },
		});
	});

	it('Seedance text to video: Fixed Camera; nothing of a model\'s own options is sent unless added', async () => {
		sandbox().configure({ processingMs: 0 });
		await runNode(sandbox(), { parameters: video('textToVideo', { model: 'seedance-t2v', options: { cameraFixed: true, trackId: 'row-7' } }) });
		expect(apiCalls(sandbox())[0].body).toEqual({ key: KEY, model_id: 'seedance-t2v', prompt: 'the mug turns slowly', ...DEFAULT_FIELDS['seedance-t2v'], camera_fixed: true, track_id: 'row-7' });
	});

	it('an option only another model takes is hidden for this one, and n8n drops its value: it is not sent', async () => {
		sandbox().configure({ processingMs: 0 });
		await runNode(sandbox(), { parameters: video('textToVideo', { model: 'sora-2', options: { generateAudio: false, trackId: 'row-1' } }) });
		expect(apiCalls(sandbox())[0].body).toEqual({ key: KEY, model_id: 'sora-2', prompt: 'the mug turns slowly', ...DEFAULT_FIELDS['sora-2'], track_id: 'row-1' });
	});

	it('a model from an expression: each row sends the shared options and only its own model\'s', async () => {
		sandbox().configure({ processingMs: 0 });
		const models = ['veo-3.1', 'sora-2', 'seedance-t2v'];
		await runNode(sandbox(), {
			parameters: video('textToVideo', { model: '={{ $json.model }}', concurrency: 1, options: { generateAudio: false, cameraFixed: true, trackId: 'sheet' } }),
			inputItems: models.map((model) => ({ json: { model } })),
		});
		const own: Record<string, IDataObject> = { 'veo-3.1': { generate_audio: false }, 'sora-2': {}, 'seedance-t2v': { camera_fixed: true } };
		expect(apiCalls(sandbox()).filter((call) => call.path === T2V).map((call) => call.body)).toEqual(
			models.map((model) => ({ key: KEY, model_id: model, prompt: 'the mug turns slowly', ...DEFAULT_FIELDS[model], ...own[model], track_id: 'sheet' })),
		);
	});

	it('a value of the wrong kind is refused naming the option', async () => {
		const result = await runNode(sandbox(), { parameters: video('textToVideo', { model: 'veo-3.1', options: { generateAudio: '={{ "no" }}' } }) });
		expect(result.error?.message).toBe('Invalid parameters: Generate Audio must be true or false, got "no"');
		expect(sandbox().counters().requests).toEqual([]);
	});

	it('the editor shows each model\'s own options for the models that take it, and the shared ones for every model and Other', () => {
		const operation = findOperation(allOperations, 'textToVideo')!;
		const [options] = operation.description.filter((field) => field.name === 'options');
		const shown = (options.options as INodeProperties[]).map((option) => [option.name, option.displayOptions?.show?.['/model'] ?? 'every model']);
		expect(shown).toEqual([
			['trackId', 'every model'],
			['webhook', 'every model'],
			['cameraFixed', ['seedance-t2v']],
			['generateAudio', ['veo-3.1', 'veo-3.1-fast']],
			['negativePrompt', ['veo-3.1', 'veo-3.1-fast']],
			['enhancePrompt', ['veo-3.1', 'veo-3.1-fast']],
		]);
	});
});
