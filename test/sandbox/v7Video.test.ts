import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { V7_VIDEO_MODELS, V7_VIDEO_REQUIRED, type V7VideoModel } from '../../sandbox/routes/v7/videoCatalog';
import { DEFAULT_ENTERPRISE_KEY as ENT, DEFAULT_STANDARD_KEY as STD } from '../../sandbox/server';
import { useSandbox } from './useSandbox';
import type { Json } from './v7Client';
import { sandboxClient, useElsewhere } from './v7Client';

const I2V = '/api/v7/video-fusion/image-to-video';
const T2V = '/api/v7/video-fusion/text-to-video';
const videoFetch = (id: number | string) => `/api/v7/video-fusion/fetch/${id}`;
const V7_T2I = '/api/v7/images/text-to-image';
const V6_T2I = '/api/v6/images/text2img';

const sb = useSandbox();

const elsewhere = useElsewhere();
const ref = (n: number) => `${elsewhere.origin()}/frame-${n}.png`;
const { send, call, sleep, settle, upload } = sandboxClient(sb, videoFetch, 200);


async function download(link: string) {
	const res = await fetch(link);
	return { status: res.status, type: res.headers.get('content-type'), length: res.headers.get('content-length'), bytes: Buffer.from(await res.arrayBuffer()) };
}

const balance = () => sb().account(STD)?.balance;

// ---- an MP4 box walker of its own (ISO/IEC 14496-12), independent of the sandbox's writer ----

interface Box {
	type: string;
	/** where the box starts in the file, and its whole size (header included) */
	start: number;
	size: number;
	/** the bytes after the header */
	body: Buffer;
}

/** The boxes one after another in `b`; a box that runs past the end (a cut file) throws. */
function boxes(b: Buffer, offset = 0): Box[] {
	const out: Box[] = [];
	let at = 0;
	while (at < b.length) {
		if (b.length - at < 8) throw new Error(`${b.length - at} stray bytes at ${offset + at}`);
		let size = b.readUInt32BE(at);
		let header = 8;
		if (size === 1) {
			size = Number(b.readBigUInt64BE(at + 8));
			header = 16;
		} else if (size === 0) size = b.length - at;
		if (size < header || at + size > b.length) throw new Error(`box at ${offset + at} of size ${size} runs past ${offset + b.length}`);
		out.push({ type: b.toString('latin1', at + 4, at + 8), start: offset + at, size, body: b.subarray(at + header, at + size) });
		at += size;
	}
	return out;
}

/** The body of the one box at `path` (e.g. moov/trak/tkhd). */
function boxAt(file: Buffer, path: string): Buffer {
	let level = boxes(file);
	let found: Box | undefined;
	for (const type of path.split('/')) {
		const matches = level.filter((bx) => bx.type === type);
		expect(matches.map((bx) => bx.type)).toEqual([type]);
		found = matches[0];
		level = type === path.split('/').at(-1) ? [] : boxes(found.body, found.start);
	}
	return found!.body;
}

interface Mp4Facts {
	top: string[];
	major: string;
	compatible: string[];
	timescale: number;
	durationMs: number;
	tracks: number;
	width: number;
	height: number;
	mdatPayload: number;
}

/** What a player reads first: brands, movie time scale and duration, the track's frame size, the media's length. */
function readMp4(file: Buffer): Mp4Facts {
	const top = boxes(file);
	const ftyp = boxAt(file, 'ftyp');
	const mvhd = boxAt(file, 'moov/mvhd');
	const tkhd = boxAt(file, 'moov/trak/tkhd');
	expect(mvhd[0]).toBe(0); // version 0: 32-bit times
	expect(tkhd[0]).toBe(0);
	const compatible: string[] = [];
	for (let i = 8; i < ftyp.length; i += 4) compatible.push(ftyp.toString('latin1', i, i + 4));
	const timescale = mvhd.readUInt32BE(12);
	return {
		top: top.map((bx) => bx.type),
		major: ftyp.toString('latin1', 0, 4),
		compatible,
		timescale,
		durationMs: (mvhd.readUInt32BE(16) * 1000) / timescale,
		tracks: boxes(boxAt(file, 'moov'), 0).filter((bx) => bx.type === 'trak').length,
		// tkhd v0: version+flags, creation, modification, track id, reserved, duration, reserved x2,
		// layer, alternate group, volume, reserved, matrix (36), then width and height as 16.16
		width: tkhd.readUInt32BE(76) / 65536,
		height: tkhd.readUInt32BE(80) / 65536,
		mdatPayload: boxAt(file, 'mdat').length,
	};
}

const MP4_BRANDS = { major: 'isom', compatible: ['isom', 'iso2', 'avc1', 'mp41'] };

