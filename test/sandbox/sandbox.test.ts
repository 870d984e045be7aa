import * as http from 'node:http';
import * as zlib from 'node:zlib';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
	startSandbox,
	DEFAULT_ENTERPRISE_KEY as ENT,
	DEFAULT_STANDARD_KEY as STD,
	type Sandbox,
} from '../../sandbox/server';
import * as png from '../../sandbox/images/png';
import { renderPng } from '../../sandbox/images/png';
import { useSandbox } from './useSandbox';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const V6 = '/api/v6/images/text2img';
const ENT_CREATE = '/api/v1/enterprise/text2img';

async function post(url: string, body: unknown): Promise<{ status: number; json: Json; headers: Headers }> {
	const res = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await res.text();
	let json: Json;
	try {
		json = JSON.parse(text);
	} catch {
		json = text;
	}
	return { status: res.status, json, headers: res.headers };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 3000): Promise<T> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > end) throw new Error('waitFor timed out');
		await sleep(20);
	}
}

// Independent PNG check: CRCs via node's zlib.crc32, pixels via inflate.
function parsePng(buf: Buffer) {
	expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
	const chunks: Array<{ type: string; data: Buffer }> = [];
	let off = 8;
	while (off < buf.length) {
		const len = buf.readUInt32BE(off);
		const type = buf.toString('ascii', off + 4, off + 8);
		const data = buf.subarray(off + 8, off + 8 + len);
		expect(zlib.crc32(buf.subarray(off + 4, off + 8 + len))).toBe(buf.readUInt32BE(off + 8 + len));
		chunks.push({ type, data });
		off += 12 + len;
	}
	expect(off).toBe(buf.length);
	expect(chunks[0].type).toBe('IHDR');
	expect(chunks[chunks.length - 1].type).toBe('IEND');
	const ihdr = chunks[0].data;
	const width = ihdr.readUInt32BE(0);
	const height = ihdr.readUInt32BE(4);
	expect([ihdr[8], ihdr[9], ihdr[12]]).toEqual([8, 2, 0]);
	const raw = zlib.inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
	expect(raw.length).toBe(height * (1 + width * 3));
	return { width, height, raw };
}

