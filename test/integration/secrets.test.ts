import type { INodeParameters } from 'n8n-workflow';

import type { LogRecord, RunResult } from '../harness';
import { captureLogs } from '../harness';
import type { Fault, Sandbox } from '../../sandbox/server';
import type { NodeRun } from './setup';
import { createAnswer, fetchResultParams, runNode, startNode, startRecorder, text2imgParams, useSandbox, waitUntil } from './setup';

/**
 * The key never leaks: every error path runs with recognisable canary keys, and everything the node
 * produced (output items, binaries, the full error with its cause, context and stack, the whole
 * run data, every log line) is searched for them. Only the API origin may ever receive a key.
 */

const CANARY = 'ml-SECRET-canary';
const STANDARD_KEY = `${CANARY}-standard-7f3a9c0e`;
const ENTERPRISE_KEY = `${CANARY}-enterprise-2b8d41aa`;
const BROKE_KEY = `${CANARY}-broke-51c2d9e7`;
const UNKNOWN_KEY = `${CANARY}-unknown-0d94be13`;

const sandbox = useSandbox({
	accounts: [
		{ key: STANDARD_KEY, kind: 'standard' },
		{ key: ENTERPRISE_KEY, kind: 'enterprise' },
		{ key: BROKE_KEY, kind: 'standard', balance: 0 },
	],
});

let logs: ReturnType<typeof captureLogs>;
let otherOrigin: Awaited<ReturnType<typeof startRecorder>>;
beforeAll(async () => {
	logs = captureLogs();
	otherOrigin = await startRecorder();
});
afterAll(async () => {
	logs.stop();
	await otherOrigin.close();
});

/** Every string reachable from `value`, errors included with their own non-enumerable fields. */
function everyText(value: unknown, seen = new Set<unknown>()): string[] {
	if (typeof value === 'string') return [value];
	if (typeof value !== 'object' || value === null) return typeof value === 'function' ? [] : [String(value)];
	if (seen.has(value)) return [];
	seen.add(value);
	if (Buffer.isBuffer(value)) return [value.toString('latin1')];
	if (value instanceof Map || value instanceof Set) return everyText([...value.entries()], seen);
	const names = value instanceof Error ? [...Object.getOwnPropertyNames(value), 'name', 'message', 'stack'] : Object.keys(value);
	return names.flatMap((name) => [name, ...everyText((value as Record<string, unknown>)[name], seen)]);
}

function expectNoKeyIn(what: string, value: unknown) {
	const leaks = everyText(value).filter((text) => text.includes(CANARY));
	expect({ what, leaks }).toEqual({ what, leaks: [] });
}

/** Searches all a run produced; only the API (its own requests) may have seen a key. */
function expectNoKeyAnywhere(result: RunResult, logRecords: LogRecord[]) {
	expectNoKeyIn('output items', result.outputs);
	expectNoKeyIn('binaries', result.binaries);
	expectNoKeyIn('error', result.error);
	expectNoKeyIn('run data', result.run);
	expectNoKeyIn('logs', logRecords);
	expectNoKeyIn('image downloads', sandbox().counters().cdnLog);
	expect(otherOrigin.requests).toEqual([]);
	for (const request of sandbox().counters().requests) {
		expect(`${sandbox().baseUrl}${request.url}`.startsWith(`${sandbox().baseUrl}/api/`)).toBe(true);
	}
}

interface Case {
	name: string;
	parameters?: INodeParameters;
	credentials?: NodeRun['credentials'];
	setup?: (sandbox: Sandbox) => void;
	/** The error message, or null when the run succeeds. */
	expected: RegExp | null;
}

const quick = { processingMs: 200, etaSeconds: 0 };
const fault = (value: Fault) => (sb: Sandbox) => sb.injectFault(value);
const forever = (value: Fault) => fault({ ...value, times: Infinity });