describe('every catalog model: accepted, processing, fetched to success, an MP4 of the size and duration asked', () => {
	type Hosted = { wide: string; tall: string };
	type Case = [id: string, fields: (hosted: Hosted) => Record<string, unknown>, width: number, height: number, seconds: number];
	const i2v: Case[] = [
		['seedance-i2v', (h) => ({ init_image: h.wide }), 1280, 960, 5], // the 64x48 input's shape
		['seedance-1.0-pro-i2v', () => ({ init_image: [ref(0), ref(1)] }), 1280, 720, 5], // not hosted: 16:9
		['seedance-1.0-pro-fast-i2v', (h) => ({ init_image: h.tall }), 960, 1280, 5],
		['wan2.6-i2v', (h) => ({ init_image: h.wide, duration: '10', resolution: '1080p' }), 1440, 1080, 10],
		['kling-v2-1-master-i2v', () => ({ init_image: ref(1), duration: '10' }), 1280, 720, 10],
		['Kling-V2-5-Turbo-i2v', () => ({ init_image: ref(1), duration: '5' }), 1280, 720, 5],
		['kling-v2-1-i2v', (h) => ({ init_image: h.tall, duration: '10' }), 960, 1280, 10],
		['Hailuo-2.3-i2v', () => ({ init_image: ref(1), duration: '6' }), 1280, 720, 6],
		['Hailuo-02-i2v', () => ({ init_image: ref(1) }), 1280, 720, 5],
		['Hailuo-02-start-end-frame', (h) => ({ init_image: [h.tall, ref(2)] }), 960, 1280, 5], // the start frame's shape
	];
	const t2v: Case[] = [
		['seedance-t2v', () => ({ aspect_ratio: '9:21' }), 548, 1280, 5],
		['wan2.6-t2v', () => ({ duration: '10', resolution: '1080p' }), 1920, 1080, 10],
		['veo-3.1', () => ({ aspect_ratio: '9:16', duration: '8' }), 720, 1280, 8],
		['veo-3.1-fast', () => ({ aspect_ratio: '16:9', duration: '4' }), 1280, 720, 4],
		['sora-2', () => ({ aspect_ratio: '9:16', duration: '12' }), 720, 1280, 12],
		['kling-v2-5-turbo-t2v', () => ({ aspect_ratio: '1:1', duration: '10' }), 1280, 1280, 10],
		['kling-v2-1-master-t2v', () => ({ duration: '5' }), 1280, 720, 5],
		['Hailuo-2.3-t2v', () => ({}), 1280, 720, 5],
		['seedance-1.0-pro-fast-t2v', () => ({}), 1280, 720, 5],
	];

	test('the cases cover the catalog, in its order', () => {
		expect([...i2v, ...t2v].map(([id]) => id)).toEqual(V7_VIDEO_MODELS.map((m) => m.id));
		expect(V7_VIDEO_MODELS.filter((m) => m.direction === 'imageToVideo').map((m) => m.id)).toEqual(i2v.map(([id]) => id));
	});

	const run = (path: string, route: string) => async (id: string, fields: Case[1], width: number, height: number, seconds: number) => {
		const hosted = { wide: await upload(64, 48), tall: await upload(48, 64) };
		sb().configure({ processingMs: 60 });
		const hitsBefore = elsewhere.hits();
		const created = await call(path, { model_id: id, prompt: `a test of ${id}`, track_id: `t-${id}`, ...fields(hosted) });
		expect(created.status).toBe(200);
		expect(created.json).toMatchObject({ status: 'processing', fetch_result: sb().baseUrl + videoFetch(created.json.id), output: [] });
		expect(created.json.future_links).toEqual([expect.stringMatching(new RegExp(`^${sb().cdnUrl}/generations/[0-9a-f-]{36}-0\\.mp4$`))]);
		expect(sb().stats).toMatchObject({ creates: 1, createAttempts: 1 });
		expect(balance()).toBeCloseTo(43.6 - 0.002, 9);

		const done = await settle(created.json.id);
		expect(done).toMatchObject({ status: 'success', id: created.json.id, output: created.json.future_links, meta: { model_id: id, track_id: `t-${id}` } });
		const video = await download(done.output[0]);
		expect(video).toMatchObject({ status: 200, type: 'video/mp4', length: String(video.bytes.length) });
		expect(readMp4(video.bytes)).toEqual({
			top: ['ftyp', 'moov', 'mdat'],
			...MP4_BRANDS,
			timescale: 1000,
			durationMs: seconds * 1000,
			tracks: 1,
			width,
			height,
			mdatPayload: 4096,
		});
		expect(video.bytes.equals(sb().jobBytes(created.json.id))).toBe(true);
		expect(sb().job(created.json.id)).toMatchObject({ route, width, height, samples: 1, state: 'success' });
		expect(elsewhere.hits()).toBe(hitsBefore); // input images elsewhere are never fetched
	};

	test.each(i2v)('image-to-video %s', run(I2V, 'v7ImageToVideo'));
	test.each(t2v)('text-to-video %s', run(T2V, 'v7TextToVideo'));
});

