import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import { decodePng, readHeader } from '../../sandbox/images/imageFormat';
import { encodePng } from '../../sandbox/images/png';
import { DEFAULT_ENTERPRISE_KEY as ENT, DEFAULT_STANDARD_KEY as STD } from '../../sandbox/server';
import { useSandbox } from './useSandbox';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const IMG2IMG = '/api/v6/images/img2img';
const INPAINT = '/api/v6/images/inpaint';
const UPSCALE = '/api/v6/image_editing/super_resolution';
const REMOVE_BG = '/api/v6/image_editing/removebg_mask';
const OUTPAINT = '/api/v6/image_editing/outpaint';
const OBJECT_REMOVAL = '/api/v6/image_editing/object_removal';
const UPLOAD = '/api/v6/image_editing/base64_to_url';
const editFetch = (id: number) => `/api/v6/image_editing/fetch/${id}`;

const sb = useSandbox();

/** POSTs `body` (with the standard key unless it names one) to the API. */
async function call(path: string, body: Record<string, unknown>): Promise<{ status: number; json: Json }> {
	const res = await fetch(sb().baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: STD, ...body }) });
	return { status: res.status, json: await res.json() };
}

async function fetchBytes(link: string): Promise<Buffer> {
	const res = await fetch(link);
	expect(res.status).toBe(200);
	return Buffer.from(await res.arrayBuffer());
}

/** An image the way a client downloads it: its pixels and its PNG colour type. */
async function pixelsOf(link: string) {
	const bytes = await fetchBytes(link);
	const raster = decodePng(bytes);
	if (!raster) throw new Error('interlaced');
	return { ...raster, colourType: bytes[25], bytes };
}

const px = (r: { width: number; data: Buffer }, x: number, y: number) => [...r.data.subarray((y * r.width + x) * 4, (y * r.width + x) * 4 + 4)];

/** A product shot: white 64x48 with a red box at x 16..47, y 12..35. */
function productPng(): Buffer {
	const rgb = Buffer.alloc(64 * 48 * 3, 255);
	for (let y = 12; y < 36; y++) for (let x = 16; x < 48; x++) rgb.set([200, 20, 30], (y * 64 + x) * 3);
	return encodePng(64, 48, rgb);
}

/** Black with a white box at x 0..15, y 0..11 (the area to change). */
function maskPng(): Buffer {
	const rgb = Buffer.alloc(64 * 48 * 3);
	for (let y = 0; y < 12; y++) for (let x = 0; x < 16; x++) rgb.fill(255, (y * 64 + x) * 3, (y * 64 + x) * 3 + 3);
	return encodePng(64, 48, rgb);
}

const dataUri = (b: Buffer, type = 'image/png') => `data:${type};base64,${b.toString('base64')}`;
const PRODUCT = dataUri(productPng());
const MASK = dataUri(maskPng());

/** The link the image host gives these bytes (uploads and inline inputs are named by content). */
function hostedLink(bytes: Buffer, ext = 'png') {
	return `${sb().cdnUrl}/uploads/${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}.${ext}`;
}

function jobLink(id: number) {
	return `${sb().cdnUrl}/generations/${sb().job(id)?.uuid}-0.png`;
}

