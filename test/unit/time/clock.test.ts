/**
 * time/clock.ts: the system clock's sleep ends at once when the execution is stopped, also with
 * n8n-workflow 1.x's `sleep(ms)`, which ignores the abort signal (simulated here).
 */
const ignoringSignal = jest.fn(async (ms: number) => await new Promise<void>((resolve) => setTimeout(resolve, ms)));
jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: ignoringSignal }));

import { systemClock, untilAborted } from '../../../nodes/ModelsLab/time/clock';

describe('systemClock.sleep (time/clock.ts)', () => {
	beforeEach(() => {
		jest.useFakeTimers();
		ignoringSignal.mockClear();
	});
	afterEach(() => {
		jest.useRealTimers();
	});

	it('rejects as soon as the signal aborts, although n8n 1.x sleep would run for the whole 26 s', async () => {
		const controller = new AbortController();
		const slept = systemClock.sleep(26_000, controller.signal);
		const outcome = slept.then(
			() => 'resolved',
			(error: Error) => `rejected: ${error.message}`,
		);
		await jest.advanceTimersByTimeAsync(1_000);
		controller.abort(new Error('Execution was cancelled'));
		await jest.advanceTimersByTimeAsync(0);
		expect(await outcome).toBe('rejected: Execution was cancelled');
		expect(ignoringSignal).toHaveBeenCalledWith(26_000, controller.signal);
	});

	it('resolves after the time when nothing aborts', async () => {
		const controller = new AbortController();
		let done = false;
		const slept = systemClock.sleep(5_000, controller.signal).then(() => (done = true));
		await jest.advanceTimersByTimeAsync(4_999);
		expect(done).toBe(false);
		await jest.advanceTimersByTimeAsync(1);
		await slept;
		expect(done).toBe(true);
	});

	it('rejects at once on a signal that is already aborted, and sleeps without one', async () => {
		const controller = new AbortController();
		controller.abort(new Error('stopped'));
		await expect(untilAborted(new Promise(() => undefined), controller.signal)).rejects.toThrow('stopped');
		const plain = systemClock.sleep(10);
		await jest.advanceTimersByTimeAsync(10);
		await expect(plain).resolves.toBeUndefined();
	});
});