describe('frame sizes', () => {
	type Case = [aspectRatio: string, resolution: string | undefined, width: number, height: number];
	const cases: Case[] = [
		['16:9', undefined, 1280, 720],
		['4:3', undefined, 1280, 960],
		['1:1', undefined, 1280, 1280],
		['9:21', undefined, 548, 1280],
		['16:9', '480p', 854, 480],
		['4:3', '480p', 640, 480],
		['1:1', '480p', 480, 480],
		['9:21', '720p', 720, 1680],
		['4:3', '720p', 960, 720],
	];
	test.each(cases)('seedance-t2v %s at %s: %ix%i', async (aspect_ratio, resolution, width, height) => {
		const { json } = await call(T2V, { model_id: 'seedance-t2v', prompt: 'p', aspect_ratio, resolution });
		expect(sb().job(json.id)).toMatchObject({ width, height });
		expect(readMp4(sb().jobBytes(json.id))).toMatchObject({ width, height, durationMs: 5000 });
	});

	test('an input image the sandbox hosts gives its shape (at a resolution: its short side); anything else 16:9', async () => {
		const square = await upload(30, 30);
		const textFile = (await call('/api/v6/base64_to_url', { base64_string: Buffer.from('not an image').toString('base64') })).json.output[0];
		const sizes: Array<[Record<string, unknown>, number, number]> = [
			[{ model_id: 'wan2.6-i2v', init_image: square, resolution: '720p' }, 720, 720],
			[{ model_id: 'wan2.6-i2v', init_image: ref(1), resolution: '720p' }, 1280, 720],
			[{ model_id: 'Hailuo-02-i2v', init_image: square }, 1280, 1280],
			[{ model_id: 'Hailuo-02-i2v', init_image: textFile }, 1280, 720],
		];
		for (const [body, width, height] of sizes) {
			const { json } = await call(I2V, { prompt: 'p', ...body });
			expect(sb().job(json.id)).toMatchObject({ width, height });
		}
		// a video job's own output is hosted too, but it is no image: the default shape
		const first = await call(T2V, { model_id: 'sora-2', prompt: 'p', aspect_ratio: '9:16' });
		const second = await call(I2V, { model_id: 'seedance-i2v', prompt: 'p', init_image: first.json.future_links[0] });
		expect(sb().job(second.json.id)).toMatchObject({ width: 1280, height: 720 });
	});
});

describe('answers', () => {
	test('processing: the v7 images shape plus progress; fetch_result on the video route, an .mp4 future link', async () => {
		sb().configure({ processingMs: 3000 });
		const { status, json } = await call(T2V, { model_id: 'veo-3.1', prompt: 'a lighthouse', aspect_ratio: '16:9', duration: '8', negative_prompt: 'fog', generate_audio: true });
		const job = sb().job(json.id);
		const link = `${sb().cdnUrl}/generations/${job?.uuid}-0.mp4`;
		expect(status).toBe(200);
		expect(json).toEqual({
			status: 'processing',
			eta: 3,
			messege: 'Try to fetch request after seconds estimated',
			fetch_result: `${sb().baseUrl}/api/v7/video-fusion/fetch/${json.id}`,
			id: json.id,
			output: [],
			future_links: [link],
			proxy_links: [link],
			meta: {
				aspect_ratio: '16:9',
				duration: '8',
				file_prefix: job?.uuid,
				generate_audio: true,
				model_id: 'veo-3.1',
				negative_prompt: 'fog',
				prompt: 'a lighthouse',
				seed: job?.seed,
				track_id: null,
				webhook: null,
			},
			progress: 0,
		});
		expect(job).toMatchObject({ route: 'v7TextToVideo', width: 1280, height: 720, samples: 1, state: 'processing' });
	});

	test('a long job reports eta (seconds left) and progress (0-100) as it goes', async () => {
		sb().configure({ processingMs: 2400 });
		const { json } = await call(I2V, { model_id: 'kling-v2-1-i2v', prompt: 'p', init_image: ref(1), duration: '10' });
		expect(json).toMatchObject({ status: 'processing', eta: 3, progress: 0 });
		const { createdAt, readyAt } = sb().job(json.id)!;
		const percent = (t: number) => Math.min(99, Math.floor(((t - createdAt) * 100) / (readyAt - createdAt)));
		const secondsLeft = (t: number) => Math.max(1, Math.ceil((readyAt - t) / 1000));
		const seen: number[] = [];
		for (const wait of [700, 700, 600]) {
			await sleep(wait);
			const before = Date.now();
			const fetched = (await call(videoFetch(json.id), {})).json;
			const after = Date.now();
			if (after >= readyAt) break; // a slow machine: the job may be done
			expect(fetched).toMatchObject({ status: 'processing', id: json.id, fetch_result: json.fetch_result, future_links: json.future_links });
			expect(Number.isInteger(fetched.progress)).toBe(true);
			expect(fetched.progress).toBeGreaterThanOrEqual(percent(before));
			expect(fetched.progress).toBeLessThanOrEqual(percent(after));
			expect(fetched.eta).toBeGreaterThanOrEqual(secondsLeft(after));
			expect(fetched.eta).toBeLessThanOrEqual(secondsLeft(before));
			seen.push(fetched.progress);
		}
		expect(seen.length).toBeGreaterThanOrEqual(2);
		expect(seen[0]).toBeGreaterThan(0);
		expect(seen).toEqual([...seen].sort((a, b) => a - b));
		expect(await settle(json.id)).toMatchObject({ status: 'success', id: json.id });
	});

	test('etaSeconds sets the create eta; the create is processing even when processingMs is 0', async () => {
		sb().configure({ etaSeconds: 45 });
		const { json } = await call(T2V, { model_id: 'Hailuo-2.3-t2v', prompt: 'p' });
		expect(json).toMatchObject({ status: 'processing', eta: 45, progress: 100, output: [] });
		const done = (await call(videoFetch(json.id), {})).json;
		expect(done).toEqual({
			status: 'success',
			generationTime: expect.any(Number),
			id: json.id,
			output: json.future_links,
			proxy_links: json.future_links,
			meta: json.meta,
			nsfw_content_detected: false,
		});
	});

	test('extra fields (negative_prompt, enhance_prompt, camera_fixed …) are accepted and echoed in meta', async () => {
		const { json } = await call(T2V, { model_id: 'seedance-t2v', prompt: 'p', camera_fixed: true, enhance_prompt: false, seed: 12 });
		expect(json.meta).toMatchObject({ camera_fixed: true, enhance_prompt: false, seed: expect.any(Number) });
	});

	test('each job its own payload; the same job the same bytes every time', async () => {
		const a = await call(T2V, { model_id: 'Hailuo-2.3-t2v', prompt: 'p' });
		const b = await call(T2V, { model_id: 'Hailuo-2.3-t2v', prompt: 'p' });
		const [fileA, fileB] = [sb().jobBytes(a.json.id), sb().jobBytes(b.json.id)];
		expect(fileA.length).toBe(fileB.length);
		expect(boxAt(fileA, 'moov').equals(boxAt(fileB, 'moov'))).toBe(true);
		expect(boxAt(fileA, 'mdat').equals(boxAt(fileB, 'mdat'))).toBe(false);
		expect((await download(a.json.future_links[0])).bytes.equals(fileA)).toBe(true);
		expect(sb().jobBytes(a.json.id).equals(fileA)).toBe(true);
		expect(() => sb().jobBytes(a.json.id, 1)).toThrow(/has no image 1/);
	});
});

