/**
 * time/retry.ts: retryWithin on the createResends policy, with an attempt's own `wait` (the account
 * queue's) in place of the pause, and waits that count against no attempt limit.
 */
import type { Attempt } from '../../../nodes/ModelsLab/time/retry';
import { RETRY_POLICIES, retryWithin } from '../../../nodes/ModelsLab/time/retry';

/** A clock that jumps instead of waiting, recording every sleep. */
function fakeClock() {
	const clock = {
		time: 0,
		sleeps: [] as number[],
		now: () => clock.time,
		sleep: async (ms: number) => {
			clock.sleeps.push(ms);
			clock.time += ms;
		},
	};
	return clock;
}

const refused = () => new Error('refused');

/** Runs createResends with every attempt refused; `step` adds to each refusal (its wait, its own `wait`). */
async function resendUntilGivenUp(
	clock: ReturnType<typeof fakeClock>,
	step: (attemptNumber: number) => Partial<Extract<Attempt<string>, { giveUp: unknown }>> = () => ({}),
	deadline = Infinity,
) {
	const attempts: number[] = [];
	const outcome = await retryWithin<string>(
		{ clock, cancelled: () => new Error('cancelled'), deadline, policy: RETRY_POLICIES.createResends },
		async (attemptNumber) => {
			attempts.push(clock.time);
			return {
				giveUp: () => {
					throw refused();
				},
				...step(attemptNumber),
			};
		},
	).catch((error: Error) => error.message);
	return { attempts, outcome };
}

describe('retryWithin on RETRY_POLICIES.createResends (time/retry.ts)', () => {
	it('sends a refused create 5 more times, 10 s apart when the refusal names no wait, then gives up', async () => {
		const clock = fakeClock();
		const { attempts, outcome } = await resendUntilGivenUp(clock);
		expect(outcome).toBe('refused');
		expect(attempts).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000]);
		expect(clock.sleeps).toEqual([10_000, 10_000, 10_000, 10_000, 10_000]);
	});

	it('waits what each refusal asks, and sends no resend that would start at or past the deadline', async () => {
		const clock = fakeClock();
		const { attempts, outcome } = await resendUntilGivenUp(clock, () => ({ waitMs: 30_000 }), 60_000);
		expect(outcome).toBe('refused');
		// 30 s + 30 s would start the third send at the deadline itself
		expect(attempts).toEqual([0, 30_000]);
	});

	it("waits through an attempt's own wait in place of the pause", async () => {
		const clock = fakeClock();
		const waits: number[] = [];
		const { attempts } = await resendUntilGivenUp(clock, () => ({
			waitMs: 2000,
			wait: async (ms) => {
				waits.push(ms);
				return 'counted';
			},
		}));
		expect(attempts).toHaveLength(6);
		expect(waits).toEqual([2000, 2000, 2000, 2000, 2000]);
		expect(clock.sleeps).toEqual([]);
	});

	it('counts an attempt after an uncounted wait (a freed place, an early probe) against no limit', async () => {
		const clock = fakeClock();
		// the waits after the 1st and 3rd sends are uncounted: 5 resends become 7
		const { attempts } = await resendUntilGivenUp(clock, (attemptNumber) => ({
			wait: async () => ([1, 3].includes(attemptNumber) ? 'uncounted' : 'counted'),
		}));
		expect(attempts).toHaveLength(8);
	});

	it('ends with the error a cancelled wait throws', async () => {
		const clock = fakeClock();
		const { attempts, outcome } = await resendUntilGivenUp(clock, () => ({
			wait: async () => {
				throw new Error('cancelled in the queue');
			},
		}));
		expect(outcome).toBe('cancelled in the queue');
		expect(attempts).toHaveLength(1);
	});
});
