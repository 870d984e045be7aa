import { readHeader } from '../../sandbox/images/imageFormat';
import { V7_IMAGE_MODELS } from '../../sandbox/routes/v7/catalog';
import { DEFAULT_ENTERPRISE_KEY as ENT, DEFAULT_STANDARD_KEY as STD } from '../../sandbox/server';
import { useSandbox } from './useSandbox';
import type { Json } from './v7Client';
import { sandboxClient, useElsewhere } from './v7Client';

const T2I = '/api/v7/images/text-to-image';
const I2I = '/api/v7/images/image-to-image';
const v7Fetch = (id: number | string) => `/api/v7/images/fetch/${id}`;
const V6_T2I = '/api/v6/images/text2img';

const sb = useSandbox();

const elsewhere = useElsewhere();
const ref = (n: number) => `${elsewhere.origin()}/ref-${n}.png`;
const refs = (n: number) => Array.from({ length: n }, (_, i) => ref(i));
const { send, call, settle, upload } = sandboxClient(sb, v7Fetch, 100);

async function sizeOf(link: string) {
	const res = await fetch(link);
	expect(res.status).toBe(200);
	const header = readHeader(Buffer.from(await res.arrayBuffer()));
	return { width: header?.width, height: header?.height };
}

const balance = () => sb().account(STD)?.balance;

describe('every catalog model: accepted, processed, fetched on the v7 route, drawn at its size', () => {
	type Case = [id: string, direction: 'generate' | 'edit', fields: (own: string) => Record<string, unknown>, width: number, height: number, samples?: number];
	const cases: Case[] = [
		['imagen-4', 'generate', () => ({ aspect_ratio: '9:16' }), 576, 1024],
		['imagen-4.0-ultra', 'generate', () => ({ aspect_ratio: '16:9', samples: '2' }), 1024, 576, 2],
		['imagen-4.0-fast-generate', 'generate', () => ({ aspect_ratio: '3:4' }), 768, 1024],
		['imagen-3', 'generate', () => ({}), 1024, 1024],
		['nano-banana-pro', 'generate', () => ({ aspect_ratio: '1.91:1' }), 1024, 536],
		['nano-banana-t2i', 'generate', () => ({}), 1024, 1024],
		['seedream-4.5', 'generate', () => ({ aspect_ratio: '21:9' }), 1024, 440],
		['seedream-4', 'generate', () => ({ aspect_ratio: '2:3' }), 680, 1024],
		['seedream-t2i', 'generate', () => ({ width: 640, height: 896 }), 640, 896],
		['flux-2-pro', 'generate', () => ({ width: '512', height: 1024 }), 512, 1024],
		['gen4_image', 'generate', () => ({ aspect_ratio: '16:9' }), 1024, 576],
		['nano-banana-pro', 'edit', () => ({ init_image: refs(2), aspect_ratio: '3:2' }), 1024, 680],
		['seedream-4.5-i2i', 'edit', () => ({ init_image: refs(3), aspect_ratio: '16:9' }), 1024, 576],
		['seedream-4.0-i2i', 'edit', (own) => ({ init_image: [own, ref(1)] }), 64, 48],
		['flux-2-pro', 'edit', () => ({ init_image: refs(1) }), 1024, 1024],
		['flux-kontext-pro', 'edit', (own) => ({ init_image: own }), 64, 48],
		['nano-banana', 'edit', (own) => ({ init_image: own, init_image_2: ref(2) }), 64, 48],
		['gen4_image_turbo', 'edit', () => ({ init_image: ref(1), init_image_2: ref(2) }), 1024, 1024],
		['seededit-i2i', 'edit', () => ({ init_image: ref(1) }), 1024, 1024],
	];

	test('the cases cover the catalog, each model once per route', () => {
		expect(cases.map(([id, direction]) => `${direction} ${id}`).sort()).toEqual(V7_IMAGE_MODELS.map((m) => `${m.direction} ${m.id}`).sort());
	});

	test.each(cases)('%s (%s)', async (id, direction, fields, width, height, samples = 1) => {
		const own = await upload(64, 48);
		sb().configure({ processingMs: 60 });
		const hitsBefore = elsewhere.hits();
		const created = await call(direction === 'generate' ? T2I : I2I, { model_id: id, prompt: `a test of ${id}`, ...fields(own) });
		expect(created.status).toBe(200);
		expect(created.json).toMatchObject({ status: 'processing', fetch_result: sb().baseUrl + v7Fetch(created.json.id) });
		expect(created.json.future_links).toHaveLength(samples);
		expect(sb().stats).toMatchObject({ creates: 1, createAttempts: 1 });
		expect(balance()).toBeCloseTo(43.6 - 0.002 * samples, 9);

		const done = await settle(created.json.id);
		expect(done).toMatchObject({ status: 'success', id: created.json.id, meta: { model_id: id } });
		expect(done.output).toHaveLength(samples);
		for (const link of done.output) expect(await sizeOf(link)).toEqual({ width, height });
		expect(sb().job(created.json.id)).toMatchObject({ route: direction === 'generate' ? 'v7TextToImage' : 'v7ImageToImage', width, height, samples });
		expect(elsewhere.hits()).toBe(hitsBefore); // references elsewhere are never fetched
	});
});

