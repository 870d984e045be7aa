import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import type { JobContext } from '../../../nodes/ModelsLab/job/context';
import { createJob } from '../../../nodes/ModelsLab/job/create';
import { fetchKnownJob, NOT_FOUND_GRACE } from '../../../nodes/ModelsLab/job/fetch';
import { APIS } from '../../../nodes/ModelsLab/api/apis';

let accounts = 0;

/**
 * The 429 create retry on a fake clock: the waits a real run would take, without taking them. Each
 * run uses an account of its own, since the account's queue is shared in the process.
 */
function fakeRun(answers: Array<{ statusCode: number; body: unknown }>, deadline: number) {
	const bodies: unknown[] = [];
	const sleeps: number[] = [];
	const key = `k${++accounts}`;
	let now = 0;
	const context = {
		getNode: () => ({ id: '1', name: 'ModelsLab', type: 'n8n-nodes-modelslab.modelsLab', typeVersion: 1, position: [0, 0], parameters: {} }),
		getCredentials: async () => ({ apiKey: key, baseUrl: 'https://api.example' }),
		getExecutionCancelSignal: () => undefined,
		helpers: {
			httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) => {
				bodies.push(options.body);
				return answers.shift();
			},
		},
	} as unknown as IExecuteFunctions;
	const job = {
		api: APIS.standard,
		itemIndex: 0,
		secret: key,
		baseUrl: 'https://api.example',
		deadline,
		clock: {
			now: () => now,
			sleep: async (ms: number) => {
				sleeps.push(ms);
				now += ms;
			},
		},
	} as unknown as JobContext;
	return { context, job, bodies, sleeps, now: () => now };
}

function createWith(answers: Array<{ statusCode: number; body: unknown }>, deadline: number) {
	const run = fakeRun(answers, deadline);
	return { ...run, promise: createJob.call(run.context, '/api/v6/images/text2img', { prompt: 'p' }, run.job).then((created) => created.answer) };
}

const RATE_LIMITED = { statusCode: 429, body: { status: 'error', message: 'Rate limit exceeded.' } };
const ACCEPTED_NOW = { statusCode: 200, body: { status: 'success', id: 1 } };

describe('create retry after 429', () => {
	it('without retry_after, waits the default 10 s, then sends the same create again', async () => {
		const run = createWith([RATE_LIMITED, { statusCode: 200, body: { status: 'success', id: 1 } }], 300_000);
		await expect(run.promise).resolves.toEqual({ status: 'success', id: 1 });
		expect(run.sleeps).toEqual([10_000]);
		expect(run.bodies).toEqual([{ prompt: 'p' }, { prompt: 'p' }]);
	});

	it('does not wait past Max Wait Time: the 429 is the error', async () => {
		const run = createWith([RATE_LIMITED, RATE_LIMITED], 5_000);
		await expect(run.promise).rejects.toThrow('ModelsLab queue limit reached: Rate limit exceeded.');
		expect(run.sleeps).toEqual([]);
		expect(run.bodies).toHaveLength(1);
	});
});

/** ModelsLab's queue-limit answer, as recorded: it names the queue. */
const QUEUE_FULL = { statusCode: 429, body: { status: 'error', message: 'Rate limit exceeded. Maximum 5 queued requests allowed.', retry_after: 30 } };

describe('create retry when the account queue is full of jobs of other processes', () => {
	it('probes after 2, 4, 8 and 16 s, then every retry_after; only the full retry_after waits count toward the 5 resends', async () => {
		const run = createWith([...Array.from({ length: 9 }, () => QUEUE_FULL), ACCEPTED_NOW], 300_000);
		await expect(run.promise).resolves.toEqual({ status: 'success', id: 1 });
		expect(run.sleeps).toEqual([2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000, 30_000, 30_000]);
		expect(run.bodies).toHaveLength(10);
	});

	it('the 6th refusal after a full retry_after is the error, as before', async () => {
		const run = createWith(Array.from({ length: 10 }, () => QUEUE_FULL), 300_000);
		await expect(run.promise).rejects.toThrow('ModelsLab queue limit reached: Rate limit exceeded. Maximum 5 queued requests allowed.');
		expect(run.sleeps).toEqual([2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000, 30_000, 30_000]);
		expect(run.bodies).toHaveLength(10);
	});

	it('no probe past Max Wait Time: the 429 is the error', async () => {
		const run = createWith([QUEUE_FULL, QUEUE_FULL, ACCEPTED_NOW], 5_000);
		await expect(run.promise).rejects.toThrow('ModelsLab queue limit reached');
		// 2 s, then the next probe (4 s) would end after Max Wait Time
		expect(run.sleeps).toEqual([2000]);
		expect(run.bodies).toHaveLength(2);
	});
});

