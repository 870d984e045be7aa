import { apiCalls, createAnswer, expectKeyNowhereButApi, pngSize, runNode, text2imgParams, useSandbox } from './setup';

const sandbox = useSandbox();
const STANDARD_KEY = 'sandbox-standard-key';

describe('Text2Img, in-process through n8n-core, against the sandbox', () => {
	it('returns a finished image at once as a binary file, with the exact request and item', async () => {
		const result = await runNode(sandbox(), { parameters: text2imgParams({ options: { seed: 42, numInferenceSteps: 20 } }) });
		expect(result.status).toBe('success');

		expect(apiCalls(sandbox())).toEqual([
			{
				path: '/api/v6/images/text2img',
				body: {
					key: STANDARD_KEY,
					model_id: 'flux',
					prompt: 'a lighthouse at dawn',
					width: 512,
					height: 512,
					samples: 1,
					seed: 42,
					num_inference_steps: 20,
				},
			},
		]);
		const answer = createAnswer(sandbox());
		const id = String(answer.id);
		expect(result.outputs).toEqual([
			{
				json: {
					id,
					status: 'success',
					imageUrl: answer.output[0],
					imageIndex: 0,
					seed: 42,
					width: 512,
					height: 512,
					format: 'custom',
					generationTime: answer.generationTime,
					meta: answer.meta,
				},
				binary: {
					data: expect.objectContaining({
						mimeType: 'image/png',
						fileName: `modelslab-${id}-0.png`,
						fileExtension: 'png',
					}),
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(result.binaries[0].data.equals(sandbox().jobBytes(id, 0))).toBe(true);
		expect(pngSize(result.binaries[0].data)).toEqual({ width: 512, height: 512 });
		// the image came from the CDN, without the key
		expect(sandbox().counters().cdnLog.map((record) => record.path)).toEqual([new URL(answer.output[0]).pathname]);
		expect(result.credentialApplications.map((application) => application.credentialType)).toEqual(['modelsLabApi']);
		expectKeyNowhereButApi(sandbox(), result, STANDARD_KEY);
	});

	it('works from defaults only: resource, operation and model come from the description', async () => {
		const result = await runNode(sandbox(), { parameters: { prompt: 'just a prompt' } });
		expect(result.status).toBe('success');
		expect(apiCalls(sandbox())[0].body).toEqual({
			key: STANDARD_KEY,
			model_id: 'flux',
			prompt: 'just a prompt',
			width: 512,
			height: 512,
			samples: 1,
		});
	});

	it('waits for a processing job: first fetch just before the eta, through fetch_result, then the image', async () => {
		// eta 1 s; the first fetch goes at 0.875 × eta (job/waitForResult.ts), when this job is ready
		sandbox().configure({ processingMs: 800 });
		const started = Date.now();
		const result = await runNode(sandbox(), { parameters: text2imgParams() });
		expect(result.status).toBe('success');
		const answer = createAnswer(sandbox());
		expect(answer).toMatchObject({ eta: 1, fetch_result: `${sandbox().baseUrl}/api/v6/images/fetch/${answer.id}` });
		expect(apiCalls(sandbox())).toEqual([
			{ path: '/api/v6/images/text2img', body: expect.objectContaining({ key: STANDARD_KEY }) },
			{ path: `/api/v6/images/fetch/${answer.id}`, body: { key: STANDARD_KEY } },
		]);
		const [create, fetch] = sandbox().counters().requests;
		expect(fetch.t - create.t).toBeGreaterThanOrEqual(870);
		expect(Date.now() - started).toBeLessThan(5000);
		expect(result.outputs).toHaveLength(1);
		expect(result.outputs[0].json).toMatchObject({ id: String(answer.id), status: 'success', imageIndex: 0 });
		expect(result.binaries[0].data.equals(sandbox().jobBytes(answer.id, 0))).toBe(true);
	});

	it('samples=4 gives 4 binary items of the asked size, each its own image', async () => {
		const result = await runNode(sandbox(), { parameters: text2imgParams({ samples: 4, width: 768, height: 256 }) });
		expect(result.status).toBe('success');
		const id = String(createAnswer(sandbox()).id);
		expect(result.outputs.map((item) => [item.json.imageIndex, item.binary?.data.fileName, item.pairedItem])).toEqual([
			[0, `modelslab-${id}-0.png`, { item: 0 }],
			[1, `modelslab-${id}-1.png`, { item: 0 }],
			[2, `modelslab-${id}-2.png`, { item: 0 }],
			[3, `modelslab-${id}-3.png`, { item: 0 }],
		]);
		result.binaries.forEach((binary, index) => {
			expect(binary.data.equals(sandbox().jobBytes(id, index))).toBe(true);
			expect(pngSize(binary.data)).toEqual({ width: 768, height: 256 });
		});
		expect(new Set(result.binaries.map((binary) => binary.data.toString('base64'))).size).toBe(4);
	});

	it('URL mode returns links only and downloads nothing', async () => {
		const result = await runNode(sandbox(), { parameters: text2imgParams({ samples: 2, output: 'urls' }) });
		const answer = createAnswer(sandbox());
		expect(result.outputs.map((item) => item.json.imageUrl)).toEqual(answer.output);
		expect(result.outputs.every((item) => item.binary === undefined)).toBe(true);
		expect(sandbox().counters().cdnRequests).toBe(0);
	});

	it('puts the image in the binary field the user named', async () => {
		const result = await runNode(sandbox(), { parameters: text2imgParams({ binaryPropertyName: 'poster' }) });
		expect(Object.keys(result.outputs[0].binary ?? {})).toEqual(['poster']);
		expect(result.binaries[0].poster.equals(sandbox().jobBytes(createAnswer(sandbox()).id, 0))).toBe(true);
	});

	it('with wait off, returns the id, status, eta and future links of a queued job', async () => {
		sandbox().configure({ processingMs: 5000 });
		const result = await runNode(sandbox(), { parameters: text2imgParams({ waitForCompletion: false }) });
		const answer = createAnswer(sandbox());
		expect(result.outputs).toEqual([
			{
				json: { id: String(answer.id), status: 'processing', eta: 5, futureLinks: answer.future_links },
				pairedItem: { item: 0 },
			},
		]);
		expect(apiCalls(sandbox()).map((call) => call.path)).toEqual(['/api/v6/images/text2img']);
	});

	it.each([
		['raw' as const],
		['dataUri' as const],
		['link' as const],
	])('decodes base64 answers (%s form) into the exact image bytes', async (base64Form) => {
		sandbox().configure({ base64Form });
		const result = await runNode(sandbox(), { parameters: text2imgParams({ options: { base64: true } }) });
		expect(result.status).toBe('success');
		const answer = createAnswer(sandbox());
		expect(apiCalls(sandbox())[0].body).toMatchObject({ base64: 'yes' });
		expect(result.binaries[0].data.equals(sandbox().jobBytes(answer.id, 0))).toBe(true);
		expect(result.outputs[0].binary?.data).toMatchObject({ mimeType: 'image/png', fileName: `modelslab-${answer.id}-0.png` });
		expect(result.outputs[0].json.imageUrl).toBe(base64Form === 'link' ? answer.output[0] : null);
	});

	it('refuses bad input before any request, naming the field, value and range', async () => {
		const result = await runNode(sandbox(), { parameters: text2imgParams({ width: 2048, samples: '9' }) });
		expect(result.status).toBe('error');
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message:
				'Invalid parameters: Width must be between 256 and 1024, got 2048; Number of Images must be between 1 and 4, got "9"',
			description: 'Nothing was sent to ModelsLab.',
		});
		expect(sandbox().counters().requests).toEqual([]);
	});

	it('accepts numeric strings from expressions', async () => {
		const result = await runNode(sandbox(), {
			parameters: text2imgParams({ width: '={{ $json.w }}', height: '={{ $json.h }}' }),
			inputItems: [{ json: { w: '640', h: 384 } }],
		});
		expect(result.status).toBe('success');
		expect(apiCalls(sandbox())[0].body).toMatchObject({ width: 640, height: 384 });
		expect(pngSize(result.binaries[0].data)).toEqual({ width: 640, height: 384 });
	});

	it('explains a bad key (401) without ever showing it', async () => {
		const wrongKey = 'wrong-key-that-must-not-leak-123';
		const result = await runNode(sandbox(), { parameters: text2imgParams(), credentials: { standardKey: wrongKey } });
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			httpCode: '401',
			message: 'ModelsLab rejected the API key (HTTP 401): Invalid API key',
		});
		expect(apiCalls(sandbox())).toEqual([{ path: '/api/v6/images/text2img', body: expect.objectContaining({ key: wrongKey }) }]);
		expectKeyNowhereButApi(sandbox(), result, wrongKey);
	});

	it('with continue on fail, the failing middle item becomes a paired error item and the others go on', async () => {
		const result = await runNode(sandbox(), {
			parameters: text2imgParams({ prompt: '={{ $json.prompt }}', width: '={{ $json.width }}' }),
			inputItems: [
				{ json: { prompt: 'first', width: 512 } },
				{ json: { prompt: 'second', width: 4096 } },
				{ json: { prompt: 'third', width: 256 } },
			],
			continueOnFail: true,
		});
		expect(result.status).toBe('success');
		expect(result.outputs.map((item) => [item.json.status ?? 'error', item.pairedItem])).toEqual([
			['success', { item: 0 }],
			['error', { item: 1 }],
			['success', { item: 2 }],
		]);
		expect(result.outputs[1].json).toEqual({
			error: 'Invalid parameters: Width must be between 256 and 1024, got 4096',
			description: 'Nothing was sent to ModelsLab.',
		});
		expect(apiCalls(sandbox()).map((call) => (call.body as { prompt: string }).prompt).sort()).toEqual(['first', 'third']);
		expect(pngSize(result.binaries[2].data)).toEqual({ width: 256, height: 512 });
	});

	it('runs items concurrently up to Concurrency, keeping input order and pairing', async () => {
		sandbox().configure({ processingMs: 400 });
		const prompts = ['one', 'two', 'three', 'four', 'five', 'six'];
		const result = await runNode(sandbox(), {
			parameters: text2imgParams({ prompt: '={{ $json.prompt }}', concurrency: 2, output: 'urls' }),
			inputItems: prompts.map((prompt) => ({ json: { prompt } })),
		});
		expect(result.status).toBe('success');
		const jobs = sandbox().counters().jobs;
		const promptOfJob = new Map(jobs.map((job) => [String(job.id), job.prompt]));
		expect(result.outputs.map((item) => [promptOfJob.get(item.json.id as string), item.pairedItem])).toEqual(
			prompts.map((prompt, index) => [prompt, { item: index }]),
		);
		expect(sandbox().counters().peakProcessing).toBe(2);
		expect(sandbox().counters().creates).toBe(6);
	});
});