describe('the community models the listing offers (flux, sdxl, midjourney): both routes, diffusion fields', () => {
	test.each([
		['flux', T2I, () => ({ width: 768, height: 512, samples: 2, negative_prompt: 'blurry', guidance_scale: 7.5, seed: 12 }), 768, 512, 2],
		['sdxl', T2I, () => ({}), 1024, 1024, 1],
		['midjourney', I2I, () => ({ init_image: ref(1), strength: 0.6 }), 1024, 1024, 1],
		['flux', I2I, () => ({ init_image: refs(1), width: 512, height: 640 }), 512, 640, 1],
	] as const)('%s on %s', async (id, path, fields, width, height, samples) => {
		sb().configure({ processingMs: 60 });
		const created = await call(path, { model_id: id, prompt: `a test of ${id}`, ...fields() });
		expect(created.json).toMatchObject({ status: 'processing' });
		expect(created.json.future_links).toHaveLength(samples);
		const done = await settle(created.json.id);
		expect(done).toMatchObject({ status: 'success', meta: { model_id: id } });
		for (const link of done.output) expect(await sizeOf(link)).toEqual({ width, height });
	});
});

describe('answers in the v6 images shapes', () => {
	test('processing: eta, fetch_result on the v7 fetch route, future links, meta with the request fields', async () => {
		sb().configure({ processingMs: 1000, etaSeconds: 7 });
		const { status, json } = await call(T2I, { model_id: 'imagen-4', prompt: 'a lighthouse', aspect_ratio: '9:16', track_id: 'n8n-1' });
		const job = sb().job(json.id);
		const link = `${sb().cdnUrl}/generations/${job?.uuid}-0.png`;
		expect(status).toBe(200);
		expect(json).toEqual({
			status: 'processing',
			eta: 7,
			messege: 'Try to fetch request after seconds estimated',
			fetch_result: `${sb().baseUrl}/api/v7/images/fetch/${json.id}`,
			id: json.id,
			output: [],
			future_links: [link],
			proxy_links: [link],
			meta: {
				aspect_ratio: '9:16',
				file_prefix: job?.uuid,
				model_id: 'imagen-4',
				prompt: 'a lighthouse',
				seed: job?.seed,
				track_id: 'n8n-1',
				webhook: null,
			},
		});
		const fetched = await call(v7Fetch(json.id), {});
		expect(fetched.json).toEqual({ ...json, eta: 1 });
		expect(sb().stats.fetches).toBe(1);
	});

	test('success at once when processingMs is 0; samples kept in meta as sent', async () => {
		const { json } = await call(T2I, { model_id: 'imagen-4.0-ultra', prompt: 'p', aspect_ratio: '1:1', samples: '3' });
		const job = sb().job(json.id);
		const links = [0, 1, 2].map((i) => `${sb().cdnUrl}/generations/${job?.uuid}-${i}.png`);
		expect(json).toEqual({
			status: 'success',
			generationTime: json.generationTime,
			id: json.id,
			output: links,
			proxy_links: links,
			meta: { aspect_ratio: '1:1', file_prefix: job?.uuid, model_id: 'imagen-4.0-ultra', prompt: 'p', samples: '3', seed: job?.seed, track_id: null, webhook: null },
			nsfw_content_detected: false,
		});
		expect(typeof json.generationTime).toBe('number');
		expect(Buffer.compare(sb().jobBytes(json.id, 2), Buffer.from(await (await fetch(links[2])).arrayBuffer()))).toBe(0);
		expect(balance()).toBeCloseTo(43.6 - 0.006, 9);
	});
});

