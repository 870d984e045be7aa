import { FIRST_PROBE_MS, QueueSlots, accountQueue } from '../../../nodes/ModelsLab/job/accountQueue';
import type { Clock } from '../../../nodes/ModelsLab/time/clock';

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
		slots.left(clock);
		await a;
		await tick();
		expect(order).toEqual(['a freed']);
		expect(pending).toHaveLength(1); // a's timer was cleared
		expect(slots.inQueue).toBe(1);
		slots.left(clock);
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
		slots.left(clock);
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

	it('keeps one set of slots per account in the process: same key and base URL, whatever the run', () => {
		const account = { secret: 'key-one', baseUrl: 'https://modelslab.com' };
		expect(accountQueue({ ...account })).toBe(accountQueue(account));
		expect(accountQueue({ ...account, secret: 'key-two' })).not.toBe(accountQueue(account));
		expect(accountQueue({ ...account, baseUrl: 'http://127.0.0.1:1' })).not.toBe(accountQueue(account));
	});
});

describe('QueueSlots: the window adapts to the answers, like TCP congestion control', () => {
	let now = 0;
	const clock: Clock = { now: () => now, sleep: async () => undefined };

	async function holdPlaces(slots: QueueSlots, count: number) {
		for (let i = 0; i < count; i++) expect(await slots.acquire(clock)).toBe('sent');
	}

	beforeEach(() => {
		now = 0;
	});

	it('sends without limit until a 429, then shrinks the window to the places the account accepted', async () => {
		const slots = new QueueSlots();
		await holdPlaces(slots, 5);
		expect(slots.limit).toBe(Infinity);
		slots.refused(clock); // the fifth create: 4 of this process are in the queue
		expect(slots.limit).toBe(4);
		slots.refused(clock);
		expect(slots.limit).toBe(3);
	});

	it('holds a create back until a place of the window is free', async () => {
		const slots = new QueueSlots();
		await holdPlaces(slots, 3);
		slots.refused(clock); // window 2, 2 held
		let sent = false;
		const next = slots.acquire(clock).then((outcome) => (sent = outcome === 'sent'));
		await tick();
		expect(sent).toBe(false);
		slots.entered();
		slots.left(clock); // a job leaves: 1 held, window 2.5
		await next;
		expect(sent).toBe(true);
		expect(slots.limit).toBe(2.5);
	});

	it('probes upward by about one place per window of finished jobs', async () => {
		const slots = new QueueSlots();
		await holdPlaces(slots, 2);
		slots.refused(clock); // window 1
		for (let i = 0; i < 3; i++) {
			slots.entered();
			slots.left(clock);
			await holdPlaces(slots, 1);
		}
		// 1 -> 2 -> 2.5 -> 2.9
		expect(slots.limit).toBeCloseTo(2.9, 5);
	});

	it('forgets the window after a minute with nothing in flight, and ends a held-back create on cancel', async () => {
		const slots = new QueueSlots();
		await holdPlaces(slots, 2);
		slots.refused(clock); // window 1, 1 held
		const controller = new AbortController();
		const held = slots.acquire(clock, controller.signal);
		controller.abort();
		await expect(held).resolves.toBe('cancelled');
		slots.release(clock);
		now = 60_001;
		await holdPlaces(slots, 3);
		expect(slots.limit).toBe(Infinity);
	});
});

describe("QueueSlots: probing a queue full of other processes' jobs", () => {
	let now = 0;
	const clock: Clock = { now: () => now, sleep: async () => undefined };
	const RETRY_AFTER_MS = 30_000;

	beforeEach(() => {
		now = 0;
	});

	/** One create of this process refused: nothing of it is left in the queue or on its way. */
	async function refusedAlone(slots: QueueSlots) {
		expect(await slots.acquire(clock)).toBe('sent');
		slots.refused(clock);
	}

	it('with nothing of this process in the queue, probes after FIRST_PROBE_MS, doubling per refusal, never past retry_after', async () => {
		const slots = new QueueSlots();
		const delays: Array<number | undefined> = [];
		for (let i = 0; i < 6; i++) {
			await refusedAlone(slots);
			delays.push(slots.probeDelay(RETRY_AFTER_MS));
		}
		expect(FIRST_PROBE_MS).toBe(2000);
		expect(delays).toEqual([2000, 4000, 8000, 16_000, 30_000, 30_000]);
		// an accepted create ends the probing: the next refusal starts over
		expect(await slots.acquire(clock)).toBe('sent');
		slots.accepted();
		slots.release(clock);
		await refusedAlone(slots);
		expect(slots.probeDelay(RETRY_AFTER_MS)).toBe(2000);
	});

	it('once a job of the account has finished here, the first probe waits as long as that job took', async () => {
		const slots = new QueueSlots();
		expect(await slots.acquire(clock)).toBe('sent');
		slots.accepted();
		slots.entered();
		slots.left(clock, 2300);
		await refusedAlone(slots);
		expect([slots.probeDelay(RETRY_AFTER_MS), slots.probeDelay(RETRY_AFTER_MS)]).toEqual([2300, 4600]);
		// a job longer than retry_after: retry_after, as before
		const slow = new QueueSlots();
		expect(await slow.acquire(clock)).toBe('sent');
		slow.entered();
		slow.left(clock, 45_000);
		await refusedAlone(slow);
		expect(slow.probeDelay(RETRY_AFTER_MS)).toBe(30_000);
	});

	it('no probe while a job or a create of this process is in the queue: its freed place, or retry_after, wakes the create', async () => {
		const slots = new QueueSlots();
		expect(await slots.acquire(clock)).toBe('sent');
		expect(await slots.acquire(clock)).toBe('sent');
		slots.refused(clock); // one still held
		expect(slots.probeDelay(RETRY_AFTER_MS)).toBeUndefined();
	});

	it('the refused probe wakes no held-back create (it would be refused too); giving up hands its turn on', async () => {
		const slots = new QueueSlots();
		expect(await slots.acquire(clock)).toBe('sent');
		expect(await slots.acquire(clock)).toBe('sent');
		slots.refused(clock); // window 1, one held
		let sent = false;
		const next = slots.acquire(clock).then((outcome) => (sent = outcome === 'sent'));
		slots.refused(clock); // the last one: nothing of this process in the queue, window 1
		await tick();
		expect(sent).toBe(false);
		slots.handOn();
		await next;
		expect(sent).toBe(true);
	});
});