describe('webhooks', () => {
	let receiver: http.Server;
	let hookUrl = '';
	const received: Json[] = [];
	beforeAll(async () => {
		receiver = http.createServer((req, res) => {
			let data = '';
			req.on('data', (c) => (data += c));
			req.on('end', () => {
				received.push(JSON.parse(data));
				res.writeHead(204).end();
			});
		});
		receiver.listen(0, '127.0.0.1');
		await once(receiver, 'listening');
		hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
	});
	afterAll(async () => {
		receiver.closeAllConnections();
		await new Promise((r) => receiver.close(r));
	});

	test('webhook and track_id on both routes: the finished job is POSTed with its .mp4 link', async () => {
		sb().configure({ processingMs: 50 });
		const t = await call(T2V, { model_id: 'sora-2', prompt: 'p', webhook: hookUrl, track_id: 'n8n-1' });
		const i = await call(I2V, { model_id: 'Hailuo-02-i2v', prompt: 'p', init_image: ref(1), webhook: hookUrl, track_id: 7 });
		for (let n = 0; n < 100 && received.length < 2; n++) await sleep(20);
		expect(received.sort((a, b) => a.id - b.id)).toEqual([
			{ status: 'success', id: t.json.id, output: t.json.future_links, generationTime: expect.any(Number), track_id: 'n8n-1', meta: t.json.meta },
			{ status: 'success', id: i.json.id, output: i.json.future_links, generationTime: expect.any(Number), track_id: 7, meta: i.json.meta },
		]);
		expect(t.json.meta).toMatchObject({ webhook: hookUrl, track_id: 'n8n-1' });
	});
});