describe('refusals: HTTP 200 {status:"error", message:{field:[...]}}, before anything is billed', () => {
	// any other host: never fetched (the success cases above prove it with a server that counts)
	const away = (n: number) => `https://images.example.com/ref-${n}.png`;
	const awayList = (n: number) => Array.from({ length: n }, (_, i) => away(i));
	const pair = { model_id: 'nano-banana', prompt: 'p' };
	type Case = [what: string, path: string, body: Record<string, unknown>, message: Record<string, string[]>];
	const cases: Case[] = [
		['no model_id', T2I, { prompt: 'p' }, { model_id: ['The model id field is required.'] }],
		['a model_id that is no string', T2I, { prompt: 'p', model_id: 4 }, { model_id: ['The model id must be a string.'] }],
		['an unknown model', T2I, { prompt: 'p', model_id: 'flux-9-ultra' }, { model_id: ['The selected model id is invalid.'] }],
		['a community model\'s width over 1024', T2I, { prompt: 'p', model_id: 'sdxl', width: 2048 }, { width: ['The width must be between 512 and 1024.'] }],
		['a reference on a community model\'s text-to-image', T2I, { prompt: 'p', model_id: 'flux', init_image: away(1) }, { init_image: ['The init image field is prohibited.'] }],
		['a community model\'s edit without an image', I2I, { prompt: 'p', model_id: 'sdxl', strength: 0.5 }, { init_image: ['The init image field is required.'] }],
		['a community model\'s strength over 1', I2I, { prompt: 'p', model_id: 'flux', init_image: away(1), strength: 2 }, { strength: ['The strength must be between 0 and 1.'] }],
		['an unknown model (edit)', I2I, { prompt: 'p', model_id: 'seedream-4.5-edit', init_image: [away(1)] }, { model_id: ['The selected model id is invalid.'] }],
		['an edit model on text-to-image', T2I, { prompt: 'p', model_id: 'seededit-i2i' }, { model_id: ['The model id seededit-i2i only works on /api/v7/images/image-to-image.'] }],
		['a generate model on image-to-image', I2I, { prompt: 'p', model_id: 'imagen-4', aspect_ratio: '1:1' }, { model_id: ['The model id imagen-4 only works on /api/v7/images/text-to-image.'] }],
		['no prompt', T2I, { model_id: 'imagen-3' }, { prompt: ['The prompt field is required.'] }],
		['a blank prompt', T2I, { model_id: 'imagen-3', prompt: '  ' }, { prompt: ['The prompt field is required.'] }],
		['a required ratio missing', T2I, { model_id: 'imagen-4', prompt: 'p' }, { aspect_ratio: ['The aspect ratio field is required.'] }],
		['a ratio not in the list', T2I, { model_id: 'imagen-4', prompt: 'p', aspect_ratio: '21:9' }, { aspect_ratio: ['The selected aspect ratio is invalid.'] }],
		['3:4 on seedream-4.5-i2i', I2I, { model_id: 'seedream-4.5-i2i', prompt: 'p', init_image: [away(1)], aspect_ratio: '3:4' }, { aspect_ratio: ['The selected aspect ratio is invalid.'] }],
		['a required ratio missing (edit)', I2I, { model_id: 'seedream-4.5-i2i', prompt: 'p', init_image: [away(1)] }, { aspect_ratio: ['The aspect ratio field is required.'] }],
		['an optional listed ratio not in the list', I2I, { model_id: 'flux-kontext-pro', prompt: 'p', init_image: away(1), aspect_ratio: '5:4' }, { aspect_ratio: ['The selected aspect ratio is invalid.'] }],
		['a free ratio that is no W:H', T2I, { model_id: 'nano-banana-pro', prompt: 'p', aspect_ratio: '16x9' }, { aspect_ratio: ['The aspect ratio must be a ratio W:H of two positive numbers.'] }],
		['a free ratio with a zero', T2I, { model_id: 'nano-banana-pro', prompt: 'p', aspect_ratio: '0:1' }, { aspect_ratio: ['The aspect ratio must be a ratio W:H of two positive numbers.'] }],
		['a ratio that is no string', T2I, { model_id: 'nano-banana-pro', prompt: 'p', aspect_ratio: 1.5 }, { aspect_ratio: ['The aspect ratio must be a string.'] }],
		['width and height missing', T2I, { model_id: 'seedream-t2i', prompt: 'p' }, { width: ['The width field is required.'], height: ['The height field is required.'] }],
		['a width over the range', T2I, { model_id: 'flux-2-pro', prompt: 'p', width: 2048, height: 1024 }, { width: ['The width must be between 512 and 1024.'] }],
		['a height under the range', T2I, { model_id: 'seedream-t2i', prompt: 'p', width: 512, height: '256' }, { height: ['The height must be between 512 and 1024.'] }],
		['a width that is no integer', T2I, { model_id: 'flux-2-pro', prompt: 'p', width: '600.5', height: 600 }, { width: ['The width must be an integer.'] }],
		['aspect_ratio on a model with no size', T2I, { model_id: 'imagen-3', prompt: 'p', aspect_ratio: '1:1' }, { aspect_ratio: ['The aspect ratio field is prohibited.'] }],
		['aspect_ratio on a pixel model', T2I, { model_id: 'flux-2-pro', prompt: 'p', aspect_ratio: '1:1', width: 512, height: 512 }, { aspect_ratio: ['The aspect ratio field is prohibited.'] }],
		['width/height on a ratio model', T2I, { model_id: 'gen4_image', prompt: 'p', aspect_ratio: '1:1', width: 512, height: 512 }, { width: ['The width field is prohibited.'], height: ['The height field is prohibited.'] }],
		['aspect_ratio on an edit model with no size', I2I, { model_id: 'seededit-i2i', prompt: 'p', init_image: away(1), aspect_ratio: '1:1' }, { aspect_ratio: ['The aspect ratio field is prohibited.'] }],
		['init_image on text-to-image', T2I, { model_id: 'imagen-3', prompt: 'p', init_image: away(1) }, { init_image: ['The init image field is prohibited.'] }],
		['no reference', I2I, { model_id: 'flux-2-pro', prompt: 'p' }, { init_image: ['The init image field is required.'] }],
		['an empty list', I2I, { model_id: 'flux-2-pro', prompt: 'p', init_image: [] }, { init_image: ['The init image field is required.'] }],
		['a string to a list model', I2I, { model_id: 'seedream-4.0-i2i', prompt: 'p', init_image: away(1) }, { init_image: ['The init image must be an array.'] }],
		['more than 10 in a list', I2I, { model_id: 'seedream-4.0-i2i', prompt: 'p', init_image: awayList(11) }, { init_image: ['The init image may not have more than 10 items.'] }],
		['more than 14 for nano-banana-pro', I2I, { model_id: 'nano-banana-pro', prompt: 'p', init_image: awayList(15) }, { init_image: ['The init image may not have more than 14 items.'] }],
		['a list entry that is no link', I2I, { model_id: 'flux-2-pro', prompt: 'p', init_image: [away(0), 'data:image/png;base64,iVBORw0KGgo=', 7] }, { 'init_image.1': ['The init image.1 must be a valid URL.'], 'init_image.2': ['The init image.2 must be a valid URL.'] }],
		['init_image_2 on a list model', I2I, { model_id: 'flux-2-pro', prompt: 'p', init_image: awayList(1), init_image_2: away(2) }, { init_image_2: ['The init image 2 field is prohibited.'] }],
		['a list to a single model', I2I, { model_id: 'flux-kontext-pro', prompt: 'p', init_image: awayList(1) }, { init_image: ['The init image must be a string.'] }],
		['a single reference that is no link', I2I, { model_id: 'seededit-i2i', prompt: 'p', init_image: 'ftp://host/a.png' }, { init_image: ['The init image must be a valid URL.'] }],
		['init_image_2 on a single model', I2I, { model_id: 'seededit-i2i', prompt: 'p', init_image: away(1), init_image_2: away(2) }, { init_image_2: ['The init image 2 field is prohibited.'] }],
		['a pair without its second image', I2I, { ...pair, init_image: away(1) }, { init_image_2: ['The init image 2 field is required.'] }],
		['a pair sent as a list', I2I, { ...pair, init_image: awayList(2) }, { init_image: ['The init image must be a string.'], init_image_2: ['The init image 2 field is required.'] }],
		['a pair with a base64 second image', I2I, { model_id: 'gen4_image_turbo', prompt: 'p', init_image: away(1), init_image_2: 'iVBORw0KGgo=' }, { init_image_2: ['The init image 2 must be a valid URL.'] }],
		['samples as a number', T2I, { model_id: 'imagen-4.0-ultra', prompt: 'p', aspect_ratio: '1:1', samples: 2 }, { samples: ['The samples must be a string.'] }],
		['samples over the max', T2I, { model_id: 'imagen-4.0-ultra', prompt: 'p', aspect_ratio: '1:1', samples: '5' }, { samples: ['The samples must be between 1 and 4.'] }],
		['samples of 0', T2I, { model_id: 'imagen-4.0-ultra', prompt: 'p', aspect_ratio: '1:1', samples: '0' }, { samples: ['The samples must be between 1 and 4.'] }],
		['samples that are no integer', T2I, { model_id: 'imagen-4.0-ultra', prompt: 'p', aspect_ratio: '1:1', samples: '1.5' }, { samples: ['The samples must be an integer.'] }],
		['samples on a model without them', T2I, { model_id: 'imagen-4', prompt: 'p', aspect_ratio: '1:1', samples: '1' }, { samples: ['The samples field is prohibited.'] }],
		['a webhook that is no URL', T2I, { model_id: 'imagen-3', prompt: 'p', webhook: 'nope' }, { webhook: ['The webhook must be a valid URL.'] }],
		['every error at once, in field order', T2I, { model_id: 'imagen-4', aspect_ratio: '2:1', width: 512 }, { prompt: ['The prompt field is required.'], width: ['The width field is prohibited.'], aspect_ratio: ['The selected aspect ratio is invalid.'] }],
	];

	test.each(cases)('%s', async (_what, path, body, message) => {
		const { status, json } = await call(path, body);
		expect({ status, json }).toEqual({ status: 200, json: { status: 'error', message } });
		expect(JSON.stringify(Object.keys(json.message))).toBe(JSON.stringify(Object.keys(message)));
		expect(sb().stats).toMatchObject({ creates: 0, createAttempts: 1, jobs: [] });
		expect(balance()).toBe(43.6);
	});

	test('keys: none, unknown or enterprise (401); no credit (402)', async () => {
		const body = { model_id: 'imagen-3', prompt: 'p' };
		expect(await send('POST', T2I, body)).toMatchObject({ status: 401, json: { status: 'error', message: 'API key required' } });
		expect(await call(T2I, { ...body, key: 'nope' })).toMatchObject({ status: 401, json: { status: 'error', message: 'Invalid API key' } });
		expect(await call(I2I, { ...body, key: ENT })).toMatchObject({ status: 401, json: { status: 'error', message: 'Invalid API key' } });
		sb().account(STD)!.balance = 0;
		expect(await call(T2I, body)).toMatchObject({ status: 402, json: { status: 'error', message: 'Insufficient credits' } });
		expect(sb().stats).toMatchObject({ creates: 0, createAttempts: 4 });
	});

	test('a reference the sandbox hosts sets the size only when it is one of its images', async () => {
		const textFile = await call('/api/v6/base64_to_url', { base64_string: Buffer.from('hello').toString('base64') });
		const { json } = await call(I2I, { model_id: 'seededit-i2i', prompt: 'p', init_image: textFile.json.output[0] });
		expect(sb().job(json.id)).toMatchObject({ width: 1024, height: 1024 });
		// a job's own output is hosted too: editing it keeps its size
		const first = await call(T2I, { model_id: 'gen4_image', prompt: 'p', aspect_ratio: '16:9' });
		const second = await call(I2I, { model_id: 'flux-2-pro', prompt: 'p', init_image: [first.json.output[0]] });
		expect(sb().job(second.json.id)).toMatchObject({ width: 1024, height: 576 });
	});
});