describe('each route answers at once with an image of the documented size', () => {
	test('Image to Image: input size, blended towards the pattern by strength; exact answer', async () => {
		const { status, json } = await call(IMG2IMG, { model_id: 'sdxl', prompt: 'a red box', init_image: PRODUCT, strength: '0', width: 512, seed: '9' });
		expect(status).toBe(200);
		const link = jobLink(json.id);
		expect(json).toEqual({
			status: 'success',
			generationTime: json.generationTime,
			id: 13441520,
			output: [link],
			proxy_links: [link],
			meta: expect.objectContaining({ model_id: 'sdxl', width: 64, height: 48, strength: 0, seed: 9, n_samples: 1, num_inference_steps: 31, init_image: hostedLink(productPng()) }),
			nsfw_content_detected: false,
		});
		const out = await pixelsOf(link);
		expect([out.width, out.height, out.colourType]).toEqual([64, 48, 2]);
		expect(out.data.equals(decodePng(productPng())?.data as Buffer)).toBe(true); // strength 0 keeps the input
		expect(out.bytes.equals(sb().jobBytes(json.id))).toBe(true);
	});

	test('Inpaint: input size; only the white mask area changes', async () => {
		const { json } = await call(INPAINT, { model_id: 'sdxl', prompt: 'p', init_image: PRODUCT, mask_image: MASK, strength: 1, samples: 2 });
		expect(json.output).toHaveLength(2);
		const out = await pixelsOf(json.output[0]);
		expect([out.width, out.height]).toEqual([64, 48]);
		const input = decodePng(productPng()) as NonNullable<ReturnType<typeof decodePng>>;
		expect(px(out, 20, 20)).toEqual(px(input, 20, 20)); // black mask: kept
		expect(px(out, 63, 47)).toEqual([255, 255, 255, 255]);
		expect(px(out, 3, 3)).not.toEqual([255, 255, 255, 255]); // white mask: redrawn
		expect((await pixelsOf(json.output[1])).bytes.equals(out.bytes)).toBe(false); // seed + 1
	});

	test('Upscale: input size times scale, nearest neighbour', async () => {
		const { json } = await call(UPSCALE, { init_image: PRODUCT, scale: '2', model_id: 'RealESRGAN_x2plus', face_enhance: 'yes' });
		expect(json.meta).toMatchObject({ scale: 2, model_id: 'RealESRGAN_x2plus', face_enhance: true });
		const out = await pixelsOf(json.output[0]);
		expect([out.width, out.height]).toEqual([128, 96]);
		expect(px(out, 33, 25)).toEqual([200, 20, 30, 255]);
		expect(px(out, 31, 23)).toEqual([255, 255, 255, 255]);
		const { json: dflt } = await call(UPSCALE, { init_image: PRODUCT });
		expect([(await pixelsOf(dflt.output[0])).width, dflt.meta.scale, dflt.meta.model_id]).toEqual([192, 3, 'realesr-general-x4v3']);
	});

	test('Remove Background: RGBA, background transparent, subject opaque; only_mask and inverse_mask', async () => {
		const { json } = await call(REMOVE_BG, { image: PRODUCT, post_process_mask: 'true', alpha_matting: false });
		const out = await pixelsOf(json.output[0]);
		expect([out.width, out.height, out.colourType]).toEqual([64, 48, 6]);
		let opaque = 0;
		for (let p = 3; p < out.data.length; p += 4) opaque += out.data[p] === 255 ? 1 : 0;
		expect(opaque).toBe(32 * 24); // exactly the red box
		expect(px(out, 0, 0)).toEqual([255, 255, 255, 0]);
		expect(px(out, 20, 20)).toEqual([200, 20, 30, 255]);

		const mask = await pixelsOf((await call(REMOVE_BG, { image: PRODUCT, only_mask: true })).json.output[0]);
		expect([mask.colourType, px(mask, 0, 0), px(mask, 20, 20)]).toEqual([2, [0, 0, 0, 255], [255, 255, 255, 255]]);
		const inverse = await pixelsOf((await call(REMOVE_BG, { image: PRODUCT, inverse_mask: 'yes' })).json.output[0]);
		expect([px(inverse, 0, 0)[3], px(inverse, 20, 20)[3]]).toEqual([255, 0]);
	});

	test('Outpaint: the target canvas, the input centred on it', async () => {
		const { json } = await call(OUTPAINT, { image: PRODUCT, width: '200', height: 100, overlap_width: 42, seed: -1 });
		expect(json.meta).toMatchObject({ prompt: 'high quality', negative_prompt: 'low quality', width: 200, height: 100, overlap_width: 42, temp: true });
		const out = await pixelsOf(json.output[0]);
		expect([out.width, out.height, out.colourType]).toEqual([200, 100, 2]);
		expect(px(out, 68 + 20, 26 + 20)).toEqual([200, 20, 30, 255]); // input at (68, 26)
		expect(px(out, 68, 26)).toEqual([255, 255, 255, 255]);
		const small = await pixelsOf((await call(OUTPAINT, { image: PRODUCT, width: 64, height: 64 })).json.output[0]);
		expect([small.width, small.height]).toEqual([64, 64]);
		const dflt = await pixelsOf((await call(OUTPAINT, { image: PRODUCT })).json.output[0]);
		expect([dflt.width, dflt.height]).toEqual([1280, 720]);
	});

	test('Remove Object: input size; white mask area takes the mean colour of the rest', async () => {
		const { json } = await call(OBJECT_REMOVAL, { init_image: PRODUCT, mask_image: MASK, track_id: 77 });
		expect(json.meta).toMatchObject({ track_id: 77 });
		const out = await pixelsOf(json.output[0]);
		expect([out.width, out.height]).toEqual([64, 48]);
		const kept = 64 * 48 - 16 * 12;
		const red = 32 * 24;
		const mean = (v: number) => Math.round((v * red + 255 * (kept - red)) / kept);
		expect(px(out, 5, 5)).toEqual([mean(200), mean(20), mean(30), 255]);
		expect(px(out, 20, 20)).toEqual([200, 20, 30, 255]);
	});
});