describe('refusals: HTTP 200 {status:"error", message:{field:[...]}}, before anything is billed', () => {
	const away = (n: number) => `https://images.example.com/frame-${n}.png`;
	type Case = [what: string, path: string, body: Record<string, unknown>, message: Record<string, string[]>];
	const kling = { model_id: 'kling-v2-1-i2v', prompt: 'p', init_image: away(1), duration: '5' };
	const cases: Case[] = [
		['no model_id', T2V, { prompt: 'p' }, { model_id: ['The model id field is required.'] }],
		['a model_id that is no string', I2V, { prompt: 'p', model_id: ['veo-3.1'] }, { model_id: ['The model id must be a string.'] }],
		['an unknown model', T2V, { prompt: 'p', model_id: 'veo-4' }, { model_id: ['The selected model id is invalid.'] }],
		['an image model', T2V, { prompt: 'p', model_id: 'imagen-4' }, { model_id: ['The selected model id is invalid.'] }],
		['a model id in another case', I2V, { prompt: 'p', model_id: 'kling-v2-5-turbo-i2v', init_image: away(1) }, { model_id: ['The selected model id is invalid.'] }],
		['an image-to-video model on text-to-video', T2V, { prompt: 'p', model_id: 'seedance-i2v' }, { model_id: ['The model id seedance-i2v only works on /api/v7/video-fusion/image-to-video.'] }],
		['a text-to-video model on image-to-video', I2V, { prompt: 'p', model_id: 'sora-2', init_image: away(1) }, { model_id: ['The model id sora-2 only works on /api/v7/video-fusion/text-to-video.'] }],
		['no prompt', T2V, { model_id: 'Hailuo-2.3-t2v' }, { prompt: ['The prompt field is required.'] }],
		['a blank prompt', I2V, { model_id: 'Hailuo-02-i2v', prompt: ' ', init_image: away(1) }, { prompt: ['The prompt field is required.'] }],
		['a prompt that is no string', T2V, { model_id: 'Hailuo-2.3-t2v', prompt: 5 }, { prompt: ['The prompt must be a string.'] }],
		['no input image', I2V, { model_id: 'seedance-i2v', prompt: 'p' }, { init_image: ['The init image field is required.'] }],
		['no input image (list)', I2V, { model_id: 'seedance-1.0-pro-i2v', prompt: 'p', init_image: [] }, { init_image: ['The init image field is required.'] }],
		['a list to a single-image model', I2V, { model_id: 'seedance-i2v', prompt: 'p', init_image: [away(1)] }, { init_image: ['The init image must be a string.'] }],
		['a string to a list model', I2V, { model_id: 'seedance-1.0-pro-i2v', prompt: 'p', init_image: away(1) }, { init_image: ['The init image must be an array.'] }],
		['an input image that is no link', I2V, { model_id: 'Hailuo-02-i2v', prompt: 'p', init_image: 'data:image/png;base64,iVBORw0KGgo=' }, { init_image: ['The init image must be a valid URL.'] }],
		['a list entry that is no link', I2V, { model_id: 'seedance-1.0-pro-i2v', prompt: 'p', init_image: [away(0), 'ftp://host/a.png'] }, { 'init_image.1': ['The init image.1 must be a valid URL.'] }],
		['a start frame without its end frame', I2V, { model_id: 'Hailuo-02-start-end-frame', prompt: 'p', init_image: [away(0)] }, { init_image: ['The init image must contain 2 items.'] }],
		['three frames to start-end', I2V, { model_id: 'Hailuo-02-start-end-frame', prompt: 'p', init_image: [away(0), away(1), away(2)] }, { init_image: ['The init image must contain 2 items.'] }],
		['start and end as one string', I2V, { model_id: 'Hailuo-02-start-end-frame', prompt: 'p', init_image: away(0) }, { init_image: ['The init image must be an array.'] }],
		['init_image_2 on image-to-video', I2V, { ...kling, init_image_2: away(2) }, { init_image_2: ['The init image 2 field is prohibited.'] }],
		['init_image on text-to-video', T2V, { model_id: 'veo-3.1', prompt: 'p', init_image: away(1) }, { init_image: ['The init image field is prohibited.'] }],
		['a ratio not in the list', T2V, { model_id: 'seedance-t2v', prompt: 'p', aspect_ratio: '9:16' }, { aspect_ratio: ['The selected aspect ratio is invalid.'] }],
		['a ratio that is no string', T2V, { model_id: 'sora-2', prompt: 'p', aspect_ratio: 1.78 }, { aspect_ratio: ['The aspect ratio must be a string.'] }],
		['aspect_ratio on a model without it', T2V, { model_id: 'wan2.6-t2v', prompt: 'p', aspect_ratio: '16:9' }, { aspect_ratio: ['The aspect ratio field is prohibited.'] }],
		['aspect_ratio on image-to-video', I2V, { ...kling, aspect_ratio: '16:9' }, { aspect_ratio: ['The aspect ratio field is prohibited.'] }],
		['a duration as a number', I2V, { ...kling, duration: 5 }, { duration: ['The duration must be a string.'] }],
		['a duration not in the list', I2V, { ...kling, duration: '7' }, { duration: ['The selected duration is invalid.'] }],
		['a duration with a unit', T2V, { model_id: 'sora-2', prompt: 'p', duration: '4s' }, { duration: ['The selected duration is invalid.'] }],
		["Hailuo-2.3-i2v's durations are 6 and 10", I2V, { model_id: 'Hailuo-2.3-i2v', prompt: 'p', init_image: away(1), duration: '5' }, { duration: ['The selected duration is invalid.'] }],
		['a Kling model without its duration (required by the SDK)', I2V, { model_id: 'kling-v2-1-i2v', prompt: 'p', init_image: away(1) }, { duration: ['The duration field is required.'] }],
		['Kling 2.5 Turbo without its ratio and duration', T2V, { model_id: 'kling-v2-5-turbo-t2v', prompt: 'p' }, { aspect_ratio: ['The aspect ratio field is required.'], duration: ['The duration field is required.'] }],
		['Veo\'s generate_audio as "no"', T2V, { model_id: 'veo-3.1', prompt: 'p', generate_audio: 'no' }, { generate_audio: ['The generate audio field must be true or false.'] }],
		['Veo\'s negative_prompt over 2000 characters', T2V, { model_id: 'veo-3.1-fast', prompt: 'p', negative_prompt: 'x'.repeat(2001) }, { negative_prompt: ['The negative prompt must be a string of at most 2000 characters.'] }],
		['Seedance\'s camera_fixed as 1', T2V, { model_id: 'seedance-t2v', prompt: 'p', camera_fixed: 1 }, { camera_fixed: ['The camera fixed field must be true or false.'] }],
		['duration on a model without it', T2V, { model_id: 'seedance-t2v', prompt: 'p', duration: '5' }, { duration: ['The duration field is prohibited.'] }],
		['a resolution not in the list', T2V, { model_id: 'seedance-t2v', prompt: 'p', resolution: '1080p' }, { resolution: ['The selected resolution is invalid.'] }],
		['a resolution in another case', T2V, { model_id: 'wan2.6-t2v', prompt: 'p', resolution: '720P' }, { resolution: ['The selected resolution is invalid.'] }],
		['a resolution as a number', I2V, { model_id: 'wan2.6-i2v', prompt: 'p', init_image: away(1), resolution: 720 }, { resolution: ['The resolution must be a string.'] }],
		['resolution on a model without it', T2V, { model_id: 'veo-3.1', prompt: 'p', resolution: '720p' }, { resolution: ['The resolution field is prohibited.'] }],
		['init_audio on a model without audio', T2V, { model_id: 'wan2.6-t2v', prompt: 'p', init_audio: 'https://audio.example.com/a.mp3' }, { init_audio: ['The init audio field is prohibited.'] }],
		['a webhook that is no URL', T2V, { model_id: 'Hailuo-2.3-t2v', prompt: 'p', webhook: 'nope' }, { webhook: ['The webhook must be a valid URL.'] }],
		['a track_id that is no string', T2V, { model_id: 'Hailuo-2.3-t2v', prompt: 'p', track_id: { a: 1 } }, { track_id: ['The track id must be a string.'] }],
		[
			'every error at once, in field order',
			I2V,
			{ model_id: 'kling-v2-1-master-i2v', init_image: [away(1)], aspect_ratio: '1:1', duration: 10, resolution: '720p', webhook: 'x' },
			{
				prompt: ['The prompt field is required.'],
				init_image: ['The init image must be a string.'],
				aspect_ratio: ['The aspect ratio field is prohibited.'],
				duration: ['The duration must be a string.'],
				resolution: ['The resolution field is prohibited.'],
				webhook: ['The webhook must be a valid URL.'],
			},
		],
	];

	test.each(cases)('%s', async (_what, path, body, message) => {
		const { status, json } = await call(path, body);
		expect({ status, json }).toEqual({ status: 200, json: { status: 'error', message } });
		expect(JSON.stringify(Object.keys(json.message))).toBe(JSON.stringify(Object.keys(message)));
		expect(sb().stats).toMatchObject({ creates: 0, createAttempts: 1, jobs: [] });
		expect(balance()).toBe(43.6);
	});

	test('every model takes its own listed values and refuses the options it does not list', async () => {
		const options: Array<[field: string, values: (m: V7VideoModel) => readonly string[] | undefined]> = [
			['aspect_ratio', (m) => m.aspectRatios],
			['duration', (m) => m.durations],
			['resolution', (m) => m.resolutions],
		];
		for (const model of V7_VIDEO_MODELS) {
			// a required option is sent with its first value: each field is then varied alone
			const required = Object.fromEntries((V7_VIDEO_REQUIRED[model.id] ?? []).map((field) => [field, options.find(([name]) => name === field)![1](model)![0]]));
			const base = { model_id: model.id, prompt: 'p', ...required, ...(model.image && { init_image: model.image.sentAs === 'list' ? [away(0), away(1)] : away(0) }) };
			const path = model.direction === 'imageToVideo' ? I2V : T2V;
			for (const [field, values] of options) {
				for (const value of values(model) ?? []) expect([model.id, (await call(path, { ...base, [field]: value })).json.status]).toEqual([model.id, 'processing']);
				if (!values(model)) expect((await call(path, { ...base, [field]: '16:9' })).json).toEqual({ status: 'error', message: { [field]: [`The ${field.replace('_', ' ')} field is prohibited.`] } });
			}
		}
	});

	test('keys: none, unknown or enterprise (401); no credit (402)', async () => {
		const body = { model_id: 'Hailuo-2.3-t2v', prompt: 'p' };
		expect(await send('POST', T2V, body)).toMatchObject({ status: 401, json: { status: 'error', message: 'API key required' } });
		expect(await call(T2V, { ...body, key: 'nope' })).toMatchObject({ status: 401, json: { status: 'error', message: 'Invalid API key' } });
		expect(await call(I2V, { ...body, key: ENT })).toMatchObject({ status: 401, json: { status: 'error', message: 'Invalid API key' } });
		sb().account(STD)!.balance = 0;
		expect(await call(T2V, body)).toMatchObject({ status: 402, json: { status: 'error', message: 'Insufficient credits' } });
		expect(sb().stats).toMatchObject({ creates: 0, createAttempts: 4 });
	});

	test('GET is not allowed on the video routes', async () => {
		const get = await send('GET', I2V);
		expect(get.status).toBe(405);
		expect(get.headers.get('allow')).toBe('POST');
		expect(sb().stats.requests.map((r) => r.route)).toEqual(['v7ImageToVideo']);
	});
});

