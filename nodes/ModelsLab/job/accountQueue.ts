import { accountId } from '../api/context';

import type { Clock } from '../time/clock';

/** After this long with no job of the account in flight here, what was learned about its limit is forgotten. */
const FORGET_AFTER_MS = 60_000;

/** The first probe of a full queue when no job of the account has finished here yet to time it by. */
export const FIRST_PROBE_MS = 2000;

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
 * - **Probing a queue full of others' jobs.** With nothing of this process in the queue, no freed place
 *   can wake a refused create, and the 429's `retry_after` (a fixed 30 s on the real API, whatever the
 *   queue holds) may be many jobs long. So one create probes: after the time a job of the account took
 *   here (FIRST_PROBE_MS before any finished), doubling with each refusal in a row, never longer than
 *   `retry_after`. The other creates wait behind it; an accepted create ends the probing.
 */
export class QueueSlots {
	private held = 0;
	private queued = 0;
	private window = Infinity;
	private lastActive = 0;
	/** the last job of the account seen here from accepted to finished */
	private jobMs: number | undefined;
	/** the next probe's wait while creates are refused with nothing of this process in the queue */
	private probeMs: number | undefined;
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
		if (this.held === 0 && clock.now() - this.lastActive > FORGET_AFTER_MS) {
			this.window = Infinity;
			this.probeMs = undefined;
		}
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

	/** The create was accepted: the account's queue had a place for it, so probing is over. */
	accepted(): void {
		this.probeMs = undefined;
	}

	/**
	 * The account refused a create with 429 (it held a place, now given back): the window shrinks to what
	 * it accepted. With nothing of this process left in the queue, the refused create is the probe: no
	 * held-back create is woken (it would only be refused too) until it is accepted or gives up (handOn).
	 */
	refused(clock: Clock): void {
		this.held = Math.max(0, this.held - 1);
		this.lastActive = clock.now();
		this.window = Math.max(1, Math.min(this.window, this.held));
		if (this.held > 0) this.senders.shift()?.();
	}

	/**
	 * How long a create refused with 429 waits before it probes again, when nothing of this process is
	 * in the account's queue or on its way there; undefined otherwise (a job of this process leaving
	 * wakes it, or `retry_after` passes). Each call counts as a refusal in a row: the next is doubled.
	 */
	probeDelay(retryAfterMs: number): number | undefined {
		if (this.held > 0) return undefined;
		const ms = Math.min(retryAfterMs, this.probeMs ?? this.jobMs ?? FIRST_PROBE_MS);
		this.probeMs = Math.min(retryAfterMs, ms * 2);
		return ms;
	}

	/** A refused create gives up (error, Max Wait Time, cancelled): a held-back create may go in its place. */
	handOn(): void {
		if (this.held < Math.max(1, Math.floor(this.window))) this.senders.shift()?.();
	}

	/** A job of this process is in the queue (its create or fetch answered "processing") and is waited for. */
	entered(): void {
		this.queued++;
	}

	/**
	 * It left the queue (finished or failed), or is no longer waited for: frees its place and wakes the
	 * longest-waiting create. `jobMs`: how long it took from its accepted create, which times the probes.
	 */
	left(clock: Clock, jobMs?: number): void {
		this.queued = Math.max(0, this.queued - 1);
		if (jobMs !== undefined && jobMs > 0) this.jobMs = jobMs;
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

/**
 * One job's place in its account's queue, from the create that takes it to the job leaving the queue.
 * The job's code says what happened; the place keeps the queue's counts right, so no caller pairs
 * the queue's methods by hand, and a place is given back once.
 */
export interface QueuePlace {
	/** ModelsLab accepted the create: the job now holds the place. */
	accepted(): void;
	/** A 429: the place goes back, and the refused create may wait for another (its `Refusal`). */
	refused(): Refusal;
	/** The node waits for the job in the queue. */
	waiting(): void;
	/** The job left the queue (finished, failed, given up), or no job came of the create: the place goes back. */
	done(jobMs?: number): void;
}

/** A create the account refused with 429, waiting to be sent again. */
export interface Refusal {
	/** How long it waits before probing a queue full of others' jobs; undefined when a freed place will wake it. */
	probeDelay(retryAfterMs: number): number | undefined;
	waitForPlace(ms: number, signal?: AbortSignal): Promise<'freed' | 'timer' | 'cancelled'>;
	/** It is not sent again: a held-back create may go in its place. */
	giveUp(): void;
}

function placeIn(queue: QueueSlots, clock: Clock): QueuePlace {
	let state: 'held' | 'waiting' | 'returned' = 'held';
	return {
		accepted: () => queue.accepted(),
		refused: () => {
			state = 'returned';
			queue.refused(clock);
			return {
				probeDelay: (retryAfterMs) => queue.probeDelay(retryAfterMs),
				waitForPlace: async (ms, signal) => await queue.waitForPlace(ms, clock, signal),
				giveUp: () => queue.handOn(),
			};
		},
		waiting: () => {
			if (state !== 'held') return;
			state = 'waiting';
			queue.entered();
		},
		done: (jobMs) => {
			if (state === 'waiting') queue.left(clock, jobMs);
			else if (state === 'held') queue.release(clock);
			state = 'returned';
		},
	};
}

/** Waits until a create may be sent, then holds a place for it; undefined when the execution was cancelled. */
export async function acquirePlace(queue: QueueSlots, clock: Clock, signal?: AbortSignal): Promise<QueuePlace | undefined> {
	return (await queue.acquire(clock, signal)) === 'sent' ? placeIn(queue, clock) : undefined;
}

/** The place of a job this process did not create here (Fetch Result) while the node waits for it. */
export function occupyPlace(queue: QueueSlots, clock: Clock): QueuePlace {
	queue.occupy(clock);
	return placeIn(queue, clock);
}

const accounts = new Map<string, QueueSlots>();

/** The queue slots of one account in this process, found by a hash of its key and base URL (never the key itself). */
export function accountQueue(account: { secret: string; baseUrl: string }): QueueSlots {
	const id = accountId(account);
	let slots = accounts.get(id);
	if (!slots) accounts.set(id, (slots = new QueueSlots()));
	return slots;
}
