/**
 * The one way the node waits and tries again: a cancel-aware pause, and `retryWithin`, which repeats
 * an attempt on a named policy's schedule within an end time. The eta-based poll schedule
 * (job/waitForResult.ts) and the account queue's wait for a freed place are their own algorithms.
 */
import type { Clock } from './clock';

export interface RetryPolicy {
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
} as const satisfies Record<string, RetryPolicy & { graceMs?: number }>;

/**
 * A create refused with a "come back later" (429 queue full, the spam filter) was not accepted, so it
 * is the one create that may be sent again: at most `maxRetries` times, within Max Wait Time, after
 * the wait the answer asks for (`retry_after` or seconds in its text), else these defaults.
 */
export const CREATE_RESENDS = { maxRetries: 5, defaultWaitSeconds: 10, spamFilterWaitSeconds: 30 };

export interface Waiting {
	clock: Clock;
	signal?: AbortSignal;
	/** The error to throw when the execution is cancelled during a pause. */
	cancelled: () => Error;
}

/** Waits `ms`, or less: a cancelled execution ends the pause at once with `cancelled()`. */
export async function pause({ clock, signal, cancelled }: Waiting, ms: number): Promise<void> {
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
	  };

/**
 * Runs `attempt` (given its number, from 1, and the policy's current delay) until it is done or no
 * try is left: past `maxAttempts`, or when the wait would start the next attempt after the end
 * (`minAttempts` are made whatever the time).
 */
export async function retryWithin<T>(
	options: Waiting & { policy: RetryPolicy; deadline?: number },
	attempt: (attemptNumber: number, delayMs: number) => Promise<Attempt<T>>,
): Promise<T> {
	const { policy, clock } = options;
	let delay = policy.firstDelayMs;
	for (let attemptNumber = 1; ; attemptNumber++) {
		const step = await attempt(attemptNumber, delay);
		if ('done' in step) return step.done;
		const wait = step.waitMs ?? delay;
		const end = step.end ?? options.deadline ?? Infinity;
		const now = clock.now();
		const inTime = policy.startWithin === 'by' ? now < end && now + wait <= end : now + wait < end;
		const anotherTry =
			attemptNumber < (policy.maxAttempts ?? Infinity) && (inTime || attemptNumber < (policy.minAttempts ?? 0));
		if (!anotherTry) return step.giveUp();
		await pause(options, wait);
		delay = Math.min(Math.round(delay * policy.factor), policy.maxDelayMs);
	}
}
