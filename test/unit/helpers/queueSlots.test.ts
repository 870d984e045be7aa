import { QueueSlots, queueSlotsOf } from '../../../nodes/ModelsLab/helpers/queueSlots';
import type { Clock } from '../../../nodes/ModelsLab/transport/clock';

/** A clock whose sleeps end only when the test says so (or when their signal aborts). */
function manualClock() {
	const pending: Array<{ ms: number; resolve: () => void }> = [];
	const clock: Clock = {
		now: () => 0,
		sleep: async (ms, signal) =>
			await new Promise<void>((resolve, reject) => {
				const entry = { ms, resolve };
				pending.push(entry);
				signal?.addEventListener('abort', () => {
					pending.splice(pending.indexOf(entry), 1);
					reject(new Error('aborted'));
				});
			}),
	};
	return { clock, pending, elapse: () => pending.shift()?.resolve() };
}

const tick = async () => await new Promise((resolve) => setImmediate(resolve));

describe('QueueSlots: a rate-limited create waits for a place this run frees', () => {
	it('waits for retry_after when no job of this run leaves the queue', async () => {
		const { clock, pending, elapse } = manualClock();
		const slots = new QueueSlots();
		const waiting = slots.waitForPlace(30_000, clock);
		await tick();
		expect(pending.map((p) => p.ms)).toEqual([30_000]);
		elapse();
		await expect(waiting).resolves.toBe('timer');
	});

	it('wakes one waiting create per job that leaves, longest waiting first, and stops its timer', async () => {
		const { clock, pending } = manualClock();
		const slots = new QueueSlots();
		slots.entered();
		slots.entered();
		const order: string[] = [];
		const a = slots.waitForPlace(30_000, clock).then((r) => order.push(`a ${r}`));
		const b = slots.waitForPlace(30_000, clock).then((r) => order.push(`b ${r}`));
		await tick();
		expect(pending).toHaveLength(2);
		slots.left();
		await a;
		await tick();
		expect(order).toEqual(['a freed']);
		expect(pending).toHaveLength(1); // a's timer was cleared
		expect(slots.inQueue).toBe(1);
		slots.left();
		await b;
		expect(order).toEqual(['a freed', 'b freed']);
		expect(pending).toHaveLength(0);
	});

	it('a create whose retry_after passed first is no longer woken', async () => {
		const { clock, elapse } = manualClock();
		const slots = new QueueSlots();
		slots.entered();
		const first = slots.waitForPlace(1000, clock);
		await tick();
		elapse();
		await expect(first).resolves.toBe('timer');
		const second = slots.waitForPlace(1000, clock);
		await tick();
		slots.left();
		await expect(second).resolves.toBe('freed');
	});

	it('ends the wait when the execution is cancelled', async () => {
		const { clock, pending } = manualClock();
		const slots = new QueueSlots();
		slots.entered();
		const controller = new AbortController();
		const waiting = slots.waitForPlace(30_000, clock, controller.signal);
		await tick();
		controller.abort();
		await expect(waiting).resolves.toBe('cancelled');
		expect(pending).toHaveLength(0);
		await expect(slots.waitForPlace(30_000, clock, controller.signal)).resolves.toBe('cancelled');
	});

	it('keeps one set of slots per node run', () => {
		const run = {};
		expect(queueSlotsOf(run)).toBe(queueSlotsOf(run));
		expect(queueSlotsOf({})).not.toBe(queueSlotsOf(run));
	});
});
