import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { RequestRecord, Sandbox } from '../../sandbox/server';
import type { SuccessAnswer } from '../expectedOutput';
import { successJson } from '../expectedOutput';
import type { N8nVersion } from '../../scripts/real-n8n';
import { N8N_LINES } from '../../scripts/real-n8n';
import { startSandbox } from '../../sandbox/server';
import type { BinaryRef, CommandRun, Execution, OutputItem } from './helpers';
import {
	ENTERPRISE_CREDENTIAL_ID,
	ENTERPRISE_KEY,
	NODE_TYPE,
	PACKAGE_NAME,
	STANDARD_CREDENTIAL_ID,
	STANDARD_KEY,
	binaryFile,
	capturedOutputs,
	executeWorkflow,
	filesUnder,
	findSecrets,
	prepareCliState,
	nodeOutput,
	pngSize,
	runN8nOk,
} from './helpers';

/**
 * The packed package, installed the way n8n installs community packages, run by REAL n8n
 * (`n8n execute --id`) against the sandbox, once per n8n line (installedPackage*.e2e.ts). Every workflow
 * is a JSON file in ./workflows, and every test asserts the exact items n8n stored for the run, the
 * exact API calls and the image bytes.
 */
export function installedPackageSuite(version: N8nVersion): void {

	const state = prepareCliState(version);
	const WORKFLOWS_DIR = path.join(__dirname, 'workflows');

	let sandbox: Sandbox;
	const runs: Array<{ workflowId: string; ms: number; end: string }> = [];

	interface ProcessingAnswer {
		status: 'processing';
		id: number;
		eta: number;
		future_links: string[];
	}

	function requests(): RequestRecord[] {
		return sandbox.counters().requests;
	}

	function apiCalls() {
		return requests().map((request) => ({ path: request.path, body: request.body }));
	}

	/** The answer that finished job `id` (its create, or the fetch that found it done). */
	function successAnswer(id: number | string): SuccessAnswer {
		const answer = requests()
			.map((request) => request.response as SuccessAnswer | undefined)
			.find((response) => response?.status === 'success' && String(response.id) === String(id));
		if (!answer) throw new Error(`the sandbox never answered success for job ${id}`);
		return answer;
	}

	function jobIdForPrompt(prompt: string): number {
		const job = sandbox.counters().jobs.find((candidate) => candidate.prompt === prompt);
		if (!job) throw new Error(`no sandbox job for prompt "${prompt}"`);
		return job.id;
	}

	/**
	 * n8n's binary reference for one image of the node's output, in the line's default mode: 2.x's
	 * filesystem mode (a stored file), or 1.x's "default" mode (the bytes inline, base64).
	 */
	function binaryRef(workflowId: string, answer: SuccessAnswer, imageIndex: number) {
		const bytes = sandbox.jobBytes(answer.id, imageIndex);
		const stored =
			N8N_LINES[version].binaryMode === 'filesystem'
				? {
						data: 'filesystem-v2',
						id: expect.stringMatching(
							new RegExp(`^filesystem-v2:workflows/${workflowId}/executions/\\d+/binary_data/[0-9a-f-]{36}$`),
						),
						bytes: bytes.length,
					}
				: { data: bytes.toString('base64') };
		return {
			mimeType: 'image/png',
			fileType: 'image',
			fileExtension: 'png',
			fileName: `modelslab-${answer.id}-${imageIndex}.png`,
			fileSize: expect.any(String),
			...stored,
		};
	}

	/** The stored file behind each item's binary `data` is the job's exact PNG, of the asked size. */
	function expectStoredImages(
		items: OutputItem[],
		expected: Array<{ id: number; index: number; width: number; height: number }>,
	) {
		expect(items).toHaveLength(expected.length);
		items.forEach((item, position) => {
			const file = binaryFile(state, item.binary?.data as BinaryRef);
			const { id, index, width, height } = expected[position];
			expect(file.equals(sandbox.jobBytes(id, index))).toBe(true);
			expect(pngSize(file)).toEqual({ width, height });
		});
	}

	async function execute(workflowId: string): Promise<{ run: CommandRun; execution: Execution }> {
		const result = await executeWorkflow(state, workflowId);
		runs.push({ workflowId, ms: result.run.ms, end: result.run.signal ?? `exit ${result.run.code}` });
		return result;
	}

	/** Runs the workflow and checks that n8n exited 0 and stored a successful execution, which it returns. */
	async function executeSucceeded(workflowId: string): Promise<Execution> {
		const { run, execution } = await execute(workflowId);
		expect(run.code).toBe(0);
		expect(execution.status).toBe('success');
		return execution;
	}

	/** The run's API calls were exactly one create on `path`: `key` and `fields` in the body, nothing else. */
	function expectOnlyCreate(path: string, key: string, fields: Record<string, unknown>) {
		expect(apiCalls()).toEqual([{ path, body: { key, ...fields } }]);
	}

	beforeAll(async () => {
		sandbox = await startSandbox();
		// The credential file holds the keys in clear: outside the user folder, deleted right after import.
		const credentialsDir = mkdtempSync(path.join(state.root, 'credentials-'));
		try {
			const credentialsFile = path.join(credentialsDir, 'credentials.json');
			writeFileSync(
				credentialsFile,
				JSON.stringify([
					{
						id: STANDARD_CREDENTIAL_ID,
						name: 'ModelsLab (sandbox)',
						type: 'modelsLabApi',
						data: { apiKey: STANDARD_KEY, baseUrl: sandbox.baseUrl },
					},
					{
						id: ENTERPRISE_CREDENTIAL_ID,
						name: 'ModelsLab Enterprise (sandbox)',
						type: 'modelsLabEnterpriseApi',
						data: { apiKey: ENTERPRISE_KEY, baseUrl: sandbox.baseUrl },
					},
				]),
				'utf8',
			);
			await runN8nOk(state, ['import:credentials', `--input=${credentialsFile}`]);
		} finally {
			rmSync(credentialsDir, { recursive: true, force: true });
		}
		await runN8nOk(state, ['import:workflow', '--separate', `--input=${WORKFLOWS_DIR}`]);
	});

	beforeEach(() => {
		sandbox.reset();
	});

	afterAll(async () => {
		await sandbox?.close();
		if (process.env.MODELSLAB_E2E_KEEP === '1') process.stderr.write(`[e2e] kept ${state.root}\n`);
		else rmSync(state.root, { recursive: true, force: true });
		const summary = runs.map((run) => `${run.workflowId} ${(run.ms / 1000).toFixed(1)} s (${run.end})`).join(', ');
		process.stderr.write(`[e2e] n8n execute runs: ${summary}\n`);
	});

	describe(`${PACKAGE_NAME}, installed like a community package, in real n8n ${version}`, () => {
		it('is installed with production dependencies only, and resolves zod and n8n-workflow from n8n itself', () => {
			const installed = JSON.parse(readFileSync(path.join(state.installedPackageDir, 'package.json'), 'utf8'));
			expect(installed).not.toHaveProperty('devDependencies');
			expect(installed).not.toHaveProperty('peerDependencies');
			expect(installed.dependencies ?? {}).toEqual({});
			// Nothing was installed next to the package and no folder above it has a node_modules, so at
			// run time zod can only come from the NODE_PATH n8n sets up: its own tree.
			const nodesModules = path.dirname(state.installedPackageDir);
			expect(readdirSync(nodesModules)).toEqual([PACKAGE_NAME]);
			expect(existsSync(path.join(state.installedPackageDir, 'node_modules'))).toBe(false);
			for (let dir = path.dirname(path.dirname(nodesModules)); ; dir = path.dirname(dir)) {
				expect(existsSync(path.join(dir, 'node_modules')) ? dir : null).toBeNull();
				if (dir === path.dirname(dir)) break;
			}
			expect(state.resolved.zod.startsWith(path.join(state.n8nNodeModules, 'zod') + path.sep)).toBe(true);
			const zodVersion = JSON.parse(readFileSync(path.join(state.n8nNodeModules, 'zod', 'package.json'), 'utf8')).version;
			expect(zodVersion).toMatch(/^3\./);
			expect(state.resolved.n8nWorkflow.startsWith(path.join(state.n8nNodeModules, 'n8n-workflow') + path.sep)).toBe(
				true,
			);
			const ledger = JSON.parse(readFileSync(path.join(state.userFolder, '.n8n', 'nodes', 'package.json'), 'utf8'));
			expect(ledger.dependencies).toEqual({ [PACKAGE_NAME]: state.packageVersion });
		});

		it('every workflow file uses the installed node type, typeVersion 1', () => {
			const files = filesUnder(WORKFLOWS_DIR).filter((file) => file.endsWith('.json'));
			expect(files.length).toBe(11);
			for (const file of files) {
				const workflow = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Array<{ type: string; typeVersion: number }> };
				const ours = workflow.nodes.filter((node) => node.type.startsWith(`${PACKAGE_NAME}.`));
				expect(ours.length).toBeGreaterThan(0);
				expect(ours.every((node) => node.type === NODE_TYPE && node.typeVersion === 1)).toBe(true);
			}
		});

		it('Text2Img, binary output: one exact create, and the stored file is the real PNG of the asked size', async () => {
			const { run, execution } = await execute('e2eT2iBinary0001');
			expect(run.code).toBe(0);
			expect(execution).toMatchObject({ status: 'success', finished: true, mode: 'cli' });

			expectOnlyCreate('/api/v6/images/text2img', STANDARD_KEY, {
				model_id: 'flux',
				prompt: 'a lighthouse at dawn',
				width: 640,
				height: 384,
				samples: 1,
				seed: 42,
				num_inference_steps: 20,
			});
			const answer = requests()[0].response as SuccessAnswer;
			expect(answer.status).toBe('success');
			const items = nodeOutput(execution, 'ModelsLab');
			expect(items).toEqual([
				{
					json: { ...successJson(answer, 0), seed: 42 },
					binary: { data: binaryRef('e2eT2iBinary0001', answer, 0) },
					pairedItem: { item: 0 },
				},
			]);
			expectStoredImages(items, [{ id: answer.id, index: 0, width: 640, height: 384 }]);
			// downloaded from the CDN, once, without the key
			expect(sandbox.counters().cdnLog.map((record) => record.path)).toEqual([new URL(answer.output[0]).pathname]);
		});

		it('Text2Img, Image URLs: links only, nothing downloaded', async () => {
			const execution = await executeSucceeded('e2eT2iUrls000001');

			expectOnlyCreate('/api/v6/images/text2img', STANDARD_KEY, {
				model_id: 'sdxl',
				prompt: 'a red bicycle against a white wall',
				negative_prompt: 'blurry',
				width: 512,
				height: 512,
				samples: 2,
				seed: 7,
			});
			const answer = requests()[0].response as SuccessAnswer;
			expect(answer.output).toHaveLength(2);
			expect(nodeOutput(execution, 'ModelsLab')).toEqual([
				{ json: successJson(answer, 0), pairedItem: { item: 0 } },
				{ json: successJson(answer, 1), pairedItem: { item: 0 } },
			]);
			expect(sandbox.counters().cdnRequests).toBe(0);
		});

		it('Text2Img, samples 4: four items, each its own stored PNG of the asked size', async () => {
			const execution = await executeSucceeded('e2eT2iSamples004');

			expectOnlyCreate('/api/v6/images/text2img', STANDARD_KEY, {
				model_id: 'flux',
				prompt: 'four variations of a paper crane',
				width: 768,
				height: 256,
				samples: 4,
				seed: 1000,
			});
			const answer = requests()[0].response as SuccessAnswer;
			const items = nodeOutput(execution, 'ModelsLab');
			expect(items).toEqual(
				[0, 1, 2, 3].map((index) => ({
					json: successJson(answer, index),
					binary: { data: binaryRef('e2eT2iSamples004', answer, index) },
					pairedItem: { item: 0 },
				})),
			);
			expectStoredImages(
				items,
				[0, 1, 2, 3].map((index) => ({ id: answer.id, index, width: 768, height: 256 })),
			);
			const stored = items.map((item) => binaryFile(state, item.binary?.data as BinaryRef).toString('base64'));
			expect(new Set(stored).size).toBe(4);
		});

		it('Enterprise Text2Img, 31 steps: enterprise route and key, exact item and image', async () => {
			const execution = await executeSucceeded('e2eEnterprise031');

			expectOnlyCreate('/api/v1/enterprise/text2img', ENTERPRISE_KEY, {
				model_id: 'realistic-vision-v51',
				prompt: 'a portrait of a lighthouse keeper',
				width: 512,
				height: 768,
				samples: 1,
				seed: 31,
				num_inference_steps: 31,
			});
			const answer = requests()[0].response as SuccessAnswer;
			expect(answer.meta).toMatchObject({ num_inference_steps: 31, model_id: 'realistic-vision-v51' });
			const items = nodeOutput(execution, 'ModelsLab');
			expect(items).toEqual([
				{
					json: successJson(answer, 0),
					binary: { data: binaryRef('e2eEnterprise031', answer, 0) },
					pairedItem: { item: 0 },
				},
			]);
			expectStoredImages(items, [{ id: answer.id, index: 0, width: 512, height: 768 }]);
			expect(sandbox.counters().jobs.map((job) => job.kind)).toEqual(['enterprise']);
		});

		it('generate with wait off, then Fetch Result: one create, the images collected by ID', async () => {
			sandbox.configure({ processingMs: 2500 });
			const execution = await executeSucceeded('e2eGenThenFetch1');

			const counters = sandbox.counters();
			expect(counters.creates).toBe(1);
			expect(counters.createAttempts).toBe(1);
			const queued = counters.requests[0].response as ProcessingAnswer;
			expect(queued.status).toBe('processing');
			const id = String(queued.id);
			expect(nodeOutput(execution, 'Generate')).toEqual([
				{ json: { id, status: 'processing', eta: 3, futureLinks: queued.future_links }, pairedItem: { item: 0 } },
			]);

			// after the create, only fetches of that one job, with nothing but the key in the body
			const [create, ...fetches] = apiCalls();
			expect(create.path).toBe('/api/v6/images/text2img');
			expect(fetches.length).toBeGreaterThanOrEqual(1);
			expect(fetches).toEqual(fetches.map(() => ({ path: `/api/v6/images/fetch/${id}`, body: { key: STANDARD_KEY } })));

			const answer = successAnswer(id);
			const items = nodeOutput(execution, 'Fetch Result');
			expect(items).toEqual(
				[0, 1].map((index) => ({
					json: successJson(answer, index, null),
					binary: { data: binaryRef('e2eGenThenFetch1', answer, index) },
					pairedItem: { item: 0 },
				})),
			);
			expectStoredImages(items, [0, 1].map((index) => ({ id: queued.id, index, width: 512, height: 512 })));
		});

		it('v7: Generate Image (Imagen 4, Story) waits on the v7 route; Generate Image (Seedream 4.5) with wait off, then Fetch Result (Images v7) collects it', async () => {
			sandbox.configure({ processingMs: 2500 });
			const execution = await executeSucceeded('e2eV7GenFetch001');

			const T2I = '/api/v7/images/text-to-image';
			const creates = apiCalls().filter((call) => call.path === T2I);
			expect(creates).toEqual([
				{ path: T2I, body: { key: STANDARD_KEY, model_id: 'imagen-4', prompt: 'a ceramic mug on a sunlit kitchen table', aspect_ratio: '9:16' } },
				{ path: T2I, body: { key: STANDARD_KEY, model_id: 'seedream-4.5', prompt: 'a canvas tote bag on a beach at sunset', aspect_ratio: '16:9' } },
			]);
			const [waited, later] = requests()
				.filter((request) => request.path === T2I)
				.map((request) => request.response as ProcessingAnswer);
			expect([waited.status, later.status]).toEqual(['processing', 'processing']);
			// every other call fetches one of the two jobs on the v7 route, with nothing but the key; both jobs were fetched
			const fetches = apiCalls().filter((call) => call.path !== T2I);
			const fetchPaths = [waited.id, later.id].map((id) => `/api/v7/images/fetch/${id}`);
			expect(fetches.map((call) => ({ ofAJob: fetchPaths.includes(call.path), body: call.body }))).toEqual(fetches.map(() => ({ ofAJob: true, body: { key: STANDARD_KEY } })));
			expect(new Set(fetches.map((call) => call.path))).toEqual(new Set(fetchPaths));

			/** A v7 item's json: the size read from the PNG (v7 answers' meta has none), the Format it was made for. */
			const v7Json = (id: number, format: string | null, width: number, height: number) => {
				const answer = successAnswer(id);
				return { ...successJson(answer, 0, format), width, height };
			};
			const waitedItems = nodeOutput(execution, 'Generate Image');
			expect(waitedItems).toEqual([
				{
					json: v7Json(waited.id, 'story', 576, 1024),
					binary: { data: binaryRef('e2eV7GenFetch001', successAnswer(waited.id), 0) },
					pairedItem: { item: 0 },
				},
			]);
			expectStoredImages(waitedItems, [{ id: waited.id, index: 0, width: 576, height: 1024 }]);
			expect(successAnswer(waited.id).meta).toMatchObject({ model_id: 'imagen-4', aspect_ratio: '9:16' });

			expect(nodeOutput(execution, 'Generate Later')).toEqual([
				{ json: { id: String(later.id), status: 'processing', eta: later.eta, futureLinks: later.future_links }, pairedItem: { item: 0 } },
			]);
			const fetchedItems = nodeOutput(execution, 'Fetch Result');
			expect(fetchedItems).toEqual([
				{
					json: v7Json(later.id, null, 1024, 576),
					binary: { data: binaryRef('e2eV7GenFetch001', successAnswer(later.id), 0) },
					pairedItem: { item: 0 },
				},
			]);
			expectStoredImages(fetchedItems, [{ id: later.id, index: 0, width: 1024, height: 576 }]);
			expect(sandbox.counters().creates).toBe(2);
		});

		it('validation error (width 2048): the run fails with the field-named message, the sandbox saw nothing', async () => {
			const { run, execution } = await execute('e2eValidation001');
			// n8n exits 1 after printing the failed run. n8n 2.41.1 on Node 24 sometimes dies with SIGSEGV
			// in that exit instead (its isolated-vm expression engine; n8n's own Stop and Error node does
			// the same, and N8N_EXPRESSION_ENGINE=legacy avoids it), after the complete output: both count.
			expect(['exit 1', 'SIGSEGV']).toContain(run.signal ?? `exit ${run.code}`);
			expect(execution.status).toBe('error');
			expect(execution.data.resultData.lastNodeExecuted).toBe('ModelsLab');
			expect(execution.data.resultData.error).toMatchObject({
				name: 'NodeOperationError',
				message: 'Invalid parameters: Width must be between 256 and 1024, got 2048',
				description: 'Nothing was sent to ModelsLab.',
				node: expect.objectContaining({ name: 'ModelsLab', type: NODE_TYPE }),
			});
			expect(execution.data.resultData.runData.ModelsLab[0].executionStatus).toBe('error');
			expect(requests()).toEqual([]);
			expect(sandbox.counters().cdnRequests).toBe(0);
		});

		it('continue on fail: the bad row of three becomes an error item paired to it, the other two succeed', async () => {
			const execution = await executeSucceeded('e2eContinueFail1');

			expect(apiCalls().map((call) => (call.body as { prompt: string }).prompt).sort()).toEqual(['first row', 'third row']);
			const first = successAnswer(jobIdForPrompt('first row'));
			const third = successAnswer(jobIdForPrompt('third row'));
			expect(nodeOutput(execution, 'ModelsLab')).toEqual([
				{ json: successJson(first, 0), pairedItem: { item: 0 } },
				{
					json: {
						error: 'Invalid parameters: Width must be between 256 and 1024, got 2048',
						description: 'Nothing was sent to ModelsLab.',
					},
					pairedItem: { item: 1 },
				},
				{ json: successJson(third, 0), pairedItem: { item: 2 } },
			]);
			expect(first.meta).toMatchObject({ width: 512, prompt: 'first row' });
			expect(third.meta).toMatchObject({ width: 256, prompt: 'third row' });
		});

		it('Retry On Fail, three rows, the second job failing once: creates per row 1, 2, 1, and each row the image of its job', async () => {
			sandbox.injectFault({ route: 'create', kind: 'failed', prompt: 'second row' });
			const execution = await executeSucceeded('e2eRetryOnFail01');

			const creates = requests().filter((request) => request.route === 'create');
			const prompts = ['first row', 'second row', 'third row'];
			expect(prompts.map((prompt) => creates.filter((request) => (request.body as { prompt: string }).prompt === prompt).length)).toEqual([1, 2, 1]);
			const jobs = (prompt: string) => sandbox.counters().jobs.filter((job) => job.prompt === prompt);
			const ids = [jobs('first row')[0].id, jobs('second row')[1].id, jobs('third row')[0].id];
			expect(jobs('second row')[0].state).toBe('failed');
			// n8n's second try fetched the finished jobs by their IDs (free) instead of creating them again
			const fetched = requests().filter((request) => request.route === 'fetch').map((request) => request.path).sort();
			expect(fetched).toEqual([`/api/v6/images/fetch/${ids[0]}`, `/api/v6/images/fetch/${ids[2]}`].sort());
			const items = nodeOutput(execution, 'ModelsLab');
			expect(items).toEqual(
				ids.map((id, row) => ({
					json: successJson(successAnswer(id), 0),
					binary: { data: binaryRef('e2eRetryOnFail01', successAnswer(id), 0) },
					pairedItem: { item: row },
				})),
			);
			expectStoredImages(items, ids.map((id) => ({ id, index: 0, width: 256, height: 256 })));
		});

		it('Continue (using error output): the failed row leaves on the error output with its request ID, the images on the success output', async () => {
			sandbox.injectFault({ route: 'create', kind: 'failed', prompt: 'second row' });
			const execution = await executeSucceeded('e2eErrorOutput01');

			const [first, second, third] = ['first row', 'second row', 'third row'].map((prompt) => jobIdForPrompt(prompt));
			const [success, failed] = execution.data.resultData.runData.ModelsLab[0].data!.main;
			expect(success).toEqual([
				{ json: successJson(successAnswer(first), 0), pairedItem: { item: 0 } },
				{ json: successJson(successAnswer(third), 0), pairedItem: { item: 2 } },
			]);
			// n8n merges the row's own fields into an item on the error output
			expect(failed).toEqual([
				{
					json: {
						sku: 'TOTE-2',
						prompt: 'second row',
						error: `ModelsLab failed request ${second}: Image generation failed`,
						message: `Status "failed" for request ID ${second} (Fetch Result, API: Standard).`,
					},
					pairedItem: { item: 1 },
				},
			]);
			expect(nodeOutput(execution, 'Failed Rows').map((item) => item.json)).toEqual([failed?.[0].json]);
			expect(nodeOutput(execution, 'Images').map((item) => item.json.id)).toEqual([String(first), String(third)]);
			expect(sandbox.counters().creates).toBe(3);
		});

		it('5 rows from a Code node: 5 images, each paired to its row, in row order', async () => {
			// queued jobs of uneven length, all five at once: they finish out of order
			sandbox.configure({ processingMs: 800, jitter: 0.6 });
			const execution = await executeSucceeded('e2eRowsFromCode5');

			const rows = [1, 2, 3, 4, 5].map((row) => ({
				prompt: `poster number ${row}`,
				width: 256 + 128 * (row - 1),
				seed: 100 + row,
			}));
			expect(nodeOutput(execution, 'Sheet Rows').map((item) => item.json)).toEqual(
				rows.map((row, index) => ({ row: index + 1, ...row })),
			);
			const counters = sandbox.counters();
			expect(counters.creates).toBe(5);
			expect(counters.peakProcessing).toBe(5);
			const createBodies = counters.requests
				.filter((request) => request.route === 'create')
				.map((request) => request.body as { prompt: string })
				.sort((a, b) => a.prompt.localeCompare(b.prompt));
			expect(createBodies).toEqual(
				rows.map((row) => ({
					key: STANDARD_KEY,
					model_id: 'flux',
					prompt: row.prompt,
					width: row.width,
					height: 256,
					samples: 1,
					seed: row.seed,
				})),
			);

			const answers = rows.map((row) => successAnswer(jobIdForPrompt(row.prompt)));
			const items = nodeOutput(execution, 'ModelsLab');
			expect(items).toEqual(
				answers.map((answer, index) => ({
					json: { ...successJson(answer, 0), seed: rows[index].seed },
					binary: { data: binaryRef('e2eRowsFromCode5', answer, 0) },
					pairedItem: { item: index },
				})),
			);
			expectStoredImages(
				items,
				answers.map((answer, index) => ({ id: answer.id, index: 0, width: rows[index].width, height: 256 })),
			);
		});

		it('error paths that echo the key: n8n stores the errors and items with the key redacted', async () => {
			// one create is accepted and then answered 500 with the key in the message (ambiguous: not resent);
			// the other job's meta echoes the key (a bug simulation); the middle row is invalid
			sandbox.configure({ echoKeyInMeta: true });
			sandbox.injectFault({
				route: 'create',
				kind: 'status',
				status: 500,
				afterAccept: true,
				body: { status: 'error', message: `upstream failure for key ${STANDARD_KEY}` },
			});
			const execution = await executeSucceeded('e2eContinueFail1');

			const creates = requests().filter((request) => request.route === 'create');
			expect(creates).toHaveLength(2);
			const faulted = creates.find((request) => request.fault === 'status')!;
			const faultedRow = (faulted.body as { prompt: string }).prompt === 'first row' ? 0 : 2;
			const okPrompt = faultedRow === 0 ? 'third row' : 'first row';
			const ok = successAnswer(jobIdForPrompt(okPrompt));
			const items = nodeOutput(execution, 'ModelsLab');
			expect(items[faultedRow]).toEqual({
				json: {
					error: 'ModelsLab answered HTTP 500: upstream failure for key ***',
					description: expect.stringContaining('does not send it again'),
				},
				pairedItem: { item: faultedRow },
			});
			expect(items[1].pairedItem).toEqual({ item: 1 });
			const { key: echoed, ...metaWithoutKey } = ok.meta;
			expect(echoed).toBe(STANDARD_KEY);
			expect(items[2 - faultedRow]).toEqual({
				json: { ...successJson(ok, 0), meta: metaWithoutKey },
				pairedItem: { item: 2 - faultedRow },
			});
			expect(JSON.stringify(items)).not.toContain(STANDARD_KEY);
			expect(sandbox.counters().creates).toBe(2);
		});

		it("after the runs: neither API key is anywhere in n8n's database, its files or any captured output", () => {
			const n8nFolder = path.join(state.userFolder, '.n8n');
			// The installed package is this checkout's (its README, byte for byte), and is searched like the rest:
			// the README no longer documents the sandbox's test keys (test/package/tarball.test.ts keeps it so).
			const readme = path.join(state.installedPackageDir, 'README.md');
			expect(readFileSync(readme).equals(readFileSync(path.join(state.repo, 'README.md')))).toBe(true);
			const files = filesUnder(n8nFolder);
			expect(files).toContain(readme);
			const database = path.join(n8nFolder, 'database.sqlite');
			expect(files).toContain(database);
			// the scan reads the right database: the imported credentials and executions are in it
			const stored = Buffer.concat(files.filter((file) => file.startsWith(database)).map((file) => readFileSync(file)));
			expect(stored.includes(Buffer.from(STANDARD_CREDENTIAL_ID))).toBe(true);
			expect(stored.includes(Buffer.from('e2eRowsFromCode5'))).toBe(true);
			expect(capturedOutputs.filter((run) => run.args[0] === 'execute').length).toBeGreaterThan(0);

			const texts = capturedOutputs.flatMap((run) => [
				{ label: `stdout of n8n ${run.args.join(' ')}`, text: run.stdout },
				{ label: `stderr of n8n ${run.args.join(' ')}`, text: run.stderr },
			]);
			expect(findSecrets([STANDARD_KEY, ENTERPRISE_KEY], files, texts)).toEqual([]);
		});
	});
}
