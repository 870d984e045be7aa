import type { Clock } from '../transport/clock';

/**
 * One node run's share of the account's ModelsLab queue (5, 10 or 15 jobs, by plan). A 429 means the
 * queue is full. When jobs of this same run are in it, one of them finishing frees a place, usually
 * long before the `retry_after` the 429 asked for. So a rate-limited create waits for that place, or
 * for `retry_after`, whichever comes first. Each freed place wakes one waiting create, the one that
 * has waited longest, so a Concurrency above the queue limit costs one 429 per extra item, not a
 * burst of them, nor 30 s pauses.
 */
export class QueueSlots {
	private queued = 0;
	private readonly waiters: Array<() => void> = [];

	/** Jobs of this run known to be in the queue. */
	get inQueue(): number {
		return this.queued;
	}

	/** A job of this run is in the queue (its create or fetch answered "processing") and is waited for. */
	entered(): void {
		this.queued++;
	}

	/** It left the queue (finished or failed), or is no longer waited for: wakes the longest-waiting create. */
	left(): void {
		this.queued = Math.max(0, this.queued - 1);
		this.waiters.shift()?.();
	}

	/**
	 * After a 429: resolves 'freed' when a job of this run leaves the queue, 'timer' after `ms`, or
	 * 'cancelled'.
	 */
	async waitForPlace(ms: number, clock: Clock, signal?: AbortSignal): Promise<'freed' | 'timer' | 'cancelled'> {
		if (signal?.aborted) return 'cancelled';
		const timer = new AbortController();
		const onCancel = () => timer.abort();
		signal?.addEventListener('abort', onCancel, { once: true });
		let wake: (() => void) | undefined;
		const freed = new Promise<'freed'>((resolve) => {
			wake = () => resolve('freed');
		});
		// queued or not yet: a job of this run may be about to enter (its create answer still on its way)
		this.waiters.push(wake!);
		// a rejected sleep means it was cut short: by a freed place or by cancellation
		const elapsed = clock.sleep(ms, timer.signal).then(
			() => 'timer' as const,
			() => (signal?.aborted ? ('cancelled' as const) : ('freed' as const)),
		);
		const outcome = await Promise.race([freed, elapsed]);
		timer.abort();
		signal?.removeEventListener('abort', onCancel);
		const index = this.waiters.indexOf(wake!);
		if (index >= 0) this.waiters.splice(index, 1);
		return signal?.aborted ? 'cancelled' : outcome;
	}
}

const runs = new WeakMap<object, QueueSlots>();

/** The queue slots of one node run: n8n passes every item of the run the same execute context. */
export function queueSlotsOf(run: object): QueueSlots {
	let slots = runs.get(run);
	if (!slots) runs.set(run, (slots = new QueueSlots()));
	return slots;
}