const SPAM_FILTER = {
	statusCode: 200,
	body: {
		status: 'error',
		message: 'Rate limit exceeded',
		tips: 'you are sending same request multiple times, spam filter is enabled, please wait for 30 seconds and try again',
	},
};
const ACCEPTED = { statusCode: 200, body: { status: 'success', id: 1 } };

describe('create retry after a refusal that says when to come back', () => {
	it('the spam filter asks for 30 s in its tips: waited, then the same create again', async () => {
		const run = createWith([SPAM_FILTER, ACCEPTED], 300_000);
		await expect(run.promise).resolves.toEqual({ status: 'success', id: 1 });
		expect(run.sleeps).toEqual([30_000]);
		expect(run.bodies).toEqual([{ prompt: 'p' }, { prompt: 'p' }]);
	});

	it('no wait named: 30 s for the spam filter', async () => {
		const run = createWith([{ statusCode: 200, body: { status: 'error', message: 'Rate limit exceeded' } }, ACCEPTED], 300_000);
		await expect(run.promise).resolves.toEqual({ status: 'success', id: 1 });
		expect(run.sleeps).toEqual([30_000]);
	});

	it('retry_after and minutes in the text are read too', async () => {
		const run = createWith(
			[
				{ statusCode: 200, body: { status: 'error', message: 'Too many requests', retry_after: 12 } },
				{ statusCode: 429, body: { status: 'error', message: 'Slow down, retry in 2 minutes' } },
				ACCEPTED,
			],
			300_000,
		);
		await expect(run.promise).resolves.toEqual({ status: 'success', id: 1 });
		expect(run.sleeps).toEqual([12_000, 120_000]);
	});

	it('an error that does not say to come back is never sent again', async () => {
		const run = createWith([{ statusCode: 200, body: { status: 'error', message: 'Server is busy, try again in 5 seconds' } }], 300_000);
		await expect(run.promise).resolves.toEqual({ status: 'error', message: 'Server is busy, try again in 5 seconds' });
		expect(run.sleeps).toEqual([]);
		expect(run.bodies).toHaveLength(1);
	});
});

const NOT_FOUND = { statusCode: 200, body: { status: 'failed', id: '', message: 'Request not found', output: '' } };

describe('"Request not found": the grace time', () => {
	it('asked again for 30 s from the first fetch, 1 s growing to 5 s apart, then the answer counts', async () => {
		const run = fakeRun(Array(20).fill(NOT_FOUND), 300_000);
		await expect(fetchKnownJob.call(run.context, '42', run.job, {})).resolves.toEqual(NOT_FOUND.body);
		expect(NOT_FOUND_GRACE.ms).toBe(30_000);
		expect(run.sleeps).toEqual([1000, 1500, 2250, 3375, 5000, 5000, 5000, 5000, 1875]);
		expect(run.bodies).toHaveLength(10);
		expect(run.now()).toBe(30_000);
	});

	it('never past Max Wait Time', async () => {
		const run = fakeRun(Array(20).fill(NOT_FOUND), 4_000);
		await fetchKnownJob.call(run.context, '42', run.job, {});
		expect(run.sleeps).toEqual([1000, 1500, 1500]);
		expect(run.now()).toBe(4_000);
	});

	it('counted from the first fetch of the id, not from each not-found answer', async () => {
		const run = fakeRun(Array(20).fill(NOT_FOUND), 300_000);
		await fetchKnownJob.call(run.context, '42', run.job, { firstFetchAt: -29_000 });
		expect(run.sleeps).toEqual([1000]);
	});

	it('ends as soon as the job is found', async () => {
		const run = fakeRun([NOT_FOUND, { statusCode: 200, body: { status: 'processing', id: 42, eta: 5 } }], 300_000);
		await expect(fetchKnownJob.call(run.context, '42', run.job, {})).resolves.toEqual({ status: 'processing', id: 42, eta: 5 });
		expect(run.sleeps).toEqual([1000]);
	});
});