describe('queued jobs and the fetch routes', () => {
	test('image_editing: processing answer, then output "" on its fetch route, then success', async () => {
		sb().configure({ processingMs: 300 });
		const { json } = await call(UPSCALE, { init_image: PRODUCT, scale: 2, track_id: 'a' });
		const link = jobLink(json.id);
		expect(json).toEqual({
			status: 'processing',
			tip: 'Your image is processing in background, you can get this image using fetch API',
			eta: 1,
			message: 'Request processing in background',
			fetch_result: `${sb().baseUrl}${editFetch(json.id)}`,
			id: json.id,
			output: [],
			future_links: [link],
			proxy_links: [link],
			meta: expect.objectContaining({ scale: 2, track_id: 'a' }),
		});
		expect((await call(editFetch(json.id), {})).json).toEqual({ status: 'processing', id: json.id, eta: 1, messege: 'Request processing', output: '' });
		expect((await call(`/api/v6/images/fetch/${json.id}`, {})).json).toEqual({ status: 'error', messege: 'Request not found' });
		await new Promise((r) => setTimeout(r, 350));
		expect((await call(editFetch(json.id), {})).json).toEqual({ status: 'success', id: json.id, output: [link] });
		expect((await pixelsOf(link)).width).toBe(128);
		expect(sb().job(json.id)).toMatchObject({ route: 'upscale', state: 'success', fetches: 2, width: 128, height: 96 });
		expect(sb().stats).toMatchObject({ fetches: 3, creates: 1, createAttempts: 1 });
	});

	test('images/*: processing answer with tip_1, fetched on the images route only', async () => {
		sb().configure({ processingMs: 200 });
		const { json } = await call(INPAINT, { model_id: 'dreamshaper-8', prompt: 'p', init_image: PRODUCT, mask_image: MASK, steps: '21' });
		expect(json).toMatchObject({
			status: 'processing',
			eta: 1,
			fetch_result: `${sb().baseUrl}/api/v6/images/fetch/${json.id}`,
			output: [],
			future_links: [jobLink(json.id)],
			tip_1: 'Your image is processing, you can fetch it with the fetch API',
			webhook_status: '',
			meta: expect.objectContaining({ num_inference_steps: 21, steps: 21 }),
		});
		expect((await call(editFetch(json.id), {})).json).toEqual({ status: 'error', messege: 'Request not found' });
		await new Promise((r) => setTimeout(r, 250));
		const done = (await call('/api/v6/images/fetch', { request_id: json.id })).json;
		expect(done).toMatchObject({ status: 'success', id: json.id, output: [jobLink(json.id)] });
	});
});