describe('faults on the video route names', () => {
	test('failed (create): the create still answers processing, the fetch tells the failure; failNextJobs likewise', async () => {
		sb().injectFault({ route: 'v7TextToVideo', kind: 'failed', message: 'provider down' });
		const first = await call(T2V, { model_id: 'Hailuo-2.3-t2v', prompt: 'p' });
		expect(first.json.status).toBe('processing');
		expect(await settle(first.json.id)).toEqual({ status: 'failed', id: first.json.id, message: 'provider down', track_id: null });
		sb().configure({ failNextJobs: 1, processingMs: 30 });
		const second = await call(I2V, { model_id: 'Hailuo-02-i2v', prompt: 'p', init_image: ref(1), track_id: 't2' });
		expect(await settle(second.json.id)).toEqual({ status: 'failed', id: second.json.id, message: 'Image generation failed', track_id: 't2' });
		expect((await download(second.json.future_links[0])).status).toBe(404); // a failed job has no file
		expect(sb().stats.creates).toBe(2);
	});

	test('failed (fetch), html, status, reset, rateLimit and shape', async () => {
		const { json } = await call(T2V, { model_id: 'Hailuo-2.3-t2v', prompt: 'p' });
		sb().injectFault({ route: 'v7VideoFetch', kind: 'failed' });
		expect((await call(videoFetch(json.id), {})).json).toEqual({ status: 'failed', id: json.id, message: 'Image generation failed', track_id: null });
		sb().injectFault({ route: 'v7VideoFetch', kind: 'html', status: 502 });
		const html = await call(videoFetch(json.id), {});
		expect(html.status).toBe(502);
		expect(html.headers.get('content-type')).toMatch(/text\/html/);
		sb().injectFault({ route: 'v7ImageToVideo', kind: 'status', status: 503 });
		expect(await call(I2V, { model_id: 'Hailuo-02-i2v', prompt: 'p', init_image: ref(1) })).toMatchObject({ status: 503, json: { status: 'error', message: 'Service Unavailable' } });
		sb().injectFault({ route: 'v7TextToVideo', kind: 'reset' });
		await expect(call(T2V, { model_id: 'Hailuo-2.3-t2v', prompt: 'p' })).rejects.toThrow();
		sb().injectFault({ route: 'v7VideoFetch', kind: 'rateLimit', retryAfter: 3 });
		expect(await call(videoFetch(json.id), {})).toMatchObject({ status: 429, json: { status: 'error', message: 'Rate limit exceeded. Maximum 5 queued requests allowed.', retry_after: 3 } });
		sb().configure({ processingMs: 1000 });
		sb().injectFault({ route: 'v7TextToVideo', kind: 'shape', shapes: ['noEta', 'stringId'] });
		const shaped = await call(T2V, { model_id: 'Hailuo-2.3-t2v', prompt: 'p' });
		expect(shaped.json).toMatchObject({ status: 'processing', id: expect.any(String), progress: 0 });
		expect(shaped.json).not.toHaveProperty('eta');
		expect(sb().stats).toMatchObject({ creates: 2, rejected429: 1 });
	});

	test('afterAccept: billed, then the fault', async () => {
		sb().injectFault({ route: 'v7ImageToVideo', kind: 'status', status: 502, afterAccept: true });
		const { status } = await call(I2V, { model_id: 'seedance-1.0-pro-i2v', prompt: 'p', init_image: [ref(1)] });
		expect(status).toBe(502);
		expect(sb().stats.creates).toBe(1);
		expect(sb().stats.jobs[0]).toMatchObject({ route: 'v7ImageToVideo' });
		expect(balance()).toBeCloseTo(43.598, 9);
	});

	test('prompt targeting: only the job created with that prompt, its fetch and its download', async () => {
		sb().configure({ processingMs: 30 });
		sb().injectFault({ route: 'v7VideoFetch', kind: 'failed', prompt: 'b', message: 'only b' });
		sb().injectFault({ route: 'cdn', kind: 'status', status: 410, prompt: 'a' });
		const a = await call(T2V, { model_id: 'Hailuo-2.3-t2v', prompt: 'a' });
		const b = await call(T2V, { model_id: 'Hailuo-2.3-t2v', prompt: 'b' });
		const c = await call(T2V, { model_id: 'Hailuo-2.3-t2v', prompt: 'c' });
		expect((await settle(a.json.id)).status).toBe('success');
		expect(await settle(b.json.id)).toMatchObject({ status: 'failed', message: 'only b' });
		expect((await settle(c.json.id)).status).toBe('success');
		expect((await download(c.json.future_links[0])).status).toBe(200);
		expect((await download(a.json.future_links[0])).status).toBe(410);
		expect((await download(a.json.future_links[0])).status).toBe(200);
	});

	test('429 with the account queue limit once it has that many jobs processing; nothing billed', async () => {
		sb().configure({ processingMs: 1000, accounts: [{ key: 'small', queueLimit: 1 }] });
		const body = { key: 'small', model_id: 'Hailuo-2.3-t2v', prompt: 'p' };
		expect((await send('POST', T2V, body)).json.status).toBe('processing');
		expect(await send('POST', I2V, { ...body, model_id: 'Hailuo-02-i2v', init_image: ref(1) })).toMatchObject({
			status: 429,
			json: { status: 'error', message: 'Rate limit exceeded. Maximum 1 queued requests allowed.', retry_after: 30 },
		});
		expect(sb().stats).toMatchObject({ creates: 1, createAttempts: 2, rejected429: 1 });
	});

	test('CDN faults on the MP4: notFoundUntilReady, truncate, contentType; cdnNotFoundUntilReady', async () => {
		sb().configure({ processingMs: 250 });
		const { json } = await call(T2V, { model_id: 'sora-2', prompt: 'p', aspect_ratio: '9:16' });
		const link = json.future_links[0];
		sb().injectFault({ route: 'cdn', kind: 'notFoundUntilReady' });
		expect((await download(link)).status).toBe(404);
		expect(await download(link)).toMatchObject({ status: 200, type: 'video/mp4' }); // served early once the fault is used up

		const full = sb().jobBytes(json.id).length;
		sb().injectFault({ route: 'cdn', kind: 'truncate' });
		await expect(download(link)).rejects.toThrow();
		expect(sb().stats.cdnLog[2]).toMatchObject({ status: 200, fault: 'truncate', bytes: Math.floor(full / 2) });

		sb().injectFault({ route: 'cdn', kind: 'contentType', value: 'application/octet-stream' });
		const wrong = await download(link);
		expect(wrong.type).toBe('application/octet-stream');
		expect(wrong.bytes.equals(sb().jobBytes(json.id))).toBe(true);
		const head = await fetch(link, { method: 'HEAD' });
		expect([head.status, head.headers.get('content-type'), head.headers.get('content-length')]).toEqual([200, 'video/mp4', String(full)]);

		sb().configure({ cdnNotFoundUntilReady: true });
		const late = await call(T2V, { model_id: 'sora-2', prompt: 'p' });
		expect((await download(late.json.future_links[0])).status).toBe(404);
		await settle(late.json.id);
		expect((await download(late.json.future_links[0])).status).toBe(200);
	});

	test('the video links and the image links of a job do not cross', async () => {
		const video = await call(T2V, { model_id: 'Hailuo-2.3-t2v', prompt: 'p' });
		const image = await call(V6_T2I, { prompt: 'p' });
		expect((await download(video.json.future_links[0].replace(/\.mp4$/, '.png'))).status).toBe(404);
		expect((await download(image.json.output[0].replace(/\.png$/, '.mp4'))).status).toBe(404);
		expect((await download(video.json.future_links[0].replace(/-0\.mp4$/, '-1.mp4'))).status).toBe(404);
	});
});

