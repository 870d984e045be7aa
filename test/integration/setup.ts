import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { ModelsLabApi } from '../../credentials/ModelsLabApi.credentials';
import { ModelsLabEnterpriseApi } from '../../credentials/ModelsLabEnterpriseApi.credentials';
import { ModelsLab } from '../../nodes/ModelsLab/ModelsLab.node';
import type { NodeUnderTest, RunResult, WorkflowDefinition } from '../harness';
import { runWorkflow, startWorkflow } from '../harness';
import type { Sandbox } from '../../sandbox/server';
import { useSandbox } from '../sandbox/useSandbox';

/** One sandbox per test file, and a one-call way to run the real node against it through n8n-core. */

// the sandbox's lifecycle, shared with the sandbox's own tests
export { useSandbox };

export const NODE_TYPE = 'n8n-nodes-modelslab.modelsLab';
export const FLUX = { __rl: true, mode: 'id', value: 'flux' };
export const PROMPT = 'a lighthouse at dawn';

/** Text to Image parameters: one 512x512 flux image of PROMPT, plus `extra`. */
export const text2imgParams = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'image',
	operation: 'text2img',
	modelId: FLUX,
	prompt: PROMPT,
	width: 512,
	height: 512,
	samples: 1,
	...extra,
});

export const fetchResultParams = (requestId: string, extra: INodeParameters = {}): INodeParameters => ({
	resource: 'image',
	operation: 'fetchResult',
	requestId,
	...extra,
});

export interface NodeRun {
	parameters: INodeParameters;
	inputItems?: INodeExecutionData[];
	continueOnFail?: boolean;
	/** The node's Settings: On Error, Retry On Fail, Max Tries, Wait Between Tries. */
	settings?: Pick<NodeUnderTest, 'id' | 'onError' | 'retryOnFail' | 'maxTries' | 'waitBetweenTries'>;
	credentials?: { standardKey?: string; enterpriseKey?: string };
	cancelAfterMs?: number;
	/** The node's version; default the latest. */
	typeVersion?: number;
	/** The credentials' Base URL; default the sandbox's. */
	baseUrl?: string;
	/** Do not read the output files back (a memory measurement). */
	skipBinaryRead?: boolean;
	/** n8n's binary data mode; default filesystem (2.x's own). */
	binaryMode?: 'default' | 'filesystem';
}

function runOptions(sandbox: Sandbox, run: Omit<NodeRun, 'parameters'>) {
	return {
		nodeTypes: { [NODE_TYPE]: new ModelsLab() },
		credentialTypes: { modelsLabApi: new ModelsLabApi(), modelsLabEnterpriseApi: new ModelsLabEnterpriseApi() },
		credentials: {
			modelsLabApi: { apiKey: run.credentials?.standardKey ?? sandbox.standardKey ?? '', baseUrl: run.baseUrl ?? sandbox.baseUrl },
			modelsLabEnterpriseApi: {
				apiKey: run.credentials?.enterpriseKey ?? sandbox.enterpriseKey ?? '',
				baseUrl: run.baseUrl ?? sandbox.baseUrl,
			},
		},
		binaryMode: run.binaryMode ?? ('filesystem' as const),
	};
}

export async function runNode(sandbox: Sandbox, run: NodeRun): Promise<RunResult> {
	const node: NodeUnderTest = {
		type: NODE_TYPE,
		parameters: run.parameters,
		continueOnFail: run.continueOnFail,
		typeVersion: run.typeVersion,
		...run.settings,
	};
	return await runWorkflow({
		...runOptions(sandbox, run),
		node,
		inputItems: run.inputItems ?? [{ json: {} }],
		cancelAfterMs: run.cancelAfterMs,
		skipBinaryRead: run.skipBinaryRead,
	});
}

export function startNode(sandbox: Sandbox, run: NodeRun) {
	return startWorkflow({
		...runOptions(sandbox, run),
		node: { type: NODE_TYPE, parameters: run.parameters, continueOnFail: run.continueOnFail },
		inputItems: run.inputItems ?? [{ json: {} }],
	});
}

/**
 * A sandbox whose one account (the standard key) holds at most `queueLimit` jobs in its queue and refuses
 * a create above it with 429 and retry_after 30 s, each job taking `processingMs`.
 */
export function useQueueLimitedSandbox(queueLimit: number, processingMs: number): () => Sandbox {
	return useSandbox({ processingMs, retryAfterSeconds: 30, accounts: [{ key: 'sandbox-standard-key', queueLimit }] });
}