describe('the upload helper', () => {
	test('round trip: data URI -> link on the image host -> init_image', async () => {
		const { status, json } = await call(UPLOAD, { init_image: PRODUCT });
		const link = hostedLink(productPng());
		expect([status, json]).toEqual([200, { status: 'success', id: 7100001, output: [link] }]);
		const res = await fetch(link);
		expect([res.status, res.headers.get('content-type')]).toEqual([200, 'image/png']);
		expect(Buffer.from(await res.arrayBuffer()).equals(productPng())).toBe(true);
		expect((await call(UPLOAD, { init_image: PRODUCT })).json).toEqual({ status: 'success', id: 7100002, output: [link] }); // same bytes, same link

		const up = (await call(UPSCALE, { init_image: link, scale: 2 })).json;
		expect((await pixelsOf(up.output[0])).width).toBe(128);
		expect(up.meta.init_image).toBe(link);
		expect(sb().stats).toMatchObject({ uploads: 2, creates: 1, createAttempts: 1 });
		expect(sb().stats.requests.map((r) => r.route)).toEqual(['upload', 'upload', 'upscale']);
	});

	test('5 MB limit on the file itself; images only; the general helper and base64_crop', async () => {
		const file = (n: number) => Buffer.concat([productPng().subarray(0, 8), Buffer.alloc(n - 8)]);
		expect((await call(UPLOAD, { init_image: dataUri(file(5 * 1024 * 1024)) })).json.status).toBe('success');
		expect(await call(UPLOAD, { init_image: dataUri(file(5 * 1024 * 1024 + 1)) })).toEqual({
			status: 400,
			json: { status: 'error', message: 'The file may not be greater than 5 MB.' },
		});
		expect((await call(UPLOAD, { init_image: 'data:audio/mpeg;base64,SUQzBA==' })).json).toEqual({
			status: 'error',
			messege: { init_image: ['The init image must be a PNG, JPEG or WebP image.'] },
		});
		expect((await call(UPLOAD, {})).json).toEqual({ status: 'error', messege: { init_image: ['The init image field is required.'] } });

		const general = (await call('/api/v6/base64_to_url', { base64_string: 'data:audio/mpeg;base64, SUQzBA==' })).json;
		expect(general).toEqual({ status: 'success', id: general.id, output: [hostedLink(Buffer.from('ID3\x04', 'latin1'), 'bin')] });
		expect((await fetch(general.output[0])).headers.get('content-type')).toBe('audio/mpeg');
		const crop = (await call('/api/v3/base64_crop', { image: PRODUCT, crop: 'false' })).json;
		expect(crop).toEqual({ status: 'success', messege: 'image uploaded', link: hostedLink(productPng()), request_id: crop.request_id });
		expect(sb().stats.creates).toBe(0);
	});
});