describe('GET /api/v7/models', () => {
	const list = (query: string) => send('GET', `/api/v7/models?${query}`);
	const ids = (json: Json) => json.data.map((m: Json) => m.model_id);

	test('feature=imagen: every catalog model once, then community ones', async () => {
		const { status, json } = await list(`feature=imagen&key=${STD}`);
		const catalogIds = [...new Set(V7_IMAGE_MODELS.map((m) => m.id))];
		expect(status).toBe(200);
		expect(ids(json)).toEqual([...catalogIds, 'flux', 'sdxl', 'midjourney']);
		expect(json).toMatchObject({ error: null, meta: { total: catalogIds.length + 3 } });
		expect(json.data[0]).toEqual({ model_id: 'imagen-4', model_name: 'Imagen 4', feature: 'imagen' });
		expect(json.data.every((m: Json) => m.feature === 'imagen' && typeof m.model_name === 'string')).toBe(true);
	});

	test('search: case-insensitive, on id and name', async () => {
		expect((await list(`feature=imagen&search=BANANA&key=${STD}`)).json).toEqual({
			data: [
				{ model_id: 'nano-banana-pro', model_name: 'Nano Banana Pro', feature: 'imagen' },
				{ model_id: 'nano-banana-t2i', model_name: 'Nano Banana Text to Image', feature: 'imagen' },
				{ model_id: 'nano-banana', model_name: 'Nano Banana', feature: 'imagen' },
			],
			error: null,
			meta: { total: 3 },
		});
		expect(ids((await list(`search=runway&key=${STD}`)).json)).toEqual(['gen4_image', 'gen4_image_turbo']);
		expect((await list(`feature=imagen&search=nothing-like-it&key=${STD}`)).json).toEqual({ data: [], error: null, meta: { total: 0 } });
		expect((await list(`feature=video_fusion&key=${ENT}`)).json).toEqual({ data: [], error: null, meta: { total: 0 } });
	});

	test('the key in the query string: 401 without it or for a bad one; 405 for POST', async () => {
		expect(await list('feature=imagen')).toMatchObject({ status: 401, json: { status: 'error', message: 'API key required' } });
		expect(await list('feature=imagen&key=nope')).toMatchObject({ status: 401, json: { status: 'error', message: 'Invalid API key' } });
		const post = await call('/api/v7/models', { feature: 'imagen' });
		expect(post).toMatchObject({ status: 405, json: { status: 'error', message: 'Method not allowed' } });
		expect(post.headers.get('allow')).toBe('GET');
		const get = await send('GET', T2I);
		expect(get.status).toBe(405);
		expect(get.headers.get('allow')).toBe('POST');
		expect(sb().stats.requests.map((r) => r.route)).toEqual(['v7Models', 'v7Models', 'v7Models', 'v7TextToImage']);
	});
});

