import { NodeApiError } from 'n8n-workflow';

import type { ApiAnswer } from '../../../nodes/ModelsLab/api/answer';
import type { Clock } from '../../../nodes/ModelsLab/time/clock';
import { POLL, pollTimes, waitForResult } from '../../../nodes/ModelsLab/job/waitForResult';

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

/** The first n times of a schedule. */
function first(n: number, eta: number): number[] {
	const schedule = pollTimes(eta);
	return Array.from({ length: n }, () => schedule.next());
}

describe('pollTimes: the fetch schedule for an eta', () => {
	it('fetches just before the eta, just after it, then every tenth-ish of it, then backs off', () => {
		// 0.875 × eta, 1.075 × eta, then steps of 0.08 × eta (at least 250 ms) until 1.5 × eta has passed,
		// then each step 1.5 × the previous, up to 5 s
		expect(first(14, 3000)).toEqual([2625, 3225, 3475, 3725, 3975, 4225, 4475, 4725, 5100, 5663, 6508, 7776, 9678, 12531]);
		expect(first(10, 2000)).toEqual([1750, 2150, 2400, 2650, 2900, 3150, 3525, 4088, 4933, 6201]);
	});

	it('bounds the step for long etas and caps the backoff at 5 s', () => {
		expect(first(12, 30_000)).toEqual([26250, 32250, 34250, 36250, 38250, 40250, 42250, 44250, 46250, 49250, 53750, 58750]);
		const late = first(40, 30_000);
		expect(late[39] - late[38]).toBe(POLL.backoffMaxMs);
	});

	it('keeps the first two fetches at least 250 ms apart and after 250 ms, even for tiny etas', () => {
		expect(first(6, 1000)).toEqual([875, 1125, 1375, 1625, 2000, 2563]);
		expect(first(5, 0)).toEqual([250, 500, 875, 1438, 2283]);
	});

	it('with an eta of 3 s ± 30 %, most jobs need at most two fetches and none waits over 600 ms', () => {
		// ready times spread evenly over 2.1–3.9 s: where each is collected, and after how many fetches
		const times = first(10, 3000);
		const ready = Array.from({ length: 181 }, (_, i) => 2100 + i * 10);
		const collected = ready.map((r) => {
			const index = times.findIndex((t) => t >= r);
			return { late: times[index] - r, fetches: index + 1 };
		});
		expect(Math.max(...collected.map((c) => c.late))).toBeLessThanOrEqual(600);
		expect(collected.filter((c) => c.fetches <= 2).length / collected.length).toBeGreaterThan(0.6);
		const lates = collected.map((c) => c.late).sort((a, b) => a - b);
		expect(lates[Math.floor(lates.length / 2)]).toBeLessThanOrEqual(250);
	});
});

describe('waitForResult', () => {
	it('first fetches a little before the eta the API gave, not at a fixed interval', async () => {
		const clock = fakeClock();
		const api = scripted([success], clock);
		const outcome = await waitForResult({ first: processing(3), fetch: api.fetch, deadline: 60_000, clock });
		expect(outcome).toEqual({ kind: 'success', answer: success });
		expect(api.calls).toEqual([2625]);
	});

	it('then follows the schedule while the job is processing', async () => {
		const clock = fakeClock();
		// the sandbox (like ModelsLab) answers a remaining eta in whole seconds, rounded up: 1 near the end
		const api = scripted([processing(1), processing(1), processing(1), processing(), success], clock);
		await waitForResult({ first: processing(3), fetch: api.fetch, deadline: 600_000, clock });
		expect(api.calls).toEqual([2625, 3225, 3475, 3725, 3975]);
		expect(clock.sleeps).toEqual([2625, 600, 250, 250, 250]);
	});

	// issue 12 changed this: the old schedule kept the first eta's steps (backing off to 5 s on long jobs)
	it('plans the rest anew from a fresh eta of 2 s or more, read as the middle of its second', async () => {
		const clock = fakeClock();
		// at 2625 ms "eta 3": 2 to 3 s remain, planned as an eta of 2.5 s from then: 2625 + 2188, 2625 + 2688
		const api = scripted([processing(3), processing(1), success], clock);
		await waitForResult({ first: processing(3), fetch: api.fetch, deadline: 600_000, clock });
		expect(api.calls).toEqual([2625, 4813, 5313]);
	});

	it('a long job whose fetches report the remaining time: fetched close to it, without the backoff', async () => {
		const clock = fakeClock();
		// create "eta 30", ready at 50 s; each answer's eta is the remaining whole seconds, rounded up
		const ready = 50_000;
		let fetches = 0;
		const fetch = async () => {
			fetches++;
			return clock.now() >= ready ? success : processing(Math.ceil((ready - clock.now()) / 1000));
		};
		await waitForResult({ first: processing(30), fetch, deadline: 600_000, clock });
		// 26.25 s, then planned from "eta 24" and "eta 4": 50.58 s (the old schedule's 5 s backoff: 53.75 s, 5 fetches)
		expect(clock.now() - ready).toBeLessThan(1000);
		expect(fetches).toBe(4);
	});

	it('trusts a fresh eta only up to 30 s', async () => {
		const clock = fakeClock();
		const api = scripted([processing(600), success], clock);
		await waitForResult({ first: processing(1), fetch: api.fetch, deadline: 600_000, clock });
		// not before 875 + 0.875 × 29 s = 26250; the schedule's first slot after that
		expect(api.calls[1]).toBeGreaterThanOrEqual(26_250);
		expect(api.calls[1]).toBeLessThan(26_250 + POLL.backoffMaxMs);
	});

	it('uses a default eta of 1 s when the API gave none', async () => {
		const clock = fakeClock();
		const api = scripted([processing(), success], clock);
		await waitForResult({ first: processing(), fetch: api.fetch, deadline: 60_000, clock });
		expect(api.calls).toEqual(first(2, POLL.defaultEtaMs));
		expect(api.calls).toEqual([875, 1125]);
	});

	it('stops at the deadline with the last status, after one final fetch', async () => {
		const clock = fakeClock();
		const api = scripted([processing(10), processing(10)], clock);
		const outcome = await waitForResult({ first: processing(8), fetch: api.fetch, deadline: 10_000, clock });
		expect(outcome).toEqual({ kind: 'timeout', lastStatus: 'processing', lastError: undefined, fetches: 2 });
		expect(api.calls).toEqual([7000, 10_000]);
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

	it('retries fetches that failed transiently, waiting 1 s, then 1.5 s, … at least, and rethrows the others', async () => {
		const clock = fakeClock();
		const api = scripted([retryable('HTTP 502'), retryable('ECONNRESET'), success], clock);
		const outcome = await waitForResult({ first: processing(1), fetch: api.fetch, deadline: 60_000, clock });
		expect(outcome.kind).toBe('success');
		// 875; then not before 1875: slots 1125, 1375, 1625, 2000; then not before 3500: slots 2563, 3408, 4676
		expect(api.calls).toEqual([875, 2000, 4676]);

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