describe('input forms', () => {
	test('raw base64, a data URI with a space, own links; a foreign link is refused', async () => {
		const raw = productPng().toString('base64');
		for (const init_image of [raw, `data:image/png;base64, ${raw}`, sb().hostImage(productPng())]) {
			expect((await pixelsOf((await call(UPSCALE, { init_image, scale: 1 })).json.output[0])).width).toBe(64);
		}
		const t2i = (await call('/api/v6/images/text2img', { prompt: 'x', width: 256, height: 320 })).json;
		const fromJob = (await call(REMOVE_BG, { image: t2i.output[0] })).json;
		expect([(await pixelsOf(fromJob.output[0])).height]).toEqual([320]);

		const creates = sb().stats.creates;
		for (const init_image of ['https://example.com/a.png', `${sb().cdnUrl}/uploads/00000000000000000000000000000000.png`, `${sb().baseUrl}/x.png`]) {
			expect(await call(UPSCALE, { init_image })).toEqual({ status: 400, json: { status: 'error', message: 'Unable to fetch image from provided URL' } });
		}
		expect(sb().stats.creates).toBe(creates);
		expect(sb().stats.cdnLog.every((r) => !r.path.startsWith('/uploads/0000'))).toBe(true); // read from memory, not fetched
	});

	test('JPEG and WebP: sizes from their headers', async () => {
		const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 17, 8, 0, 200, 1, 44, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
		const riff = (chunk: string, body: number[]) => Buffer.concat([Buffer.from('RIFF\0\0\0\0WEBP' + chunk, 'latin1'), Buffer.from(body)]);
		const vp8 = riff('VP8 ', [0, 0, 0, 0, 0, 0, 0, 0x9d, 0x01, 0x2a, 90, 0, 60, 0, 0, 0]);
		const size = Buffer.alloc(4);
		size.writeUInt32LE(49 | (29 << 14)); // 50 x 30, minus one each
		const vp8l = riff('VP8L', [0, 0, 0, 0, 0x2f, ...size, 0, 0, 0, 0, 0]);
		const vp8x = riff('VP8X', [0, 0, 0, 0, 0, 0, 0, 0, 99, 0, 0, 49, 0, 0, 0, 0]);
		expect([jpeg, vp8, vp8x].map((b) => readHeader(b))).toEqual([
			{ format: 'jpeg', width: 300, height: 200 },
			{ format: 'webp', width: 90, height: 60 },
			{ format: 'webp', width: 100, height: 50 },
		]);
		expect(readHeader(vp8l)).toEqual({ format: 'webp', width: 50, height: 30 });
		const up = (await call(UPSCALE, { init_image: dataUri(jpeg, 'image/jpeg'), scale: 2 })).json;
		expect(up.meta.init_image).toBe(hostedLink(jpeg, 'jpg'));
		expect([(await pixelsOf(up.output[0])).width, (await pixelsOf(up.output[0])).height]).toEqual([600, 400]);
		const out = (await call(OUTPAINT, { image: vp8.toString('base64'), base64: true, width: 128, height: 128 })).json;
		expect((await pixelsOf(out.output[0])).width).toBe(128);
	});

	test('PNG decoding: palette, grey with alpha, 16-bit, every filter', () => {
		const chunk = (type: string, data: Buffer) => {
			const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
			const out = Buffer.alloc(12 + data.length);
			out.writeUInt32BE(data.length, 0);
			body.copy(out, 4);
			out.writeUInt32BE(zlib.crc32(body), 8 + data.length);
			return out;
		};
		const png = (w: number, h: number, depth: number, colour: number, rows: number[][], extra: Buffer[] = []) => {
			const ihdr = Buffer.alloc(13);
			ihdr.writeUInt32BE(w, 0);
			ihdr.writeUInt32BE(h, 4);
			ihdr.set([depth, colour, 0, 0, 0], 8);
			const idat = zlib.deflateSync(Buffer.from(rows.flat()));
			return Buffer.concat([productPng().subarray(0, 8), chunk('IHDR', ihdr), ...extra, chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
		};
		// 2x2 palette, 1 bit: indices 0 1 / 1 0; tRNS makes index 0 half transparent
		const pal = decodePng(png(2, 2, 1, 3, [[0, 0b01000000], [0, 0b10000000]], [chunk('PLTE', Buffer.from([1, 2, 3, 4, 5, 6])), chunk('tRNS', Buffer.from([128]))]));
		expect([pal?.alpha, [...(pal?.data ?? [])]]).toEqual([true, [1, 2, 3, 128, 4, 5, 6, 255, 4, 5, 6, 255, 1, 2, 3, 128]]);
		// grey + alpha, 8 bit, rows with filters Sub then Up
		const ga = decodePng(png(2, 2, 8, 4, [[1, 10, 200, 5, 1], [2, 1, 1, 1, 1]]));
		expect([...(ga?.data ?? [])]).toEqual([10, 10, 10, 200, 15, 15, 15, 201, 11, 11, 11, 201, 16, 16, 16, 202]);
		// RGB 16 bit (high bytes kept), filters Average then Paeth
		const rgb16 = decodePng(png(1, 2, 16, 2, [[3, 100, 0, 50, 0, 250, 0], [4, 1, 0, 1, 0, 1, 0]]));
		expect([...(rgb16?.data ?? [])]).toEqual([100, 50, 250, 255, 101, 51, 251, 255]);
	});
});

describe('validation like the real API', () => {
	const fieldErrors = async (path: string, body: Record<string, unknown>) => {
		const { status, json } = await call(path, body);
		expect([status, json.status]).toEqual([200, 'error']);
		return json.messege;
	};

	test('img2img and inpaint: model, image, prompt, ranges; a bad model is "Model not found"', async () => {
		expect(await fieldErrors(IMG2IMG, { strength: 1.5, samples: 5, steps: 'x', width: 2000, scheduler: 'Nope', safety_checker: 'maybe' })).toEqual({
			init_image: ['The init image field is required.'],
			prompt: ['The prompt field is required.'],
			model_id: ['The model id field is required.'],
			strength: ['The strength must be between 0 and 1.'],
			width: ['The width must be between 1 and 1024.'],
			steps: ['The steps must be an integer.'],
			samples: ['The samples must be between 1 and 4.'],
			safety_checker: ['The safety checker field must be yes or no.'],
			scheduler: ['The selected scheduler is invalid.'],
		});
		expect(await fieldErrors(INPAINT, { model_id: 'sdxl', prompt: 'p', init_image: PRODUCT })).toEqual({ mask_image: ['The mask image field is required.'] });
		expect(await call(IMG2IMG, { model_id: 'nope', prompt: 'p', init_image: PRODUCT })).toEqual({ status: 400, json: { status: 'error', message: 'Model not found: nope' } });
		const kontext = (await call(IMG2IMG, { model_id: 'flux-kontext-dev', prompt: 'p', init_image: PRODUCT, guidance: '2.5', safety_checker: true, enhance_prompt: null })).json;
		expect(kontext.meta).toMatchObject({ strength: 0.5, num_inference_steps: 28, guidance: 2.5, safety_checker: 'yes' });
		expect(await fieldErrors(IMG2IMG, { model_id: 'sdxl', prompt: 'p', init_image: 'not an image!' })).toEqual({
			init_image: ['The init image must be a URL or a base64 encoded image.'],
		});
		expect(await fieldErrors(IMG2IMG, { model_id: 'sdxl', prompt: 'p', init_image: Buffer.from('GIF89a').toString('base64') })).toEqual({
			init_image: ['The init image must be a PNG, JPEG or WebP image.'],
		});
	});

	test('image_editing routes: required images, ranges and enums', async () => {
		expect(await fieldErrors(UPSCALE, { scale: 5, model_id: 'x', face_enhance: 'maybe' })).toEqual({
			init_image: ['The init image field is required.'],
			model_id: ['The selected model id is invalid.'],
			scale: ['The scale must be between 1 and 4.'],
			face_enhance: ['The face enhance field must be yes or no.'],
		});
		expect(await fieldErrors(OUTPAINT, { image: PRODUCT, width: 1441, height: '1440', overlap_width: 43, num_inference_steps: 31, seed: 'x' })).toEqual({
			width: ['The width must be between 64 and 1440.'],
			overlap_width: ['The overlap width must be between 0 and 42.'],
			num_inference_steps: ['The num inference steps must be between 1 and 30.'],
			seed: ['The seed must be a non-negative integer or null.'],
		});
		expect(await fieldErrors(REMOVE_BG, { image: PRODUCT, alpha_matting_foreground_threshold: 241, alpha_matting_background_threshold: '21', alpha_matting_erode_size: 6 })).toEqual({
			alpha_matting_foreground_threshold: ['The alpha matting foreground threshold must be between 0 and 240.'],
			alpha_matting_background_threshold: ['The alpha matting background threshold must be between 0 and 20.'],
			alpha_matting_erode_size: ['The alpha matting erode size must be between 0 and 5.'],
		});
		expect(await fieldErrors(OBJECT_REMOVAL, { init_image: PRODUCT, webhook: 'ftp://x' })).toEqual({
			mask_image: ['The mask image field is required.'],
			webhook: ['The webhook must be a valid URL.'],
		});
		const big = encodePng(2100, 1, Buffer.alloc(2100 * 3));
		expect(await fieldErrors(UPSCALE, { init_image: dataUri(big), scale: 4 })).toEqual({
			scale: ['The output would be 8400x4; the sandbox draws at most 8192 px a side and 40000000 pixels.'],
		});
		expect(sb().stats).toMatchObject({ creates: 0, createAttempts: 5 });
	});

	test('auth and credits as on every create route', async () => {
		expect(await call(UPSCALE, { key: ENT, init_image: PRODUCT })).toEqual({ status: 401, json: { status: 'error', message: 'Invalid API key' } });
		expect(await call(UPLOAD, { key: undefined, init_image: PRODUCT })).toEqual({ status: 401, json: { status: 'error', message: 'API key required' } });
		(sb().account(STD) as { balance: number }).balance = 0;
		expect(await call(OUTPAINT, { image: PRODUCT })).toEqual({ status: 402, json: { status: 'error', message: 'Insufficient credits' } });
		expect((await call(UPLOAD, { init_image: PRODUCT })).json.status).toBe('success'); // uploads bill nothing
	});
});

describe('faults, billing and counters', () => {
	test('faults aim at one route; afterAccept bills; failed jobs on the image_editing fetch route', async () => {
		sb().injectFault({ route: 'upscale', kind: 'status', status: 503 });
		expect((await call(OUTPAINT, { image: PRODUCT, width: 64, height: 64 })).status).toBe(200);
		expect(await call(UPSCALE, { init_image: PRODUCT })).toEqual({ status: 503, json: { status: 'error', message: 'Service Unavailable' } });

		const before = (sb().account(STD) as { balance: number }).balance;
		sb().injectFault({ route: 'removeBackground', kind: 'reset', afterAccept: true });
		await expect(call(REMOVE_BG, { image: PRODUCT })).rejects.toThrow();
		expect((sb().account(STD) as { balance: number }).balance).toBe(Math.round((before - 0.002) * 1e6) / 1e6);

		sb().injectFault({ route: 'objectRemoval', kind: 'failed', message: 'no object' });
		const failed = (await call(OBJECT_REMOVAL, { init_image: PRODUCT, mask_image: MASK, track_id: 5 })).json;
		expect(failed).toEqual({ status: 'failed', id: failed.id, message: 'no object', track_id: 5 });
		expect((await call(editFetch(failed.id), {})).json).toEqual({ status: 'failed', id: failed.id, message: 'no object', track_id: 5, output: '' });
		sb().injectFault({ route: 'imageEditingFetch', kind: 'failed', message: 'gone' });
		expect((await call(editFetch(13441520), {})).json).toEqual({ status: 'failed', id: 13441520, message: 'gone', track_id: null, output: '' });
		sb().injectFault({ route: 'upload', kind: 'apiError', message: 'busy' });
		expect((await call(UPLOAD, { init_image: PRODUCT })).json).toEqual({ status: 'error', messege: 'busy' });

		expect(sb().stats.requests.map((r) => [r.route, r.status, r.fault])).toEqual([
			['outpaint', 200, undefined],
			['upscale', 503, 'status'],
			['removeBackground', 0, 'reset'],
			['objectRemoval', 200, 'failed'],
			['imageEditingFetch', 200, undefined],
			['imageEditingFetch', 200, 'failed'],
			['upload', 200, 'apiError'],
		]);
		expect(sb().stats).toMatchObject({ creates: 3, createAttempts: 4, fetches: 2, uploads: 1 });
		expect(sb().stats.jobs.map((j) => [j.route, j.state])).toEqual([
			['outpaint', 'success'],
			['removeBackground', 'success'],
			['objectRemoval', 'failed'],
		]);
	});

	test('one queue for every family: the queue limit gives 429', async () => {
		sb().configure({ processingMs: 5000, accounts: [{ key: STD, queueLimit: 2 }] });
		await call('/api/v6/images/text2img', { prompt: 'x' });
		await call(UPSCALE, { init_image: PRODUCT });
		expect(await call(IMG2IMG, { model_id: 'flux', prompt: 'p', init_image: PRODUCT })).toEqual({
			status: 429,
			json: { status: 'error', message: 'Rate limit exceeded. Maximum 2 queued requests allowed.', retry_after: 30 },
		});
		expect(sb().stats).toMatchObject({ creates: 2, rejected429: 1 });
	});

	test('base64 output: removebg and images/* answer with the image itself', async () => {
		const bg = (await call(REMOVE_BG, { image: PRODUCT, base64: 'true' })).json;
		expect(Buffer.from(bg.output[0], 'base64').equals(sb().jobBytes(bg.id))).toBe(true);
		expect(bg.proxy_links).toEqual([jobLink(bg.id)]);
		sb().configure({ base64Form: 'dataUri' });
		const i2i = (await call(IMG2IMG, { model_id: 'flux', prompt: 'p', init_image: PRODUCT, base64: 'yes' })).json;
		expect(i2i.output[0]).toBe(dataUri(sb().jobBytes(i2i.id)));
		const out = (await call(OUTPAINT, { image: PRODUCT, base64: true, width: 64, height: 64 })).json;
		expect(out.output).toEqual([jobLink(out.id)]); // outpaint's base64 flag is about the input
	});
});