describe('faults and config on the new route names', () => {
	test('failed (create): the job fails when fetched; failNextJobs likewise', async () => {
		sb().injectFault({ route: 'v7TextToImage', kind: 'failed', message: 'provider down' });
		const first = await call(T2I, { model_id: 'imagen-3', prompt: 'p' });
		expect(first.json).toEqual({ status: 'failed', id: first.json.id, message: 'provider down', track_id: null });
		sb().configure({ failNextJobs: 1, processingMs: 30 });
		const second = await call(I2I, { model_id: 'seededit-i2i', prompt: 'p', init_image: ref(1), track_id: 't2' });
		expect(second.json.status).toBe('processing');
		expect(await settle(second.json.id)).toEqual({ status: 'failed', id: second.json.id, message: 'Image generation failed', track_id: 't2' });
		expect(sb().stats.creates).toBe(2); // failed jobs are billed, like other jobs
	});

	test('failed (fetch), status, html, reset and rateLimit', async () => {
		const { json } = await call(T2I, { model_id: 'imagen-3', prompt: 'p' });
		sb().injectFault({ route: 'v7ImagesFetch', kind: 'failed' });
		expect((await call(v7Fetch(json.id), {})).json).toEqual({ status: 'failed', id: json.id, message: 'Image generation failed', track_id: null });
		sb().injectFault({ route: 'v7ImagesFetch', kind: 'html', status: 502 });
		const html = await call(v7Fetch(json.id), {});
		expect(html.status).toBe(502);
		expect(html.headers.get('content-type')).toMatch(/text\/html/);
		sb().injectFault({ route: 'v7ImageToImage', kind: 'status', status: 503 });
		expect(await call(I2I, { model_id: 'seededit-i2i', prompt: 'p', init_image: ref(1) })).toMatchObject({ status: 503, json: { status: 'error', message: 'Service Unavailable' } });
		sb().injectFault({ route: 'v7TextToImage', kind: 'reset' });
		await expect(call(T2I, { model_id: 'imagen-3', prompt: 'p' })).rejects.toThrow();
		sb().configure({ accounts: [{ key: 'small', queueLimit: 2 }] });
		sb().injectFault({ route: 'v7Models', kind: 'rateLimit', retryAfter: 3 });
		expect(await send('GET', '/api/v7/models?key=small')).toMatchObject({
			status: 429,
			json: { status: 'error', message: 'Rate limit exceeded. Maximum 2 queued requests allowed.', retry_after: 3 },
		});
		expect(sb().stats).toMatchObject({ creates: 1, rejected429: 1 });
	});

	test('afterAccept: billed, then the fault', async () => {
		sb().injectFault({ route: 'v7ImageToImage', kind: 'status', status: 502, afterAccept: true });
		const { status } = await call(I2I, { model_id: 'flux-2-pro', prompt: 'p', init_image: refs(2) });
		expect(status).toBe(502);
		expect(sb().stats.creates).toBe(1);
		expect(sb().stats.jobs[0]).toMatchObject({ route: 'v7ImageToImage', state: expect.any(String) });
		expect(balance()).toBeCloseTo(43.598, 9);
	});

	test('prompt targeting: only the job created with that prompt', async () => {
		sb().configure({ processingMs: 30 });
		sb().injectFault({ route: 'v7ImagesFetch', kind: 'failed', prompt: 'b', message: 'only b' });
		const a = await call(T2I, { model_id: 'imagen-3', prompt: 'a' });
		const b = await call(T2I, { model_id: 'imagen-3', prompt: 'b' });
		expect((await settle(a.json.id)).status).toBe('success');
		expect(await settle(b.json.id)).toMatchObject({ status: 'failed', message: 'only b' });
	});

	test('429 with the account queue limit once it has that many jobs processing; nothing billed', async () => {
		sb().configure({ processingMs: 1000, accounts: [{ key: 'small', queueLimit: 1 }] });
		const body = { key: 'small', model_id: 'imagen-3', prompt: 'p' };
		expect((await send('POST', T2I, body)).json.status).toBe('processing');
		expect(await send('POST', I2I, { ...body, model_id: 'seededit-i2i', init_image: ref(1) })).toMatchObject({
			status: 429,
			json: { status: 'error', message: 'Rate limit exceeded. Maximum 1 queued requests allowed.', retry_after: 30 },
		});
		expect(sb().stats).toMatchObject({ creates: 1, createAttempts: 2, rejected429: 1 });
	});

	test('failed is refused on the listing, which makes no job', () => {
		expect(() => sb().injectFault({ route: 'v7Models', kind: 'failed' })).toThrow(/only for routes/);
		expect(() => sb().injectFault({ route: 'v7ImagesFetch', kind: 'reset', afterAccept: true })).toThrow(/afterAccept is only for route/);
	});
});