describe('a large payload (videoPayloadBytes) is streamed', () => {
	test('option checks', () => {
		expect(sb().config.videoPayloadBytes).toBe(4096);
		expect(() => sb().configure({ videoPayloadBytes: -1 })).toThrow('sandbox option videoPayloadBytes must be an integer >= 0');
		expect(() => sb().configure({ videoPayloadBytes: 1.5 })).toThrow(/videoPayloadBytes/);
	});

	test('100 MB: Content-Length, every byte, the boxes whole, and never the whole file in memory', async () => {
		const payload = 100 * 1024 * 1024;
		sb().configure({ videoPayloadBytes: payload });
		const { json } = await call(T2V, { model_id: 'veo-3.1-fast', prompt: 'big', aspect_ratio: '9:16', duration: '6' });
		sb().configure({ videoPayloadBytes: 16 }); // a job keeps the size it was created with
		await settle(json.id);

		const baseline = process.memoryUsage().arrayBuffers;
		let peak = 0;
		const res = await fetch(json.future_links[0]);
		expect([res.status, res.headers.get('content-type')]).toEqual([200, 'video/mp4']);
		const length = Number(res.headers.get('content-length'));
		let received = 0;
		let head = Buffer.alloc(0);
		for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
			if (head.length < 4096) head = Buffer.concat([head, Buffer.from(chunk)]);
			received += chunk.length;
			peak = Math.max(peak, process.memoryUsage().arrayBuffers - baseline);
		}
		expect(received).toBe(length);
		const moovStart = head.readUInt32BE(0);
		const mdatStart = moovStart + head.readUInt32BE(moovStart);
		expect([0, moovStart, mdatStart].map((at) => head.toString('latin1', at + 4, at + 8))).toEqual(['ftyp', 'moov', 'mdat']);
		expect(head.readUInt32BE(mdatStart)).toBe(8 + payload);
		expect(length).toBe(mdatStart + 8 + payload);
		expect(readMp4(Buffer.concat([head.subarray(0, mdatStart), Buffer.from([0, 0, 0, 8]), Buffer.from('mdat')]))).toMatchObject({
			...MP4_BRANDS,
			durationMs: 6000,
			width: 720,
			height: 1280,
		});
		expect(peak).toBeLessThan(payload / 2);
		expect(sb().stats.cdnLog.at(-1)).toMatchObject({ status: 200, bytes: length });
	});
});