async function download(url: string) {
	const res = await fetch(url);
	return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

const sb = useSandbox();

describe('instant success and images', () => {
	test('answers success with CDN links to valid, deterministic PNGs', async () => {
		const body = { key: STD, model_id: 'flux', prompt: 'a lighthouse', width: '512', height: 256, samples: '2', seed: 42 };
		const { status, json } = await post(sb().baseUrl + V6, body);
		expect(status).toBe(200);
		expect(json).toMatchObject({ status: 'success', id: 13441520, nsfw_content_detected: false });
		expect(typeof json.generationTime).toBe('number');
		expect(json.output).toHaveLength(2);
		expect(json.proxy_links).toEqual(json.output);
		for (const link of json.output) expect(link.startsWith(`${sb().cdnUrl}/generations/`)).toBe(true);
		expect(sb().cdnUrl).not.toBe(sb().baseUrl);
		expect(json.meta).toMatchObject({ seed: 42, width: 512, height: 256, n_samples: 2, model_id: 'flux', prompt: 'a lighthouse' });
		expect(json.meta).not.toHaveProperty('key');

		const img0 = await download(json.output[0]);
		expect(img0.status).toBe(200);
		expect(img0.type).toBe('image/png');
		const png = parsePng(img0.bytes);
		expect([png.width, png.height]).toEqual([512, 256]);
		expect(img0.bytes.equals(sb().jobBytes(json.id, 0))).toBe(true);
		expect(img0.bytes.equals(renderPng({ width: 512, height: 256, seed: 42, prompt: 'a lighthouse' }))).toBe(true);

		const img1 = await download(json.output[1]);
		expect(img1.bytes.equals(renderPng({ width: 512, height: 256, seed: 43, prompt: 'a lighthouse' }))).toBe(true);
		expect(img1.bytes.equals(img0.bytes)).toBe(false);

		// same seed + prompt again: same pixels; CDN never saw the key
		const again = await post(sb().baseUrl + V6, body);
		expect((await download(again.json.output[0])).bytes.equals(img0.bytes)).toBe(true);
		expect(sb().stats.cdnRequests).toBe(3);
		for (const rec of sb().stats.cdnLog) expect(JSON.stringify(rec)).not.toContain(STD);
		expect(sb().stats.creates).toBe(2);
	});

	test('renderPng handles 1024x1024 and varies with prompt and seed', () => {
		const a = renderPng({ width: 1024, height: 1024, seed: 1, prompt: 'p' });
		expect(parsePng(a).width).toBe(1024);
		expect(renderPng({ width: 1024, height: 1024, seed: 1, prompt: 'q' }).equals(a)).toBe(false);
		expect(renderPng({ width: 1024, height: 1024, seed: 2, prompt: 'p' }).equals(a)).toBe(false);
	});

	test('null seed gets a random seed, reproducible from rngSeed', async () => {
		const one = await startSandbox();
		const two = await startSandbox();
		try {
			const a = await post(one.baseUrl + V6, { key: STD, prompt: 'x', seed: null });
			const b = await post(two.baseUrl + V6, { key: STD, prompt: 'x' });
			expect(Number.isInteger(a.json.meta.seed)).toBe(true);
			expect(b.json.meta.seed).toBe(a.json.meta.seed);
			expect(b.json.output[0].split('/').pop()).toBe(a.json.output[0].split('/').pop());
		} finally {
			await Promise.all([one.close(), two.close()]);
		}
	});

	test('unknown CDN files answer 404 without needing a key', async () => {
		const r = await download(`${sb().cdnUrl}/generations/00000000-0000-4000-8000-000000000000-0.png`);
		expect(r.status).toBe(404);
	});
});

describe('processing then fetch', () => {
	beforeEach(() => sb().configure({ processingMs: 300 }));

	test('standard: processing answer, then each fetch route gives the same success', async () => {
		const created = await post(sb().baseUrl + V6, { key: STD, prompt: 'queued', seed: 7, track_id: 't-1' });
		const p = created.json;
		expect(Object.keys(p)).toEqual(['status', 'eta', 'messege', 'fetch_result', 'id', 'output', 'future_links', 'proxy_links', 'meta']);
		expect(p).toMatchObject({
			status: 'processing',
			eta: 1,
			messege: 'Try to fetch request after seconds estimated',
			fetch_result: `${sb().baseUrl}/api/v6/images/fetch/${p.id}`,
			output: [],
		});
		expect(p.future_links).toHaveLength(1);
		expect(p.proxy_links).toEqual(p.future_links);

		const early = await post(p.fetch_result, { key: STD });
		expect(early.json).toMatchObject({ status: 'processing', id: p.id, eta: 1, future_links: p.future_links });
		expect(sb().job(p.id)?.state).toBe('processing');

		await sleep(350);
		const viaPath = await post(`${sb().baseUrl}/api/v6/images/fetch/${p.id}`, { key: STD });
		const viaBody = await post(`${sb().baseUrl}/api/v6/images/fetch`, { key: STD, request_id: String(p.id) });
		expect(viaPath.json).toMatchObject({ status: 'success', id: p.id, output: p.future_links });
		expect(viaBody.json).toEqual(viaPath.json);
		expect(viaPath.json.meta).toEqual(p.meta);
		expect((await download(p.future_links[0])).bytes.equals(sb().jobBytes(p.id, 0))).toBe(true);

		const rec = sb().job(p.id)!;
		expect(rec.fetches).toBe(3);
		expect(rec.firstSuccessFetchAt).toBeGreaterThanOrEqual(rec.readyAt);
		expect(rec.state).toBe('success');
		expect(sb().stats.fetches).toBe(3);
	});

	test('enterprise: fetch_result has no id, request_id goes in the body', async () => {
		const p = (await post(sb().baseUrl + ENT_CREATE, { key: ENT, model_id: 'sdxl', prompt: 'e', num_inference_steps: '31' })).json;
		expect(p.status).toBe('processing');
		expect(p.fetch_result).toBe(`${sb().baseUrl}/api/v1/enterprise/fetch`);
		expect(p.meta.num_inference_steps).toBe(31);
		await sleep(350);
		const r = await post(p.fetch_result, { key: ENT, request_id: p.id });
		expect(r.json).toMatchObject({ status: 'success', id: p.id });
	});

	test('eta, fetchResultOrigin and echoKeyInMeta options', async () => {
		sb().configure({ processingMs: 2500, etaSeconds: 35, fetchResultOrigin: 'https://modelslab.com', echoKeyInMeta: true });
		const p = (await post(sb().baseUrl + V6, { key: STD, prompt: 'x' })).json;
		expect(p.eta).toBe(35);
		expect(p.fetch_result).toBe(`https://modelslab.com/api/v6/images/fetch/${p.id}`);
		expect(p.meta.key).toBe(STD);
		const f = await post(`${sb().baseUrl}/api/v6/images/fetch/${p.id}`, { key: STD });
		expect(f.json.eta).toBe(3); // real remaining seconds, rounded up
	});

	test('etaCountsDown: fetch answers count the create\'s eta down, as an estimate would, not the time truly left', async () => {
		sb().configure({ processingMs: 1500, etaSeconds: 10, etaCountsDown: true });
		const p = (await post(sb().baseUrl + V6, { key: STD, prompt: 'x' })).json;
		expect(p.eta).toBe(10);
		await sleep(1100);
		// 8.9 s left by the create's word (10 s, 1.1 s gone): 9 when rounded up; the job itself has under 0.4 s left
		const f = await post(`${sb().baseUrl}/api/v6/images/fetch/${p.id}`, { key: STD });
		expect(f.json).toMatchObject({ status: 'processing', eta: 9 });
		await sleep(500);
		expect((await post(`${sb().baseUrl}/api/v6/images/fetch/${p.id}`, { key: STD })).json.status).toBe('success');
		expect(() => sb().configure({ etaCountsDown: 1 as unknown as boolean })).toThrow('sandbox option etaCountsDown must be a boolean');
	});

	test('renderAtCreate: a job\'s images are rendered right after its create answer, before any download', async () => {
		sb().configure({ processingMs: 300, renderAtCreate: true });
		const render = jest.spyOn(png, 'renderPngShared');
		try {
			const p = (await post(sb().baseUrl + V6, { key: STD, prompt: 'ahead', samples: 2 })).json;
			await sleep(100);
			expect(render).toHaveBeenCalledTimes(2);
			await sleep(300);
			const done = (await post(`${sb().baseUrl}/api/v6/images/fetch/${p.id}`, { key: STD })).json;
			expect(done.status).toBe('success');
		} finally {
			render.mockRestore();
		}
	});

	test('jobs of another account or unknown ids are not found', async () => {
		const other = 'other-standard-key';
		sb().configure({ accounts: [{ key: STD }, { key: other }] });
		const p = (await post(sb().baseUrl + V6, { key: STD, prompt: 'mine' })).json;
		const notFound = { status: 'error', messege: 'Request not found' };
		expect((await post(`${sb().baseUrl}/api/v6/images/fetch/${p.id}`, { key: other })).json).toEqual(notFound);
		expect((await post(`${sb().baseUrl}/api/v6/images/fetch/999`, { key: STD })).json).toEqual(notFound);
		expect((await post(`${sb().baseUrl}/api/v6/images/fetch`, { key: STD })).json).toEqual({
			status: 'error',
			messege: { request_id: ['The request id field is required.'] },
		});
	});

	test('jitter is reproducible from rngSeed', async () => {
		const durations = async (s: Sandbox) => {
			for (let i = 0; i < 3; i++) await post(s.baseUrl + V6, { key: STD, prompt: 'j' });
			return s.stats.jobs.map((j) => j.readyAt - j.createdAt);
		};
		const a = await startSandbox({ processingMs: 1000, jitter: 0.5, rngSeed: 9 });
		const b = await startSandbox({ processingMs: 1000, jitter: 0.5, rngSeed: 9 });
		try {
			const da = await durations(a);
			expect(await durations(b)).toEqual(da);
			for (const d of da) {
				expect(d).toBeGreaterThanOrEqual(500);
				expect(d).toBeLessThanOrEqual(1500);
			}
			expect(new Set(da).size).toBeGreaterThan(1);
		} finally {
			await Promise.all([a.close(), b.close()]);
		}
	});
});

describe('auth, balance and other routes', () => {
	test('auth errors', async () => {
		expect(await post(sb().baseUrl + V6, { prompt: 'x' })).toMatchObject({ status: 401, json: { status: 'error', message: 'API key required' } });
		expect(await post(sb().baseUrl + V6, { key: 'nope', prompt: 'x' })).toMatchObject({ status: 401, json: { status: 'error', message: 'Invalid API key' } });
		expect(await post(sb().baseUrl + ENT_CREATE, { key: STD, prompt: 'x', model_id: 'flux' })).toMatchObject({
			status: 403,
			json: { status: 'error', message: 'Feature not available' },
		});
		expect(await post(sb().baseUrl + V6, { key: ENT, prompt: 'x' })).toMatchObject({ status: 401, json: { message: 'Invalid API key' } });
		expect(await post(sb().baseUrl + V6, '{"key": ')).toMatchObject({ status: 400, json: { status: 'error', messege: 'Invalid JSON body' } });
		expect(sb().stats.creates).toBe(0);
		expect(sb().stats.createAttempts).toBe(5);
	});

	test('402 when the balance is used up; creates are billed', async () => {
		const acct = sb().account(STD)!;
		await post(sb().baseUrl + V6, { key: STD, prompt: 'x', samples: 2 });
		expect(acct.balance).toBeCloseTo(43.6 - 0.004, 6);
		acct.balance = 0;
		expect(await post(sb().baseUrl + V6, { key: STD, prompt: 'x' })).toMatchObject({
			status: 402,
			json: { status: 'error', message: 'Insufficient credits' },
		});
		sb().reset();
		expect(sb().account(STD)!.balance).toBe(43.6);
	});

	test('wallet, model list, request count, 404', async () => {
		expect((await post(sb().baseUrl + '/api/wallet_balance', { key: ENT })).json).toEqual({
			status: 'success',
			data: { balance: 43.6, currency: 'USD' },
		});
		const models = (await post(sb().baseUrl + '/api/v4/dreambooth/model_list', { key: STD })).json;
		expect(models.map((m: Json) => m.model_id)).toEqual(['flux', 'sdxl', 'realistic-vision-v51', 'dreamshaper-8']);
		expect(Object.keys(models[0])).toEqual(['model_id', 'model_name', 'status', 'description']);
		sb().configure({ processingMs: 1000 });
		await post(sb().baseUrl + V6, { key: STD, prompt: 'x' });
		expect((await post(sb().baseUrl + '/api/v6/processing/request_count', { key: STD })).json).toEqual({
			status: 'success',
			processing_count: 1,
		});
		expect((await post(sb().baseUrl + '/api/v6/nope', { key: STD })).status).toBe(404);
		expect((await post(sb().baseUrl + '/api/wallet_balance', {})).status).toBe(401);
	});
});

describe('validation', () => {
	test('field errors come as HTTP 200 with a messege object', async () => {
		const r = await post(sb().baseUrl + V6, {
			key: STD,
			prompt: '  ',
			width: 2000,
			height: '512.5',
			samples: 5,
			guidance_scale: 'lots',
			num_inference_steps: 51,
			clip_skip: 9,
			lora_model: 'a,b',
			lora_strength: '0.5',
			safety_checker: 'maybe',
		});
		expect(r.status).toBe(200);
		expect(r.json).toEqual({
			status: 'error',
			messege: {
				prompt: ['The prompt field is required.'],
				width: ['The width must be between 256 and 1024.'],
				height: ['The height must be an integer.'],
				samples: ['The samples must be between 1 and 4.'],
				guidance_scale: ['The guidance scale must be a number.'],
				num_inference_steps: ['The num inference steps must be between 1 and 50.'],
				clip_skip: ['The clip skip must be between 1 and 8.'],
				lora_strength: ['The lora strength must have one value per lora model.'],
				safety_checker: ['The safety checker field must be yes or no.'],
			},
		});
		expect(sb().stats.creates).toBe(0);
	});

	test('enterprise rules: model_id required, steps 21/31/41, lora strengths in range', async () => {
		const r = await post(sb().baseUrl + ENT_CREATE, { key: ENT, prompt: 'x', num_inference_steps: '20', lora_model: 'a', lora_strength: '1.5' });
		expect(r.json.messege).toEqual({
			model_id: ['The model id field is required.'],
			num_inference_steps: ['The num inference steps must be 21, 31 or 41.'],
			lora_strength: ['Each lora strength must be between 0.1 and 1.'],
		});
	});

	test('doc-style bodies (strings, booleans, nulls, empty lora array) are accepted', async () => {
		const r = await post(sb().baseUrl + ENT_CREATE, {
			key: ENT,
			model_id: 'realistic-vision-v51',
			prompt: 'portrait',
			width: '512',
			height: '512',
			samples: '1',
			num_inference_steps: '41',
			safety_checker: 'no',
			enhance_prompt: false,
			seed: null,
			guidance_scale: '7.5',
			lora_model: [],
			lora_strength: null,
			clip_skip: '2',
			tomesd: 'yes',
			vae: null,
			scheduler: 'UniPCMultistepScheduler',
			webhook: null,
			track_id: null,
		});
		expect(r.json.status).toBe('success');
		expect(r.json.meta).toMatchObject({ enhance_prompt: 'no', guidance_scale: 7.5, clip_skip: 2, width: 512, scheduler: 'UniPCMultistepScheduler' });
	});
});

describe('queue limit', () => {
	test('429 once the account has queueLimit jobs processing', async () => {
		sb().configure({ processingMs: 400 });
		const creates = await Promise.all(Array.from({ length: 5 }, () => post(sb().baseUrl + V6, { key: STD, prompt: 'q' })));
		expect(creates.every((c) => c.json.status === 'processing')).toBe(true);
		const sixth = await post(sb().baseUrl + V6, { key: STD, prompt: 'q' });
		expect(sixth).toMatchObject({
			status: 429,
			json: { status: 'error', message: 'Rate limit exceeded. Maximum 5 queued requests allowed.', retry_after: 30 },
		});
		// per account: the enterprise account is not affected
		expect((await post(sb().baseUrl + ENT_CREATE, { key: ENT, prompt: 'q', model_id: 'flux' })).json.status).toBe('processing');
		expect(sb().stats).toMatchObject({ creates: 6, createAttempts: 7, rejected429: 1, peakProcessing: 5 });
		await sleep(450);
		expect((await post(sb().baseUrl + V6, { key: STD, prompt: 'q' })).json.status).toBe('processing');
	});

	test('the message carries the account limit and the configured retry_after', async () => {
		sb().configure({ processingMs: 1000, retryAfterSeconds: 7, accounts: [{ key: 'small', queueLimit: 1 }] });
		await post(sb().baseUrl + V6, { key: 'small', prompt: 'q' });
		expect((await post(sb().baseUrl + V6, { key: 'small', prompt: 'q' })).json).toEqual({
			status: 'error',
			message: 'Rate limit exceeded. Maximum 1 queued requests allowed.',
			retry_after: 7,
		});
	});
});

describe('base64 forms', () => {
	const body = { key: STD, prompt: 'b64', seed: 3, width: 256, height: 256, base64: 'yes' };

	test('raw (default)', async () => {
		const r = (await post(sb().baseUrl + V6, body)).json;
		expect(Buffer.from(r.output[0], 'base64').equals(sb().jobBytes(r.id, 0))).toBe(true);
		expect(r.proxy_links[0]).toMatch(/\.png$/);
		expect(r.meta.base64).toBe('yes');
	});

	test('dataUri', async () => {
		sb().configure({ base64Form: 'dataUri' });
		const r = (await post(sb().baseUrl + V6, body)).json;
		expect(r.output[0].startsWith('data:image/png;base64,')).toBe(true);
		expect(Buffer.from(r.output[0].split(',')[1], 'base64').equals(sb().jobBytes(r.id, 0))).toBe(true);
	});

	test('link to a .base64 text file', async () => {
		sb().configure({ base64Form: 'link' });
		const r = (await post(sb().baseUrl + V6, body)).json;
		expect(r.output[0]).toBe(`${sb().cdnUrl}/generations/${sb().job(r.id)!.uuid}-0.base64`);
		const file = await download(r.output[0]);
		expect(file.type).toBe('text/plain; charset=utf-8');
		expect(file.bytes.toString('utf8')).toBe(sb().jobBytes(r.id, 0).toString('base64'));
	});
});

describe('webhooks', () => {
	let receiver: http.Server;
	let hookUrl: string;
	const received: Json[] = [];

	beforeAll(async () => {
		receiver = http.createServer((req, res) => {
			let data = '';
			req.on('data', (c) => (data += c));
			req.on('end', () => {
				received.push({ headers: req.headers, body: JSON.parse(data) });
				res.writeHead(204).end();
			});
		});
		receiver.listen(0, '127.0.0.1');
		await once(receiver, 'listening');
		hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
	});
	afterAll(async () => {
		receiver.closeAllConnections();
		await new Promise((r) => receiver.close(r));
	});
	beforeEach(() => {
		received.length = 0;
	});

	test('success is POSTed to a loopback webhook with track_id, never the key', async () => {
		sb().configure({ processingMs: 200 });
		const p = (await post(sb().baseUrl + V6, { key: STD, prompt: 'hook', webhook: hookUrl, track_id: 'abc' })).json;
		expect(received).toHaveLength(0);
		const got = await waitFor(() => received[0]);
		expect(got.body).toEqual({
			status: 'success',
			id: p.id,
			output: p.future_links,
			generationTime: expect.any(Number),
			track_id: 'abc',
			meta: p.meta,
		});
		expect(JSON.stringify(got)).not.toContain(STD);
		await waitFor(() => sb().stats.webhookLog[0]?.status);
		expect(sb().stats.webhookLog[0]).toMatchObject({ url: hookUrl, status: 204, skipped: null, jobId: p.id });
		expect(sb().stats.webhooks).toBe(1);
		expect(sb().job(p.id)!.webhookUrl).toBe(hookUrl);
	});

	test('a failing job sends status failed; localhost works; foreign hosts are skipped', async () => {
		sb().configure({ failNextJobs: 1, failMessage: 'GPU fell over' });
		const localhostUrl = hookUrl.replace('127.0.0.1', 'localhost');
		const p = (await post(sb().baseUrl + V6, { key: STD, prompt: 'x', webhook: localhostUrl, track_id: 7 })).json;
		expect(p).toEqual({ status: 'failed', id: p.id, message: 'GPU fell over', track_id: 7 });
		const got = await waitFor(() => received[0]);
		expect(got.body).toEqual({ status: 'failed', id: p.id, message: 'GPU fell over', track_id: 7 });

		await post(sb().baseUrl + V6, { key: STD, prompt: 'x', webhook: 'https://example.com/hook' });
		await waitFor(() => sb().stats.webhookLog[1]);
		expect(sb().stats.webhookLog[1]).toMatchObject({ url: 'https://example.com/hook', skipped: 'non-loopback host', status: null });
		expect(sb().stats.webhooks).toBe(1);
	});
});

describe('fault injection', () => {
	test('status faults on create are FIFO, counted as attempts but not creates', async () => {
		sb().injectFault({ route: 'create', kind: 'status', status: 503, times: 2 });
		sb().injectFault({ route: 'create', kind: 'status', status: 500, body: 'upstream exploded' });
		expect(await post(sb().baseUrl + V6, { key: STD, prompt: 'x' })).toMatchObject({
			status: 503,
			json: { status: 'error', message: 'Service Unavailable' },
		});
		expect((await post(sb().baseUrl + V6, { key: STD, prompt: 'x' })).status).toBe(503);
		const third = await post(sb().baseUrl + V6, { key: STD, prompt: 'x' });
		expect(third).toMatchObject({ status: 500, json: 'upstream exploded' });
		expect(third.headers.get('content-type')).toMatch(/^text\/plain/);
		expect((await post(sb().baseUrl + V6, { key: STD, prompt: 'x' })).json.status).toBe('success');
		expect(sb().stats).toMatchObject({ createAttempts: 4, creates: 1 });
		expect(sb().faults).toEqual([]);
	});

	test('a fault with a prompt only hits the create, fetch and images of that prompt', async () => {
		sb().configure({ processingMs: 200 });
		sb().injectFault({ route: 'create', kind: 'status', status: 500, prompt: 'b' });
		sb().injectFault({ route: 'fetch', kind: 'status', status: 503, prompt: 'a' });
		sb().injectFault({ route: 'cdn', kind: 'status', status: 404, prompt: 'a' });
		expect((await post(sb().baseUrl + V6, { key: STD, prompt: 'a' })).json.status).toBe('processing');
		expect((await post(sb().baseUrl + V6, { key: STD, prompt: 'b' })).status).toBe(500);
		const [a] = sb().stats.jobs;
		await sleep(250);
		expect((await post(`${sb().baseUrl}/api/v6/images/fetch/${a.id}`, { key: STD })).status).toBe(503);
		const done = await post(`${sb().baseUrl}/api/v6/images/fetch/${a.id}`, { key: STD });
		expect((await download(done.json.output[0])).status).toBe(404);
		expect((await download(done.json.output[0])).status).toBe(200);
		expect(sb().faults).toEqual([]);
		expect(() => sb().injectFault({ route: 'create', kind: 'reset', prompt: 5 as unknown as string })).toThrow(
			'fault.prompt must be a string',
		);
	});

	test('afterAccept: the job is billed although the answer is an error', async () => {
		sb().injectFault({ route: 'create', kind: 'status', status: 502, afterAccept: true });
		expect((await post(sb().baseUrl + V6, { key: STD, prompt: 'x' })).status).toBe(502);
		expect(sb().stats.creates).toBe(1);
		const id = sb().stats.jobs[0].id;
		expect((await post(`${sb().baseUrl}/api/v6/images/fetch/${id}`, { key: STD })).json.status).toBe('success');
	});

	test('reset, html, apiError, rateLimit, delay and route any', async () => {
		sb().injectFault({ route: 'fetch', kind: 'reset' });
		await expect(post(`${sb().baseUrl}/api/v6/images/fetch/1`, { key: STD })).rejects.toThrow();
		expect(sb().stats.requests[0]).toMatchObject({ status: 0, fault: 'reset' });

		sb().injectFault({ route: 'wallet', kind: 'html' });
		const html = await post(sb().baseUrl + '/api/wallet_balance', { key: STD });
		expect(html.status).toBe(200);
		expect(html.headers.get('content-type')).toMatch(/^text\/html/);
		expect(html.json).toMatch(/^<!DOCTYPE html>/);

		sb().injectFault({ route: 'create', kind: 'apiError', message: 'Server busy', field: 'message' });
		expect((await post(sb().baseUrl + V6, { key: STD, prompt: 'x' })).json).toEqual({ status: 'error', message: 'Server busy' });

		sb().injectFault({ route: 'any', kind: 'rateLimit', retryAfter: 2 });
		expect(await post(sb().baseUrl + '/api/v4/dreambooth/model_list', { key: STD })).toMatchObject({
			status: 429,
			json: { retry_after: 2, message: 'Rate limit exceeded. Maximum 5 queued requests allowed.' },
		});

		sb().injectFault({ route: 'wallet', kind: 'delay', ms: 150 });
		const t0 = Date.now();
		expect((await post(sb().baseUrl + '/api/wallet_balance', { key: STD })).json.status).toBe('success');
		expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
	});

	test('failed on create (processing job) and on fetch', async () => {
		sb().configure({ processingMs: 200 });
		sb().injectFault({ route: 'create', kind: 'failed', message: 'NSFW' });
		const p = (await post(sb().baseUrl + V6, { key: STD, prompt: 'x', track_id: 'tf' })).json;
		expect(p.status).toBe('processing');
		await sleep(250);
		expect((await post(`${sb().baseUrl}/api/v6/images/fetch/${p.id}`, { key: STD })).json).toEqual({
			status: 'failed',
			id: p.id,
			message: 'NSFW',
			track_id: 'tf',
		});
		expect((await download(p.future_links[0])).status).toBe(404);

		const ok = (await post(sb().baseUrl + V6, { key: STD, prompt: 'y' })).json;
		sb().injectFault({ route: 'fetch', kind: 'failed', message: 'lost' });
		expect((await post(`${sb().baseUrl}/api/v6/images/fetch`, { key: STD, request_id: ok.id })).json).toEqual({
			status: 'failed',
			id: ok.id,
			message: 'lost',
			track_id: null,
		});
	});

	test('CDN faults: truncate, contentType, status, notFoundUntilReady', async () => {
		sb().configure({ processingMs: 250 });
		const p = (await post(sb().baseUrl + V6, { key: STD, prompt: 'cdn', width: 1024, height: 1024 })).json;
		const link = p.future_links[0];

		sb().injectFault({ route: 'cdn', kind: 'notFoundUntilReady' });
		expect((await download(link)).status).toBe(404);
		expect((await download(link)).status).toBe(200); // served early once the fault is used up

		sb().injectFault({ route: 'cdn', kind: 'truncate' });
		await expect(download(link)).rejects.toThrow();
		const full = sb().jobBytes(p.id, 0).length;
		expect(sb().stats.cdnLog[2]).toMatchObject({ fault: 'truncate', bytes: Math.floor(full / 2) });

		sb().injectFault({ route: 'cdn', kind: 'contentType', value: null });
		sb().injectFault({ route: 'cdn', kind: 'contentType', value: 'application/octet-stream' });
		expect((await download(link)).type).toBeNull();
		const wrong = await download(link);
		expect(wrong.type).toBe('application/octet-stream');
		expect(wrong.bytes.equals(sb().jobBytes(p.id, 0))).toBe(true);

		sb().injectFault({ route: 'cdn', kind: 'status', status: 403 });
		expect(await download(link)).toMatchObject({ status: 403 });
		expect(sb().stats.cdnRequests).toBe(6);
	});

	test('cdnNotFoundUntilReady config', async () => {
		sb().configure({ processingMs: 200, cdnNotFoundUntilReady: true });
		const p = (await post(sb().baseUrl + V6, { key: STD, prompt: 'z' })).json;
		expect((await download(p.future_links[0])).status).toBe(404);
		await sleep(250);
		expect((await download(p.future_links[0])).status).toBe(200);
	});

	test('bad faults and options are rejected early', () => {
		expect(() => sb().injectFault({ route: 'create', kind: 'truncate' })).toThrow(/only for route 'cdn'/);
		expect(() => sb().injectFault({ route: 'cdn', kind: 'apiError', message: 'x' })).toThrow();
		expect(() => sb().configure({ procesingMs: 5 } as never)).toThrow(/unknown sandbox option: procesingMs/);
	});
});

describe('counters and logs', () => {
	test('peakInFlight, requests log, counters() snapshot, reset()', async () => {
		sb().configure({ latencyMs: 100 });
		await Promise.all([1, 2, 3].map(() => post(sb().baseUrl + '/api/wallet_balance', { key: STD })));
		expect(sb().stats.peakInFlight).toBeGreaterThanOrEqual(3);
		const req = sb().stats.requests[0];
		expect(req).toMatchObject({ method: 'POST', path: '/api/wallet_balance', status: 200, route: 'wallet', body: { key: STD } });
		expect(req.headers['content-type']).toBe('application/json');
		const snap = sb().counters();
		sb().reset();
		expect(snap.requests).toHaveLength(3);
		expect(sb().stats).toMatchObject({ requests: [], creates: 0, createAttempts: 0, fetches: 0, cdnRequests: 0 });
		expect(sb().config.latencyMs).toBe(0);
	});
});

describe('lifecycle', () => {
	// The CLI runs compiled, as `npm run sandbox` runs it: the scripts' project, built into a folder of its own.
	let buildDir = '';
	beforeAll(() => {
		buildDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-cli-'));
		const repo = path.join(__dirname, '../..');
		execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(repo, 'tsconfig.scripts.json'), '--outDir', buildDir]);
	}, 120_000);
	afterAll(() => fs.rmSync(buildDir, { recursive: true, force: true }));

	function handleCounts() {
		const info = process.getActiveResourcesInfo();
		return {
			servers: info.filter((n) => n === 'TCPServerWrap').length,
			sockets: info.filter((n) => n === 'TCPSocketWrap').length,
			timers: info.filter((n) => n === 'Timeout').length,
		};
	}

	test('close() leaves no servers, sockets or timers behind', async () => {
		await sleep(50);
		const before = handleCounts();
		const s = await startSandbox({ processingMs: 5000, latencyMs: 0 });
		const p = (await post(s.baseUrl + V6, { key: STD, prompt: 'x', webhook: 'http://127.0.0.1:9/never' })).json;
		await download(p.future_links[0]); // keep-alive CDN socket
		s.injectFault({ route: 'wallet', kind: 'delay', ms: 10000 });
		const hanging = post(s.baseUrl + '/api/wallet_balance', { key: STD }).then(
			() => 'answered',
			(e: Error) => e.name,
		);
		await waitFor(() => s.stats.inFlight === 1);
		expect(handleCounts().servers).toBe(before.servers + 2);
		await s.close();
		expect(await hanging).toBe('TypeError'); // fetch failed: the socket was closed
		await waitFor(() => {
			const now = handleCounts();
			return now.servers === before.servers && now.sockets <= before.sockets && now.timers <= before.timers;
		}, 1000);
		await s.close(); // idempotent
	});

	test('only listens on 127.0.0.1', async () => {
		expect(sb().baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(sb().cdnUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
	});

	test('cli prints one JSON line and stops on SIGTERM', async () => {
		const child = spawn(process.execPath, [path.join(buildDir, 'sandbox/cli.js'), '--key', 'cli-key', '--processing-ms', '0'], {
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		let out = '';
		child.stdout.on('data', (c) => (out += c));
		await waitFor(() => out.includes('\n'), 5000);
		const urls = JSON.parse(out.trim());
		expect(Object.keys(urls)).toEqual(['baseUrl', 'cdnUrl']);
		expect((await post(urls.baseUrl + '/api/wallet_balance', { key: 'cli-key' })).json.status).toBe('success');
		const exited = once(child, 'exit');
		child.kill('SIGTERM');
		expect((await exited)[0]).toBe(0);
	});
});
