import { DEFAULT_STANDARD_KEY as STD, type Fault } from '../../sandbox/server';
import { useSandbox } from './useSandbox';

/** The sandbox's switches for the answers the live API has been recorded giving (sandbox/observed.ts). */

const sb = useSandbox();

async function post(path: string, body: unknown): Promise<{ status: number; text: string; json: Record<string, unknown> }> {
	const res = await fetch(`${sb().baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	const text = await res.text();
	return { status: res.status, text, json: JSON.parse(text) as Record<string, unknown> };
}

const create = () => post('/api/v6/images/text2img', { key: STD, prompt: 'p', width: 512, height: 512 });

describe('recorded faults: the recorded answers, verbatim', () => {
	it.each<[Fault & { kind: 'recorded' }, number, Record<string, unknown>]>([
		[
			{ route: 'create', kind: 'recorded', answer: 'spamFilter' },
			200,
			{
				status: 'error',
				message: 'Rate limit exceeded',
				tips: 'you are sending same request multiple times, spam filter is enabled, please wait for 30 seconds and try again',
			},
		],
		[{ route: 'create', kind: 'recorded', answer: 'spamFilterNoWait' }, 200, { status: 'error', message: 'Rate limit exceeded' }],
		[
			{ route: 'create', kind: 'recorded', answer: 'queueFull', seconds: 12 },
			429,
			{ status: 'error', message: 'Rate limit exceeded. Maximum 5 queued requests allowed.', retry_after: 12 },
		],
		[{ route: 'create', kind: 'recorded', answer: 'failedTryAgain' }, 200, { status: 'failed', id: '', message: 'Failed, Try Again', output: '' }],
		[
			{ route: 'create', kind: 'recorded', answer: 'validation' },
			200,
			{ status: 'error', messege: { width: ['The width must be a number.'], height: ['The height must be a number.'] } },
		],
		[{ route: 'create', kind: 'recorded', answer: 'bareProcessing' }, 200, { status: 'processing', id: '', messege: 'Request processing', output: '' }],
	])('%j', async (fault, status, json) => {
		sb().injectFault(fault);
		const answer = await create();
		expect([answer.status, answer.json]).toEqual([status, json]);
		expect(sb().counters()).toMatchObject({ creates: 0, createAttempts: 1, rejected429: status === 429 ? 1 : 0 });
	});

	it('notFound on a fetch answers the recorded shape, with a tip, and leaves the job alone', async () => {
		sb().configure({ processingMs: 1000 });
		const { json } = await create();
		sb().injectFault({ route: 'fetch', kind: 'recorded', answer: 'notFound' });
		const early = await post(`/api/v6/images/fetch/${String(json.id)}`, { key: STD });
		expect(early.json).toMatchObject({ status: 'failed', id: '', message: 'Request not found', output: '', tip: expect.any(String) });
		expect(sb().job(json.id as number)?.fetches).toBe(0);
		expect((await post(`/api/v6/images/fetch/${String(json.id)}`, { key: STD })).json.status).toBe('processing');
	});
});

describe('shape faults: the normal answer, reshaped', () => {
	it('bare: a processing fetch as {status, id: "", messege, output: ""}; a finished one untouched', async () => {
		sb().configure({ processingMs: 300 });
		const { json } = await create();
		sb().injectFault({ route: 'fetch', kind: 'shape', shapes: 'bare', times: Infinity });
		const path = `/api/v6/images/fetch/${String(json.id)}`;
		expect((await post(path, { key: STD })).json).toEqual({ status: 'processing', id: '', messege: 'Request processing', output: '' });
		await new Promise((resolve) => setTimeout(resolve, 350));
		expect((await post(path, { key: STD })).json).toMatchObject({ status: 'success', id: json.id });
		expect(sb().counters().requests.map((request) => request.fault)).toEqual([undefined, 'shape', 'shape']);
	});

	it('processing answer shapes: ids, etas, output, links, messages, tips', async () => {
		sb().configure({ processingMs: 5000, etaSeconds: 6 });
		sb().injectFault({
			route: 'create',
			kind: 'shape',
			shapes: ['emptyId', 'floatEta', 'outputString', 'messageSpelling', 'tips', 'proxyLinksObject', 'noFutureLinks', 'fetchResultOtherVersion'],
		});
		const { json } = await create();
		const id = sb().counters().jobs[0].id;
		expect(json).toMatchObject({
			status: 'processing',
			id: '',
			eta: 6.941116006399994,
			output: '',
			message: 'Try to fetch request after seconds estimated',
			tip: '',
			tip_1: expect.any(String),
			tips: expect.any(String),
			proxy_links: { 0: expect.stringMatching(/\/generations\/.+-0\.png$/) },
			fetch_result: `${sb().baseUrl}/api/v3/fetch/${id}`,
		});
		expect(json).not.toHaveProperty('messege');
		expect(json).not.toHaveProperty('future_links');
	});

	it('success answer shapes: a null id, one output string, meta under other names, extras, escaped slashes', async () => {
		sb().injectFault({ route: 'create', kind: 'shape', shapes: ['nullId', 'outputString', 'metaVariant', 'extras', 'noGenerationTime', 'escapedSlashes'] });
		const { json, text } = await create();
		expect(text).toContain('http:\\/\\/127.0.0.1');
		expect(json).toMatchObject({ status: 'success', id: null, output: expect.stringMatching(/^http:\/\/127\.0\.0\.1/), nsfw_content_detected: false, webhook_status: '', warning: '' });
		expect(json.meta).toMatchObject({ W: 512, H: 512, model: 'flux', lora_strength: '1.0', file_prefix: 'not-the-file-name' });
		expect(json).not.toHaveProperty('generationTime');
	});

	it('set and drop: any field, e.g. a status that is none of the four', async () => {
		sb().injectFault({ route: 'create', kind: 'shape', set: { status: { code: 1 } }, drop: ['meta'] });
		const { json } = await create();
		expect(json.status).toEqual({ code: 1 });
		expect(json).not.toHaveProperty('meta');
	});

	it.each<[unknown, string]>([
		[{ route: 'create', kind: 'shape' }, 'shape fault needs shapes, set or drop'],
		[{ route: 'create', kind: 'shape', shapes: 'nope' }, 'unknown shape: nope'],
		[{ route: 'create', kind: 'shape', drop: 'id' }, 'shape fault drop must be a list of field names'],
		[{ route: 'create', kind: 'recorded', answer: 'nope' }, 'recorded fault answer must be one of'],
		[{ route: 'cdn', kind: 'recorded', answer: 'notFound' }, "fault kind recorded is not for route 'cdn'"],
	])('%j is refused', (fault, message) => {
		expect(() => sb().injectFault(fault as Fault)).toThrow(message);
	});
});

describe('imageNoiseBits: images as large as real ones', () => {
	it('a 1024x1024 image of about 2.8 MB that does not compress, the same bytes on the CDN as jobBytes', async () => {
		sb().configure({ imageNoiseBits: 6 });
		const { json } = await post('/api/v6/images/text2img', { key: STD, prompt: 'p', width: 1024, height: 1024 });
		const link = (json.output as string[])[0];
		const served = Buffer.from(await (await fetch(link)).arrayBuffer());
		expect(served.equals(sb().jobBytes(json.id as number, 0))).toBe(true);
		expect(served.length).toBeGreaterThan(2.5 * 1024 * 1024);
		expect(served.length).toBeLessThan(3 * 1024 * 1024);
		expect(() => sb().configure({ imageNoiseBits: 9 })).toThrow('sandbox option imageNoiseBits must be an integer in 0..8');
	});
});
