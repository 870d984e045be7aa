import { NodeApiError } from 'n8n-workflow';

import type { ApiAnswer } from '../../nodes/ModelsLab/helpers/apiAnswer';
import type { Clock } from '../../nodes/ModelsLab/helpers/waitForResult';
import { POLL, waitForResult } from '../../nodes/ModelsLab/helpers/waitForResult';

/** A clock that jumps instead of waiting, recording every sleep. */
function fakeClock(onSleep?: (ms: number) => void): Clock & { sleeps: number[]; time: number } {
	const clock = {
		time: 0,
		sleeps: [] as number[],
		now: () => clock.time,
		sleep: async (ms: number, signal?: AbortSignal) => {
			clock.sleeps.push(ms);
			clock.time += ms;
			onSleep?.(ms);
			if (signal?.aborted) throw new Error('aborted');
		},
	};
	return clock;
}

const processing = (eta?: number): ApiAnswer => ({ status: 'processing', id: 7, eta });
const success: ApiAnswer = { status: 'success', id: 7, output: ['https://cdn/x.png'] };

function scripted(answers: Array<ApiAnswer | Error>, clock: { time: number }) {
	const calls: number[] = [];
	return {
		calls,
		fetch: async () => {
			calls.push(clock.time);
			const next = answers.shift();
			if (next instanceof Error) throw next;
			if (!next) throw new Error('unexpected extra fetch');
			return next;
		},
	};
}

function retryable(message: string) {
	const error = new NodeApiError({ name: 'ModelsLab', type: 'x', typeVersion: 1, position: [0, 0], parameters: {}, id: '1' }, {}, { message });
	Object.assign(error.context, { retryable: true });
	return error;
}

describe('waitForResult', () => {
	it('first fetches at the eta the API gave, not at a fixed interval', async () => {
		const clock = fakeClock();
		const api = scripted([success], clock);
		const outcome = await waitForResult({ first: processing(3), fetch: api.fetch, deadline: 60_000, clock });
		expect(outcome).toEqual({ kind: 'success', answer: success });
		expect(api.calls).toEqual([3000]);
	});

	it('then backs off briefly, following a fresh eta within bounds', async () => {
		const clock = fakeClock();
		const api = scripted([processing(), processing(2), processing(60), success], clock);
		await waitForResult({ first: processing(5), fetch: api.fetch, deadline: 600_000, clock });
		// eta 5 s; no eta -> backoff 1 s; eta 2 s; eta 60 s capped at 4 x the 2.25 s backoff
		expect(clock.sleeps).toEqual([5000, POLL.backoffStartMs, 2000, 9000]);
		expect(api.calls).toEqual([5000, 6000, 8000, 17000]);
	});

	it('uses a default first delay when the API gave no eta', async () => {
		const clock = fakeClock();
		const api = scripted([success], clock);
		await waitForResult({ first: processing(), fetch: api.fetch, deadline: 60_000, clock });
		expect(api.calls).toEqual([POLL.defaultFirstDelayMs]);
	});

	it('stops at the deadline with the last status, after one final fetch', async () => {
		const clock = fakeClock();
		const api = scripted([processing(10), processing(10)], clock);
		const outcome = await waitForResult({ first: processing(8), fetch: api.fetch, deadline: 10_000, clock });
		expect(outcome).toEqual({ kind: 'timeout', lastStatus: 'processing', lastError: undefined, fetches: 2 });
		expect(api.calls).toEqual([8000, 10_000]);
	});

	it('returns failed for error and failed statuses', async () => {
		for (const status of ['error', 'failed']) {
			const clock = fakeClock();
			const answer = { status, id: 7, message: 'boom' };
			const api = scripted([answer], clock);
			await expect(waitForResult({ first: processing(1), fetch: api.fetch, deadline: 60_000, clock })).resolves.toEqual({
				kind: 'failed',
				answer,
			});
		}
	});

	it('retries fetches that failed transiently and rethrows the others', async () => {
		const clock = fakeClock();
		const api = scripted([retryable('HTTP 502'), retryable('ECONNRESET'), success], clock);
		const outcome = await waitForResult({ first: processing(1), fetch: api.fetch, deadline: 60_000, clock });
		expect(outcome.kind).toBe('success');
		expect(api.calls).toEqual([1000, 2000, 3500]);

		const fatal = new Error('401');
		const clock2 = fakeClock();
		const api2 = scripted([fatal], clock2);
		await expect(waitForResult({ first: processing(1), fetch: api2.fetch, deadline: 60_000, clock: clock2 })).rejects.toBe(fatal);
	});

	it('reports the transient error as the last status on timeout', async () => {
		const clock = fakeClock();
		const api = scripted([retryable('HTTP 503'), retryable('HTTP 503')], clock);
		const outcome = await waitForResult({ first: processing(1), fetch: api.fetch, deadline: 2000, clock });
		expect(outcome).toMatchObject({ kind: 'timeout', lastStatus: 'unreachable (HTTP 503)', fetches: 2 });
	});

	it('stops at once when the execution is cancelled, with no further request', async () => {
		const controller = new AbortController();
		const clock = fakeClock(() => controller.abort());
		const api = scripted([success], clock);
		const outcome = await waitForResult({
			first: processing(30),
			fetch: api.fetch,
			deadline: 600_000,
			clock,
			signal: controller.signal,
		});
		expect(outcome).toEqual({ kind: 'cancelled' });
		expect(api.calls).toEqual([]);
	});
});
