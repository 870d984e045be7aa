/**
 * The wait loop shared by every operation. ModelsLab's `eta` is an estimate: jobs finish somewhat
 * before or after it. So the first fetch goes a little before the eta, the second a little after
 * it, then short steps (8 % of the eta) until half the eta again has passed, then a growing
 * backoff. Most jobs are collected by the first or second fetch, within a fraction of a second of
 * being ready. Never past the deadline, and not one request more once the execution is cancelled.
 * Fetches are idempotent, so transient failures are retried.
 *
 * With eta 3 s the fetches go at 2.625 s, 3.225 s, then every 250 ms up to 4.5 s, then at growing
 * intervals (up to 5 s). See `pollTimes` for the exact schedule. A processing answer that reports 2 s
 * or more still to go plans the rest anew from it, so a long job is fetched close to when it is ready
 * rather than on the first eta's backoff.
 */
import type { ApiAnswer } from '../api/answer';
import { readEtaSeconds, readStatus } from '../api/answer';
import type { Clock } from '../time/clock';
import { systemClock } from '../time/clock';
import { RETRY_POLICIES } from '../time/retry';

export const POLL = {
	/** Assumed when the API gives no eta. */
	defaultEtaMs: 1000,
	/** An eta is trusted up to this long; later fetches report fresh ones. */
	etaMaxMs: 30_000,
	/** A fresh eta (whole seconds, rounded up) is read as this much less: the middle of its second. */
	etaRoundingMs: 500,
	/** A fresh eta from this long plans the rest of the wait anew. */
	replanFromMs: 2000,
	/** The first fetch, as a fraction of the eta: jobs often finish before it. */
	firstAt: 0.875,
	/** The second fetch, just after the eta: most jobs are ready by then. */
	secondAt: 1.075,
	/** Then a step of this fraction of the eta … */
	stepFraction: 0.08,
	/** … kept within these bounds (also the least time between the first two fetches) … */
	minStepMs: 250,
	maxStepMs: 2000,
	/** … until this multiple of the eta has passed; from then on each step is 1.5 × the previous. */
	backoffAfter: 1.5,
	backoffFactor: 1.5,
	backoffMaxMs: 5000,
} as const;

/** The wait before sending a failed fetch again: the fetch-error retry policy's schedule (time/retry.ts). */
export function nextErrorDelay(previousMs: number): number {
	const policy = RETRY_POLICIES.fetchErrors;
	return previousMs ? Math.min(Math.round(previousMs * policy.factor), policy.maxDelayMs) : policy.firstDelayMs;
}

export type WaitOutcome =
	| { kind: 'success'; answer: ApiAnswer }
	| { kind: 'failed'; answer: ApiAnswer }
	/** A status that is none of the four: the caller reports it, with the value. */
	| { kind: 'unknownStatus'; answer: ApiAnswer }
	| { kind: 'timeout'; lastStatus: string; lastError?: Error; fetches: number }
	| { kind: 'cancelled' };

export interface WaitOptions {
	/** The `processing` answer that started the wait. */
	first: ApiAnswer;
	fetch: () => Promise<ApiAnswer>;
	/** Clock time after which no further fetch is sent. */
	deadline: number;
	clock?: Clock;
	signal?: AbortSignal;
	/** Whether a failed fetch may be sent again; other failures end the wait. */
	isRetryable?: (error: Error) => boolean;
}

/** The default: errors marked `retryable` in their context, as the node's transport marks them. */
function markedRetryable(error: Error): boolean {
	return (error as { context?: { retryable?: unknown } }).context?.retryable === true;
}

/** The eta an answer gives, in ms, within [0, etaMaxMs]; undefined when it gives none. */
function etaMs(answer: ApiAnswer): number | undefined {
	const eta = readEtaSeconds(answer);
	return eta === undefined ? undefined : Math.min(eta * 1000, POLL.etaMaxMs);
}

/**
 * The fetch schedule for an eta: each call of `next()` gives the time (ms after the wait began) of the
 * next fetch, as long as every fetch finds the job still processing.
 */
export function pollTimes(eta: number): { next(): number } {
	let step = Math.min(Math.max(Math.round(POLL.stepFraction * eta), POLL.minStepMs), POLL.maxStepMs);
	let last: number | undefined;
	let count = 0;
	return {
		next() {
			count++;
			if (count === 1) last = Math.max(Math.round(POLL.firstAt * eta), POLL.minStepMs);
			else if (count === 2) last = Math.max(Math.round(POLL.secondAt * eta), last! + POLL.minStepMs);
			else {
				if (last! >= POLL.backoffAfter * eta) step = Math.min(Math.round(step * POLL.backoffFactor), POLL.backoffMaxMs);
				last = last! + step;
			}
			return last;
		},
	};
}

export async function waitForResult(options: WaitOptions): Promise<WaitOutcome> {
	const clock = options.clock ?? systemClock;
	const { signal, deadline } = options;
	const isRetryable = options.isRetryable ?? markedRetryable;
	// the schedule, and the time it counts from: a fresh eta of 2 s or more plans the rest anew from its answer
	let origin = clock.now();
	let schedule = pollTimes(etaMs(options.first) ?? POLL.defaultEtaMs);
	let target = origin + schedule.next();
	let errorDelay = 0;
	let lastStatus = 'processing';
	let lastError: Error | undefined;
	let fetches = 0;

	for (;;) {
		const now = clock.now();
		const remaining = deadline - now;
		if (remaining <= 0 && fetches > 0) {
			return { kind: 'timeout', lastStatus, lastError, fetches };
		}
		// a rejected sleep means the execution was cancelled: nothing else rejects it
		await clock.sleep(Math.max(0, Math.min(target - now, remaining)), signal).catch(() => undefined);
		if (signal?.aborted) return { kind: 'cancelled' };

		fetches++;
		const sentAt = clock.now();
		const result = await options.fetch().then(
			(answer) => ({ answer }),
			(error: Error) => ({ error }),
		);
		if (signal?.aborted) return { kind: 'cancelled' };
		// the next fetch on the schedule, unless the answer says it cannot be ready by then
		let notBefore = 0;
		if ('error' in result) {
			if (!isRetryable(result.error)) throw result.error;
			lastError = result.error;
			lastStatus = `unreachable (${lastError.message})`;
			errorDelay = nextErrorDelay(errorDelay);
			notBefore = sentAt + errorDelay;
		} else {
			const { answer } = result;
			const status = readStatus(answer);
			if (status === 'success') return { kind: 'success', answer };
			if (status === 'error' || status === 'failed') return { kind: 'failed', answer };
			if (status === undefined) return { kind: 'unknownStatus', answer };
			lastError = undefined;
			errorDelay = 0;
			lastStatus = status;
			// etas are whole seconds rounded up: "eta 3" means 2 to 3 s remain, so the plan reads it as the middle, 2.5 s
			const fresh = etaMs(answer);
			if (fresh !== undefined && fresh >= POLL.replanFromMs) {
				origin = sentAt;
				schedule = pollTimes(fresh - POLL.etaRoundingMs);
			}
		}
		do target = origin + schedule.next();
		while (target < notBefore);
	}
}
