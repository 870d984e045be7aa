import { createHash } from 'node:crypto';

import type { Clock } from '../transport/clock';

/** After this long with no job of the account in flight here, what was learned about its limit is forgotten. */
const FORGET_AFTER_MS = 60_000;

/**
 * This process's share of one account's ModelsLab queue (5, 10 or 15 jobs, by plan), shared by every
 * node run that uses the same key and base URL. Other processes (queue-mode workers, other n8n
 * instances) share the account too, and only the API's answers tell about their jobs.
 *
 * - **Freed places.** A 429 means the queue is full. When jobs of this process are in it, one of them
 *   finishing frees a place, usually long before the `retry_after` the 429 asked for. So a
 *   rate-limited create waits for that place, or for `retry_after`, whichever comes first. Each freed
 *   place wakes one waiting create, the one that has waited longest.
 * - **Adapting to the answers.** Like TCP's congestion window: a 429 lowers the window to the places
 *   this process holds (what the account accepted from it); each job that leaves the queue raises it
 *   by 1/window, so it probes upward again by about one place per window of finished jobs. A create
 *   waits until the jobs held here are below the window.
 */
export class QueueSlots {
	private held = 0;
	private queued = 0;
	private window = Infinity;
	private lastActive = 0;
	private readonly waiters: Array<() => void> = [];
	private readonly senders: Array<() => void> = [];

	/** Jobs of this account known to be in the queue from here. */
	get inQueue(): number {
		return this.queued;
	}

	/** How many jobs this process may have in the account's queue at once, as learned from its answers. */
	get limit(): number {
		return this.window;
	}

	/** Waits until a create may be sent (the places held here are below the window), then holds one. */
	async acquire(clock: Clock, signal?: AbortSignal): Promise<'sent' | 'cancelled'> {
		if (this.held === 0 && clock.now() - this.lastActive > FORGET_AFTER_MS) this.window = Infinity;
		while (this.held >= Math.max(1, Math.floor(this.window))) {
			if (signal?.aborted) return 'cancelled';
			await new Promise<void>((resolve) => {
				const wake = () => {
					signal?.removeEventListener('abort', wake);
					const index = this.senders.indexOf(wake);
					if (index >= 0) this.senders.splice(index, 1);
					resolve();
				};
				this.senders.push(wake);
				signal?.addEventListener('abort', wake, { once: true });
			});
		}
		if (signal?.aborted) return 'cancelled';
		this.held++;
		this.lastActive = clock.now();
		return 'sent';
	}

	/** A job this process did not create here (Fetch Result) is waited for: it holds a place as well. */
	occupy(clock: Clock): void {
		this.held++;
		this.lastActive = clock.now();
	}

	/** The create held a place and no job came of it (refused, failed, or finished at once). */
	release(clock: Clock): void {
		this.held = Math.max(0, this.held - 1);
		this.lastActive = clock.now();
		this.senders.shift()?.();
	}

	/** The account refused a create with 429 (it held a place, now released): the window shrinks to what it accepted. */
	refused(clock: Clock): void {
		this.release(clock);
		this.window = Math.max(1, Math.min(this.window, this.held));
	}

	/** A job of this process is in the queue (its create or fetch answered "processing") and is waited for. */
	entered(): void {
		this.queued++;
	}

	/** It left the queue (finished or failed), or is no longer waited for: frees its place and wakes the longest-waiting create. */
	left(clock: Clock): void {
		this.queued = Math.max(0, this.queued - 1);
		if (Number.isFinite(this.window)) this.window += 1 / this.window;
		this.release(clock);
		this.waiters.shift()?.();
	}

	/**
	 * After a 429: resolves 'freed' when a job of this account leaves the queue here, 'timer' after `ms`,
	 * or 'cancelled'.
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
		// queued or not yet: a job of this account may be about to enter (its create answer still on its way)
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

const accounts = new Map<string, QueueSlots>();

/** The queue slots of one account in this process, found by a hash of its key and base URL (never the key itself). */
export function accountQueue(account: { secret: string; baseUrl: string }): QueueSlots {
	const id = createHash('sha256').update(`${account.baseUrl}\n${account.secret}`).digest('hex');
	let slots = accounts.get(id);
	if (!slots) accounts.set(id, (slots = new QueueSlots()));
	return slots;
}
