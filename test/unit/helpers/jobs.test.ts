import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import type { JobContext } from '../../../nodes/ModelsLab/helpers/jobs';
import { createJob } from '../../../nodes/ModelsLab/helpers/jobs';
import { APIS } from '../../../nodes/ModelsLab/transport/apis';

let accounts = 0;

/**
 * The 429 create retry on a fake clock: the waits a real run would take, without taking them. Each
 * run uses an account of its own, since the account's queue is shared in the process.
 */
function createWith(answers: Array<{ statusCode: number; body: unknown }>, deadline: number) {
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
	return { promise: createJob.call(context, { prompt: 'p' }, job), bodies, sleeps };
}

const RATE_LIMITED = { statusCode: 429, body: { status: 'error', message: 'Rate limit exceeded.' } };

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