/**
 * Text to Image on `count` items at `concurrency`, item i with the prompt `${name} ${i}`, images as links;
 * `baseUrl` spells the credential's Base URL another way (default the sandbox's).
 */
export async function runPromptedItems(
	sandbox: Sandbox,
	{ name, count, concurrency, baseUrl }: { name: string; count: number; concurrency: number; baseUrl?: string },
): Promise<RunResult> {
	return await runNode(sandbox, {
		parameters: text2imgParams({ concurrency, output: 'urls', prompt: '={{ $json.prompt }}' }),
		inputItems: Array.from({ length: count }, (_, i) => ({ json: { prompt: `${name} ${i}` } })),
		baseUrl,
	});
}

/** The run failed nowhere: `count` items out, each a success paired to its own input item, in order. */
export function expectEveryItemSucceeded(result: RunResult, count: number) {
	expect(result.error).toBeUndefined();
	expect(result.outputs.map((item) => [item.json.status, item.pairedItem])).toEqual(
		Array.from({ length: count }, (_, i) => ['success', { item: i }]),
	);
}

export async function runFlow(
	sandbox: Sandbox,
	workflow: WorkflowDefinition,
	nodeUnderTest?: string,
	run: Omit<NodeRun, 'parameters'> = {},
): Promise<RunResult> {
	return await runWorkflow({ ...runOptions(sandbox, run), workflow, nodeUnderTest });
}

/** Every API request body the sandbox saw, in order, with its path. */
export function apiCalls(sandbox: Sandbox) {
	return sandbox.counters().requests.map((request) => ({ path: request.path, body: request.body }));
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(bytes: Buffer) {
	return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Proves the key reached no image host and no output. */
export function expectKeyNowhereButApi(sandbox: Sandbox, result: RunResult, key: string) {
	for (const record of sandbox.counters().cdnLog) {
		expect(JSON.stringify({ url: record.url, headers: record.headers, body: record.body })).not.toContain(key);
	}
	expect(JSON.stringify(result.outputs)).not.toContain(key);
	expect(JSON.stringify(result.error ?? {})).not.toContain(key);
}

/** What the sandbox answered to the first create, to derive the exact expected output. */
export function createAnswer(sandbox: Sandbox) {
	const create = sandbox.counters().requests.find((request) => request.route === 'create');
	return create?.response as {
		id: number;
		status: string;
		eta?: number;
		fetch_result?: string;
		future_links?: string[];
		meta: Record<string, unknown>;
		generationTime: number;
		output: string[];
	};
}

/** Every API request as `route status [fault]`, e.g. `fetch 503 status`: the exact traffic in one line each. */
export function trafficLog(sandbox: Sandbox): string[] {
	return sandbox
		.counters()
		.requests.map((request) => [request.route, request.status, request.fault].filter((part) => part !== undefined).join(' '));
}

/** Each output item's image is exactly the bytes the sandbox serves for its job. */
export function expectImagesOfJob(sandbox: Sandbox, result: RunResult, id: number | string, property = 'data') {
	expect(result.binaries).toHaveLength(result.outputs.length);
	result.outputs.forEach((item, index) => {
		expect(item.json.id).toBe(String(id));
		const imageIndex = item.json.imageIndex as number;
		expect(result.binaries[index][property].equals(sandbox.jobBytes(id, imageIndex))).toBe(true);
	});
}

export async function delay(ms: number) {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `check` gives a value (e.g. a request the sandbox has seen). */
export async function waitUntil<T>(check: () => T | undefined, timeoutMs = 5000): Promise<T> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		const value = check();
		if (value !== undefined) return value;
		if (Date.now() > end) throw new Error('waitUntil timed out');
		await delay(10);
	}
}

export interface RecordedRequest {
	method: string;
	url: string;
	headers: Record<string, unknown>;
	body: string;
}

/** Another origin (a free port on 127.0.0.1) that records whatever reaches it. */
export async function startRecorder() {
	const requests: RecordedRequest[] = [];
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('{"status":"success","output":[]}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		requests,
		close: async () => {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

/** The error of an id ModelsLab keeps answering "Request not found" for, once the grace time is over (issue 12). */
export function notFoundError(id: string) {
	return {
		error: `ModelsLab does not know request ${id}: Request not found`,
		description:
			'ModelsLab answers "Request not found" for an unknown or expired ID, and for a few seconds also for a job it has just accepted. So the node asked again for 30 s from the first fetch (never past Max Wait Time): a wrong or expired ID fails after this grace time, not at once. Check the request ID and the API (Standard, Enterprise, Image Editing, Images v7, Video v7).',
		id,
	};
}
