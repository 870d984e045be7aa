/**
 * The one way the node waits and tries again: a cancel-aware pause, and `retryWithin`, which repeats
 * an attempt on a named policy's schedule within an end time. The eta-based poll schedule
 * (job/waitForResult.ts) and the account queue's wait for a freed place are their own algorithms;
 * a refused create's resends wait through the latter (an attempt's own `wait`).
 */
import type { Clock } from './clock';

interface RetryPolicy {
	/** The wait before the second attempt. */
	firstDelayMs: number;
	/** Each later wait is the previous one times this, rounded, up to maxDelayMs. */
	factor: number;
	maxDelayMs: number;
	/** Attempts made even when the end has passed. */
	minAttempts?: number;
	maxAttempts?: number;
	/** 'before': a new attempt must start before the end; 'by': it may start at the end itself. */
	startWithin: 'before' | 'by';
}

/** Every retry schedule of the node, by what it retries. */
export const RETRY_POLICIES = {
	/** A fetch answered "Request not found": the job may not be visible yet; asked again for `graceMs` from the first fetch. */
	notFoundGrace: { firstDelayMs: 1000, factor: 1.5, maxDelayMs: 5000, startWithin: 'by', graceMs: 30_000 },
	/** A fetch failed (5xx, network, an HTML page): fetching is free, so it is sent again until Max Wait Time. */
	fetchErrors: { firstDelayMs: 1000, factor: 1.5, maxDelayMs: 5000, startWithin: 'before' },
	/** An upload failed (5xx, network): it makes no job and bills nothing. */
	uploads: { firstDelayMs: 1000, factor: 2, maxDelayMs: 2000, maxAttempts: 3, startWithin: 'before' },
	/** An image download failed or was cut short: at least 3 tries, more while Max Wait Time lasts. */
	downloads: { firstDelayMs: 250, factor: 2, maxDelayMs: 4000, minAttempts: 3, startWithin: 'before' },
	/**
	 * A create refused with "come back later" (429 queue full, the spam filter) created nothing, so it is
	 * the one create sent again: at most 5 times, within Max Wait Time, after the wait the refusal asks
	 * for (`retry_after`, seconds in its text), else 10 s after a 429 and `spamFilterDelayMs` after the
	 * spam filter. A 429's wait ended by a freed place or an early probe (job/accountQueue.ts) is no resend.
	 */
	createResends: { firstDelayMs: 10_000, factor: 1, maxDelayMs: 10_000, maxAttempts: 6, startWithin: 'before', spamFilterDelayMs: 30_000 },
} as const satisfies Record<string, RetryPolicy & { graceMs?: number; spamFilterDelayMs?: number }>;

interface Waiting {
	clock: Clock;
	signal?: AbortSignal;
	/** The error to throw when the execution is cancelled during a pause. */
	cancelled: () => Error;
}

/** Waits `ms`, or less: a cancelled execution ends the pause at once with `cancelled()`. */
async function pause({ clock, signal, cancelled }: Waiting, ms: number): Promise<void> {
	// a rejected sleep means the execution was cancelled: nothing else rejects it
	await clock.sleep(ms, signal).catch(() => undefined);
	if (signal?.aborted) throw cancelled();
}

/** What an attempt came to: a result, or another try after `waitMs` (default: the policy's delay) unless none is left. */
export type Attempt<T> =
	| { done: T }
	| {
			/** The result when no try is left: a value, or a throw. */
			giveUp: () => T;
			waitMs?: number;
			/** Clock time by which the next attempt must start; default the deadline. */
			end?: number;
			/**
			 * Waits `ms` in place of the pause (and throws when cancelled): 'uncounted' when what ended the
			 * wait makes the next attempt no retry, so it counts against no attempt limit.
			 */
			wait?: (ms: number) => Promise<'counted' | 'uncounted'>;
	  };

/**
 * Runs `attempt` (given its number, from 1, and the policy's current delay) until it is done or no
 * try is left: past `maxAttempts` counted attempts, or when the wait would start the next attempt
 * after the end (`minAttempts` are made whatever the time).
 */
export async function retryWithin<T>(
	options: Waiting & { policy: RetryPolicy; deadline?: number },
	attempt: (attemptNumber: number, delayMs: number) => Promise<Attempt<T>>,
): Promise<T> {
	const { policy, clock } = options;
	let delay = policy.firstDelayMs;
	let counted = 0;
	for (let attemptNumber = 1; ; attemptNumber++) {
		const step = await attempt(attemptNumber, delay);
		if ('done' in step) return step.done;
		counted++;
		const wait = step.waitMs ?? delay;
		const end = step.end ?? options.deadline ?? Infinity;
		const now = clock.now();
		const inTime = policy.startWithin === 'by' ? now < end && now + wait <= end : now + wait < end;
		const anotherTry = counted < (policy.maxAttempts ?? Infinity) && (inTime || counted < (policy.minAttempts ?? 0));
		if (!anotherTry) return step.giveUp();
		if (!step.wait) await pause(options, wait);
		else if ((await step.wait(wait)) === 'uncounted') counted--;
		delay = Math.min(Math.round(delay * policy.factor), policy.maxDelayMs);
	}
}