const CASES: Case[] = [
	{ name: '401 unknown key', credentials: { standardKey: UNKNOWN_KEY }, expected: /^ModelsLab rejected the API key \(HTTP 401\)/ },
	{
		name: '401 that echoes the key',
		setup: fault({ route: 'create', kind: 'status', status: 401, body: { status: 'error', message: `Invalid API key ${STANDARD_KEY}` } }),
		expected: /^ModelsLab rejected the API key \(HTTP 401\): Invalid API key \*\*\*$/,
	},
	{ name: '402 no credits', credentials: { standardKey: BROKE_KEY }, expected: /^ModelsLab: insufficient credits \(HTTP 402\)/ },
	{
		name: '403 standard key on the enterprise route',
		parameters: { operation: 'enterpriseText2img', options: { numInferenceSteps: 21 } },
		credentials: { enterpriseKey: STANDARD_KEY },
		expected: /^ModelsLab: feature not available on your plan \(HTTP 403\)/,
	},
	{
		name: '429 until the retries run out',
		setup: forever({ route: 'create', kind: 'rateLimit', retryAfter: 0 }),
		expected: /^ModelsLab queue limit reached/,
	},
	{
		name: '5xx on create after accepting, echoing the key',
		setup: fault({ route: 'create', kind: 'status', status: 502, afterAccept: true, body: { message: `upstream ${STANDARD_KEY}` } }),
		expected: /^ModelsLab answered HTTP 502: upstream \*\*\*$/,
	},
	{ name: 'reset on create', setup: fault({ route: 'create', kind: 'reset' }), expected: /did not answer the generation request \(connection reset\)/ },
	{
		name: 'HTML on create that contains the key',
		setup: fault({ route: 'create', kind: 'html', body: `<html>debug: key=${STANDARD_KEY}</html>` }),
		expected: /with an HTML page$/,
	},
	{
		name: 'status error echoing the key',
		setup: fault({ route: 'create', kind: 'apiError', field: 'message', message: `The key ${STANDARD_KEY} is not allowed` }),
		expected: /^ModelsLab refused the request: The key \*\*\* is not allowed$/,
	},
	{
		name: 'validation object echoing the key',
		setup: fault({ route: 'create', kind: 'apiError', message: { key: [`${STANDARD_KEY} is invalid.`] } }),
		expected: /^ModelsLab refused the request: key: \*\*\* is invalid\.$/,
	},
	{
		name: 'status error on fetch echoing the key',
		setup: (sb) => sb.configure(quick).injectFault({ route: 'fetch', kind: 'apiError', message: `bad ${STANDARD_KEY}` }),
		expected: /^ModelsLab refused request \d+: bad \*\*\*$/,
	},
	{
		name: 'failed job echoing the key',
		setup: (sb) => sb.configure(quick).injectFault({ route: 'fetch', kind: 'failed', message: `failed for ${STANDARD_KEY}` }),
		expected: /^ModelsLab failed request \d+: failed for \*\*\*$/,
	},
	{
		name: 'fetch timeout',
		parameters: { maxWaitTime: 1 },
		setup: (sb) => sb.configure({ processingMs: 60_000, etaSeconds: 0 }),
		expected: /^Request \d+ was still processing after 1 s/,
	},
	{
		name: 'fetch reset until the timeout',
		parameters: { maxWaitTime: 1 },
		setup: (sb) => sb.configure(quick).injectFault({ route: 'fetch', kind: 'reset', times: Infinity }),
		expected: /^Request \d+ was still unreachable \(Could not reach ModelsLab \(connection reset\)\)/,
	},
	{
		name: 'fetch HTML containing the key until the timeout',
		parameters: { maxWaitTime: 1 },
		setup: (sb) =>
			sb.configure(quick).injectFault({ route: 'fetch', kind: 'html', body: `<p>${STANDARD_KEY}</p>`, times: Infinity }),
		expected: /^Request \d+ was still unreachable/,
	},
	{ name: 'the API echoes the key into meta', setup: (sb) => sb.configure({ echoKeyInMeta: true }), expected: null },
	{
		name: 'a download that keeps failing',
		parameters: { maxWaitTime: 1 },
		setup: forever({ route: 'cdn', kind: 'status', status: 500 }),
		expected: /^Could not download image 0 of request \d+: HTTP 500$/,
	},
	{ name: 'an image over the size cap', parameters: { maxImageSize: 0.01 }, expected: /larger than the 0\.01 MB limit/ },
	{
		name: 'fetch_result on another origin',
		setup: (sb) => sb.configure({ ...quick, fetchResultOrigin: otherOrigin.url }),
		expected: null,
	},
	{
		name: 'Fetch Result of an unknown id',
		parameters: fetchResultParams('999999999', { maxWaitTime: 1 }),
		expected: /^ModelsLab does not know request 999999999: Request not found$/,
	},
	{ name: 'invalid parameters', parameters: { width: 4096 }, expected: /^Invalid parameters: Width must be between 256 and 1024/ },
];

describe.each([false, true])('no key anywhere (continue on fail: %s)', (continueOnFail) => {
	it.each(CASES.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
		testCase.setup?.(sandbox());
		const from = logs.records.length;
		const result = await runNode(sandbox(), {
			parameters: text2imgParams(testCase.parameters),
			credentials: testCase.credentials,
			continueOnFail,
		});
		if (testCase.expected === null) {
			expect(result.error).toBeUndefined();
			expect(result.outputs[0].json.status).toBe('success');
		} else if (continueOnFail) {
			expect(result.outputs).toHaveLength(1);
			expect(result.outputs[0].json.error).toMatch(testCase.expected);
		} else {
			expect(result.error?.message).toMatch(testCase.expected);
		}
		expectNoKeyAnywhere(result, logs.records.slice(from));
	});
});

it('no key anywhere when the execution is cancelled mid-wait', async () => {
	sandbox().configure({ processingMs: 20_000 });
	const from = logs.records.length;
	const run = startNode(sandbox(), { parameters: text2imgParams() });
	await waitUntil(() => createAnswer(sandbox()));
	run.cancel();
	const result = await run.promise;
	expect(result.status).toBe('canceled');
	expectNoKeyAnywhere(result, logs.records.slice(from));
});

it('each key goes to the API only, in the body, and each credential only with its own key', async () => {
	const from = logs.records.length;
	const standard = await runNode(sandbox(), { parameters: text2imgParams() });
	const enterprise = await runNode(sandbox(), {
		parameters: text2imgParams({ operation: 'enterpriseText2img', options: { numInferenceSteps: 21 } }),
	});
	expect([standard.status, enterprise.status]).toEqual(['success', 'success']);
	expect(sandbox().counters().requests.map((request) => [request.path, (request.body as { key: string }).key])).toEqual([
		['/api/v6/images/text2img', STANDARD_KEY],
		['/api/v1/enterprise/text2img', ENTERPRISE_KEY],
	]);
	for (const request of sandbox().counters().requests) expect(JSON.stringify(request.headers)).not.toContain(CANARY);
	expect(sandbox().counters().cdnRequests).toBe(2);
	expectNoKeyAnywhere(standard, logs.records.slice(from));
	expectNoKeyAnywhere(enterprise, logs.records.slice(from));
});
