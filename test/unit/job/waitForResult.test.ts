import { NodeApiError } from 'n8n-workflow';

import type { ApiAnswer } from '../../../nodes/ModelsLab/api/answer';
import type { Clock } from '../../../nodes/ModelsLab/time/clock';
import type { ReadyTimes } from '../../../nodes/ModelsLab/job/readyTimes';
import { ReadyTimeLearner, readyTimesOf } from '../../../nodes/ModelsLab/job/readyTimes';
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

	// issue 24 changed this: a long eta's first fetch went at 0.875 × eta, so jobs ready well before it waited for it
	it('fetches a long eta first at half of it (not before 7 s), then in short steps, and caps the backoff at 5 s', () => {
		expect(first(20, 30_000)).toEqual([
			15000, 17000, 19000, 21000, 23000, 25000, 27000, 29000, 31000, 33000, 35000, 37000, 39000, 41000, 43000, 45000, 48000, 52500,
			57500, 62500,
		]);
		expect(first(3, 10_000)).toEqual([7000, 7800, 8600]);
		// up to 8 s the usual first fetch (0.875 × eta) is the earlier one
		expect(first(2, 8000)).toEqual([7000, 8600]);
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
		// 15 s (half the eta), then planned from "eta 35" and "eta 10": 51.03 s (the old schedule's 5 s backoff: 53.75 s, 5 fetches)
		expect(clock.now()).toBe(51_026);
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

describe('waitForResult with learned timings (job/readyTimes.ts)', () => {
	const ETA_MS = 30_000;
	const account = { secret: 'sk-test', baseUrl: 'https://modelslab.com' };
	const route = '/api/v6/images/text2img';

	/** A seeded stream of numbers in [0, 1), so each test sees the same jobs every run. */
	function seeded(seed: number): () => number {
		let state = seed;
		return () => {
			state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
			return state / 2 ** 31;
		};
	}

	/**
	 * One job, ready `readyMs` after its create (eta 30 s), waited for on its own fake clock. Its fetch answers
	 * report the time truly left, or count the create's eta down as an estimate would.
	 */
	async function runJob(readyMs: number, etas: 'timeLeft' | 'countdown', readyTimes?: ReadyTimes, deadline = 600_000) {
		const clock = fakeClock();
		const calls: number[] = [];
		const fetch = async (): Promise<ApiAnswer> => {
			calls.push(clock.time);
			if (clock.time >= readyMs) return success;
			const left = etas === 'timeLeft' ? readyMs - clock.time : ETA_MS - clock.time;
			return processing(Math.max(1, Math.ceil(left / 1000)));
		};
		const outcome = await waitForResult({ first: processing(ETA_MS / 1000), fetch, deadline, clock, readyTimes });
		return { outcome, calls, latency: calls[calls.length - 1] - readyMs, fetches: calls.length };
	}

	/** What a loop fetching every 5 s pays for the same job. */
	const loopFetches = (readyMs: number) => Math.ceil(readyMs / 5000);
	const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(0.95 * values.length) - 1];
	const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
	const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

	/** A view of a learner frozen at one moment: jobs that start together all plan from the same history. */
	function frozen(learner: ReadyTimeLearner): ReadyTimes {
		const live = readyTimesOf(account, route, learner);
		const window = live.window();
		return { window: () => window, record: live.record };
	}

	it('plans from the eta until 10 jobs of the account and route are known, then from where they were ready', async () => {
		const learner = new ReadyTimeLearner();
		const times = readyTimesOf(account, route, learner);
		const plansOnly: ReadyTimes = { window: times.window, record: () => undefined };
		for (let job = 0; job < 9; job++) times.record({ etaMs: ETA_MS, processingAt: 16_000 + job * 100, readyBy: 17_000 + job * 100 });
		expect(times.window()).toBeUndefined();
		expect((await runJob(20_000, 'countdown', plansOnly)).calls[0]).toBe(15_000);
		// the 10th job: ready between 17.9 and 19.9 s. A tenth of the jobs were ready by 16.6 s (the middle of
		// 16.1-17.1 s), all by 19.9 s: fetches from 16.6 s in steps of 3.3 s / 4, at most 800 ms
		times.record({ etaMs: ETA_MS, processingAt: 17_900, readyBy: 19_900 });
		expect(times.window()).toEqual({ from: 16_600 / ETA_MS, to: 19_900 / ETA_MS, median: 17_000 / ETA_MS, jobs: 10 });
		expect((await runJob(18_200, 'countdown', plansOnly)).calls).toEqual([16_600, 17_400, 18_200]);
		// another account, or another route of the same account, has learned nothing
		expect(readyTimesOf({ ...account, secret: 'sk-other' }, route, learner).window()).toBeUndefined();
		expect(readyTimesOf(account, '/api/v7/images/text-to-image', learner).window()).toBeUndefined();
	});

	it('records each job it saw finish: its eta, the last fetch that found it processing, the one that found it ready', async () => {
		const learner = new ReadyTimeLearner();
		const times = readyTimesOf(account, route, learner);
		const record = jest.spyOn(times, 'record');
		await runJob(18_500, 'countdown', times);
		expect(record).toHaveBeenCalledTimes(1);
		expect(record).toHaveBeenCalledWith({ etaMs: ETA_MS, processingAt: 17_000, readyBy: 19_000 });
		// a job ready at the first fetch: nothing seen processing
		await runJob(10_000, 'countdown', times);
		expect(record).toHaveBeenLastCalledWith({ etaMs: ETA_MS, processingAt: 0, readyBy: 15_000 });
		// a job that timed out or failed teaches nothing
		await runJob(90_000, 'countdown', times, 40_000);
		expect(record).toHaveBeenCalledTimes(2);
	});

	it('jobs ready at a steady 0.6 × eta ± 10 %, with etas that count down: after 10 jobs, p95 within 1 s, at about a 5 s loop\'s fetches', async () => {
		const random = seeded(24);
		const readyAt = () => Math.round(0.6 * ETA_MS * (0.9 + 0.2 * random()));
		const learner = new ReadyTimeLearner();
		const warmUp = await Promise.all(Array.from({ length: 10 }, async () => await runJob(readyAt(), 'countdown', frozen(learner))));
		for (const job of warmUp) expect(job.outcome.kind).toBe('success');
		for (const job of warmUp) expect(job.latency).toBeLessThanOrEqual(2000);
		// then 20 jobs at once plan from the warm-up, and 20 more from all 30 before them
		const measured = [];
		for (let wave = 0; wave < 2; wave++) {
			const jobs = Array.from({ length: 20 }, readyAt);
			const view = frozen(learner);
			for (const ready of jobs) measured.push({ ready, ...(await runJob(ready, 'countdown', view)) });
		}
		expect(p95(measured.map((job) => job.latency))).toBeLessThanOrEqual(1000);
		// the loop is lucky here: every job is ready between its 3rd and 4th fetch (15 and 20 s)
		expect(mean(measured.map((job) => job.fetches))).toBeLessThan(mean(measured.map((job) => loopFetches(job.ready))) + 0.5);
		expect(median(measured.map((job) => job.fetches))).toBeLessThanOrEqual(median(measured.map((job) => loopFetches(job.ready))));
	});

	it('jobs ready anywhere in 0.5–2 × eta, with fetches that report the time left: median within 500 ms, p95 within the 5 s loop\'s, fewer fetches', async () => {
		const random = seeded(1);
		const readyAt = () => Math.round(ETA_MS * (0.5 + 1.5 * random()));
		const learner = new ReadyTimeLearner();
		const jobs = [];
		// the first 20 at once know nothing; the next 20 plan from them
		for (let wave = 0; wave < 2; wave++) {
			const view = frozen(learner);
			for (let job = 0; job < 20; job++) {
				const ready = readyAt();
				jobs.push({ ready, ...(await runJob(ready, 'timeLeft', view)) });
			}
			expect(view.window() === undefined).toBe(wave === 0);
		}
		const latencies = jobs.map((job) => job.latency);
		expect(median(latencies)).toBeLessThanOrEqual(500);
		expect(p95(latencies)).toBeLessThanOrEqual(p95(jobs.map((job) => loopFetches(job.ready) * 5000 - job.ready)));
		expect(mean(jobs.map((job) => job.fetches))).toBeLessThan(mean(jobs.map((job) => loopFetches(job.ready))));
		expect(median(jobs.map((job) => job.fetches))).toBeLessThan(median(jobs.map((job) => loopFetches(job.ready))));
	});

	/** A job of `etaS` seconds' eta, ready `readyMs` after its create; fetches report the time truly left. */
	async function runShortJob(readyMs: number, etaS: number, readyTimes: ReadyTimes) {
		const clock = fakeClock();
		const calls: number[] = [];
		const fetch = async (): Promise<ApiAnswer> => {
			calls.push(clock.time);
			return clock.time >= readyMs ? success : processing(Math.max(1, Math.ceil((readyMs - clock.time) / 1000)));
		};
		await waitForResult({ first: processing(etaS), fetch, deadline: 600_000, clock, readyTimes });
		return calls;
	}

	it('keeps the eta schedule where the eta is right on the whole: jobs of 3 s ± 30 % whose eta says 3 s', async () => {
		const random = seeded(3);
		const times = readyTimesOf(account, route, new ReadyTimeLearner());
		for (let job = 0; job < 20; job++) await runShortJob(Math.round(3000 * (0.7 + 0.6 * random())), 3, times);
		// half the jobs were ready by 0.9-1.1 × the eta: the eta schedule, which fetches less, stays
		expect(Math.abs(times.window()!.median - 1)).toBeLessThanOrEqual(0.1);
		expect(await runShortJob(2900, 3, times)).toEqual([2625, 3225]);
	});

	it('plans from the jobs seen where the eta is off: jobs of 2 s ± 30 % whose eta is their time in whole seconds, rounded up', async () => {
		const random = seeded(5);
		const times = readyTimesOf(account, route, new ReadyTimeLearner());
		for (let job = 0; job < 20; job++) {
			const ready = Math.round(2000 * (0.7 + 0.6 * random()));
			await runShortJob(ready, Math.ceil(ready / 1000), times);
		}
		// half the jobs were ready by 0.85 × their eta or earlier: the eta is off
		expect(times.window()!.median).toBeLessThan(0.9);
		// a job of 2.1 s says eta 3: the eta schedule's first fetch is 2.625 s; the learned one collects it within 200 ms
		const calls = await runShortJob(2100, 3, times);
		expect(calls[0]).toBeLessThan(2625);
		expect(calls[calls.length - 1] - 2100).toBeLessThan(200);
	});

	it('on a learned window too wide for short steps, a fetch eta that counts the create\'s down still plans the rest', async () => {
		const times = readyTimesOf(account, route, new ReadyTimeLearner());
		// jobs ready anywhere in 15-60 s: steps of 5.5 s would leave a job waiting up to that long
		for (let job = 0; job < 20; job++) times.record({ etaMs: ETA_MS, processingAt: 15_000 + job * 2250, readyBy: 16_000 + job * 2250 });
		// ready at 29.2 s, close to what the create said: the answer at 20 s (where a tenth were ready) says 10 s,
		// which counts the create's 30 s down, and the rest is planned from it (without: 25.5 s, then 31 s)
		const job = await runJob(29_200, 'timeLeft', times);
		expect(job.calls).toEqual([20_000, 28_313, 30_213]);
		expect(job.latency).toBeLessThan(1100);
	});

	it('a learned plan still stops at Max Wait Time, and at once on cancel', async () => {
		const learner = new ReadyTimeLearner();
		const times = readyTimesOf(account, route, learner);
		for (let job = 0; job < 10; job++) times.record({ etaMs: ETA_MS, processingAt: 20_000, readyBy: 21_000 });
		// window 20.5-21 s: steps of 150 ms (the least) to 21.25 s, then backing off from 250 ms × 1.5, and a last fetch at the deadline
		const late = await runJob(120_000, 'countdown', times, 22_000);
		expect(late.outcome).toEqual({ kind: 'timeout', lastStatus: 'processing', lastError: undefined, fetches: 8 });
		expect(late.calls).toEqual([20_500, 20_650, 20_800, 20_950, 21_100, 21_250, 21_625, 22_000]);

		const controller = new AbortController();
		const clock = fakeClock(() => controller.abort());
		const api = scripted([success], clock);
		const outcome = await waitForResult({ first: processing(30), fetch: api.fetch, deadline: 600_000, clock, signal: controller.signal, readyTimes: times });
		expect(outcome).toEqual({ kind: 'cancelled' });
		expect(api.calls).toEqual([]);
	});

	it('trusts a learned plan for an eta over 30 s no further than the eta schedule: the first fetch is never later', async () => {
		const learner = new ReadyTimeLearner();
		const times = readyTimesOf(account, route, learner);
		for (let job = 0; job < 10; job++) times.record({ etaMs: ETA_MS, processingAt: 13_000, readyBy: 14_000 });
		// learned: ready at 0.45 × eta. A create that says 417 s: 0.45 × 417 s = 188 s, but the eta schedule fetches at 15 s
		const clock = fakeClock();
		const api = scripted([success], clock);
		await waitForResult({ first: processing(417), fetch: api.fetch, deadline: 600_000, clock, readyTimes: times });
		expect(api.calls).toEqual([15_000]);
		expect(pollTimes(POLL.etaMaxMs).next()).toBe(15_000);
	});

	it('a fetch answer\'s eta that departs from the create\'s plans the rest anew, even on a learned plan; one that counts it down does not', async () => {
		const learner = new ReadyTimeLearner();
		const times = readyTimesOf(account, route, learner);
		for (let job = 0; job < 10; job++) times.record({ etaMs: ETA_MS, processingAt: 15_000, readyBy: 25_000 });
		// from 20 s in steps of 800 ms; at 20 s "eta 10" counts down, at 20.8 s "eta 20" departs: 20.8 + 0.875 × 19.5 s
		const clock = fakeClock();
		const api = scripted([processing(10), processing(20), success], clock);
		await waitForResult({ first: processing(30), fetch: api.fetch, deadline: 600_000, clock, readyTimes: times });
		expect(api.calls).toEqual([20_000, 20_800, 37_863]);
	});
});