describe('the v6 and v7 families do not cross', () => {
	test('a v7 job is found only on the v7 fetch route, a v6 job not on it', async () => {
		const v7 = await call(T2I, { model_id: 'imagen-3', prompt: 'p' });
		const v6 = await call(V6_T2I, { prompt: 'p' });
		const notFound = { status: 'error', messege: 'Request not found' };
		expect((await call(`/api/v6/images/fetch/${v7.json.id}`, {})).json).toEqual(notFound);
		expect((await call('/api/v6/images/fetch', { request_id: v7.json.id })).json).toEqual(notFound);
		expect((await call(`/api/v6/image_editing/fetch/${v7.json.id}`, {})).json.messege).toBe('Request not found');
		expect((await call(v7Fetch(v6.json.id), {})).json).toEqual(notFound);
		expect((await call(v7Fetch(v7.json.id), {})).json.status).toBe('success');
		expect((await call(v7Fetch('abc'), {})).json).toEqual(notFound);
		expect((await call('/api/v7/images/fetch', { request_id: v7.json.id })).status).toBe(404);
	});

	test('a v7 job of another account is not found', async () => {
		sb().configure({ accounts: [{ key: STD }, { key: 'other' }] });
		const { json } = await call(T2I, { model_id: 'imagen-3', prompt: 'p' });
		expect((await send('POST', v7Fetch(json.id), { key: 'other' })).json).toEqual({ status: 'error', messege: 'Request not found' });
	});
});