describe('families do not cross', () => {
	test('a video job is found only on the video fetch route; image jobs not on it', async () => {
		const video = await call(T2V, { model_id: 'Hailuo-2.3-t2v', prompt: 'p' });
		const v7Image = await call(V7_T2I, { model_id: 'imagen-3', prompt: 'p' });
		const v6 = await call(V6_T2I, { prompt: 'p' });
		const notFound = { status: 'error', messege: 'Request not found' };
		expect((await call(`/api/v7/images/fetch/${video.json.id}`, {})).json).toEqual(notFound);
		expect((await call(`/api/v6/images/fetch/${video.json.id}`, {})).json).toEqual(notFound);
		expect((await call('/api/v6/images/fetch', { request_id: video.json.id })).json).toEqual(notFound);
		expect((await call(`/api/v6/image_editing/fetch/${video.json.id}`, {})).json.messege).toBe('Request not found');
		expect((await call(videoFetch(v7Image.json.id), {})).json).toEqual(notFound);
		expect((await call(videoFetch(v6.json.id), {})).json).toEqual(notFound);
		expect((await call(videoFetch('abc'), {})).json).toEqual(notFound);
		expect((await call(videoFetch(video.json.id), {})).json.status).toBe('success');
		expect((await call('/api/v7/video-fusion/fetch', { request_id: video.json.id })).status).toBe(404);
		expect(sb().stats.requests.filter((r) => r.route === 'v7VideoFetch')).toHaveLength(4);
	});

	test('a video job of another account is not found', async () => {
		sb().configure({ accounts: [{ key: STD }, { key: 'other' }] });
		const { json } = await call(T2V, { model_id: 'Hailuo-2.3-t2v', prompt: 'p' });
		expect((await send('POST', videoFetch(json.id), { key: 'other' })).json).toEqual({ status: 'error', messege: 'Request not found' });
	});

	test('faults on the video routes leave the image routes alone, and the other way round', async () => {
		sb().injectFault({ route: 'v7ImagesFetch', kind: 'failed' });
		sb().injectFault({ route: 'v7TextToVideo', kind: 'status', status: 500 });
		const video = await call(T2V, { model_id: 'Hailuo-2.3-t2v', prompt: 'p' }); // takes the 500
		expect(video.status).toBe(500);
		const again = await call(T2V, { model_id: 'Hailuo-2.3-t2v', prompt: 'p' });
		expect((await call(videoFetch(again.json.id), {})).json.status).toBe('success'); // the images fault is not taken here
		expect(sb().faults).toEqual([{ route: 'v7ImagesFetch', kind: 'failed', times: 1 }]);
	});
});
