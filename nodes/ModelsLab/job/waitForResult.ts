/**
 * The wait loop shared by every operation. ModelsLab's `eta` is an estimate: jobs finish somewhat
 * before or after it. So the first fetch goes a little before the eta, the second a little after
 * it, then short steps (8 % of the eta) until half the eta again has passed, then a growing
 * backoff. Most jobs are collected by the first or second fetch, within a fraction of a second of
 * being ready. Never past the deadline, and not one request more once the execution is cancelled.
 * Fetches are idempotent, so transient failures are retried.
 *
 * With eta 3 s the fetches go at 2.625 s, 3.225 s, then every 250 ms up to 4.5 s, then at growing
 * intervals (up to 5 s). A long eta is less sure: its first fetch goes at half the eta (not before
 * 7 s), then short steps. See `pollTimes` for the exact schedule. A processing answer that reports 2 s
 * or more still to go plans the rest anew from it, unless its eta only counts the create's down (it
 * says nothing new), so a long job is fetched close to when it is ready.
 *
 * Once the account's jobs on a route are known (job/readyTimes.ts) and show its etas to be off, a job it
 * created is fetched where those jobs were ready instead: from the earliest tenth to the latest, in short
 * steps (`learnedPollTimes`). Where the etas are right on the whole, the eta schedule fetches less.
 */
import type { ApiAnswer } from '../api/answer';
import { readEtaSeconds, readStatus } from '../api/answer';
import type { Clock } from '../time/clock';
import { systemClock } from '../time/clock';
import { RETRY_POLICIES } from '../time/retry';
import type { ReadyTimes, ReadyWindow } from './readyTimes';
import { LEARNING } from './readyTimes';

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
	/** A long eta is less sure: its first fetch goes at this fraction of it … */
	longFirstAt: 0.5,
	/** … but not before this (nor after the usual first fetch); then short steps. */
	longFirstNotBeforeMs: 7000,
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
	/** A fresh eta within this of the planned one, counted down, says nothing new. */
	countdownToleranceMs: 1100,
} as const;

/** The wait before sending a failed fetch again: the fetch-error retry policy's schedule (time/retry.ts). */
function nextErrorDelay(previousMs: number): number {
	const policy = RETRY_POLICIES.fetchErrors;
	return previousMs ? Math.min(Math.round(previousMs * policy.factor), policy.maxDelayMs) : policy.firstDelayMs;
}

type WaitOutcome =
	| { kind: 'success'; answer: ApiAnswer }
	| { kind: 'failed'; answer: ApiAnswer }
	/** A status that is none of the four: the caller reports it, with the value. */
	| { kind: 'unknownStatus'; answer: ApiAnswer }
	| { kind: 'timeout'; lastStatus: string; lastError?: Error; fetches: number }
	| { kind: 'cancelled' };

interface WaitOptions {
	/** The `processing` answer that started the wait. */
	first: ApiAnswer;
	fetch: () => Promise<ApiAnswer>;
	/** Clock time after which no further fetch is sent. */
	deadline: number;
	clock?: Clock;
	signal?: AbortSignal;
	/** Whether a failed fetch may be sent again; other failures end the wait. */
	isRetryable?: (error: Error) => boolean;
	/** For a job this item created: the account and route's learned timings, planned from and added to. */
	readyTimes?: ReadyTimes;
}

/** The default: errors marked `retryable` in their context, as the node's transport marks them. */
function markedRetryable(error: Error): boolean {
	return (error as { context?: { retryable?: unknown } }).context?.retryable === true;
}

/** The eta an answer gives, in ms; undefined when it gives none. */
function reportedEtaMs(answer: ApiAnswer): number | undefined {
	const eta = readEtaSeconds(answer);
	return eta === undefined ? undefined : eta * 1000;
}

interface PollTimes {
	/** The time (ms after the wait began) of the next fetch, as long as every fetch finds the job still processing. */
	next(): number;
}

/**
 * The fetch schedule for an eta. A create's long eta gets an early first fetch; a fresh eta, from a fetch
 * answer that departed from the create's, plans from just before it.
 */
export function pollTimes(eta: number, { fresh = false } = {}): PollTimes {
	let step = Math.min(Math.max(Math.round(POLL.stepFraction * eta), POLL.minStepMs), POLL.maxStepMs);
	const usualFirst = Math.round(POLL.firstAt * eta);
	const longFirst = Math.round(Math.max(POLL.longFirstAt * eta, POLL.longFirstNotBeforeMs));
	const first = Math.max(fresh ? usualFirst : Math.min(usualFirst, longFirst), POLL.minStepMs);
	// an early first fetch (a long eta) goes on in short steps rather than jumping to just after the eta
	const early = first < usualFirst;
	let last: number | undefined;
	let count = 0;
	return {
		next() {
			count++;
			if (count === 1) last = first;
			else if (count === 2 && !early) last = Math.max(Math.round(POLL.secondAt * eta), last! + POLL.minStepMs);
			else {
				if (last! >= POLL.backoffAfter * eta) step = Math.min(Math.round(step * POLL.backoffFactor), POLL.backoffMaxMs);
				last = last! + step;
			}
			return last;
		},
	};
}

/**
 * The fetch schedule from learned timings: the first fetch where the earliest jobs were ready, then steps
 * of a quarter of the window (150 to 800 ms, unless that takes over 12 fetches) until the latest were
 * ready and half the window again (what a few jobs have not shown yet), then the growing backoff. An eta
 * over 30 s is trusted no further than without learning: the first fetch is never later than then.
 */
function learnedPollTimes(eta: number, window: Pick<ReadyWindow, 'from' | 'to'>): PollTimes & { readonly stepMs: number } {
	const span = (window.to - window.from) * eta;
	const from = eta > POLL.etaMaxMs ? Math.min(window.from * eta, pollTimes(POLL.etaMaxMs).next()) : window.from * eta;
	const to = window.to * eta + 0.5 * span;
	const widest = Math.max(LEARNING.stepMaxMs, (to - from) / LEARNING.windowFetchesMax);
	let step = Math.round(Math.min(Math.max(span / LEARNING.windowSteps, LEARNING.stepMinMs), widest));
	const stepMs = step;
	let last: number | undefined;
	return {
		stepMs,
		next() {
			if (last === undefined) last = Math.max(Math.round(from), POLL.minStepMs);
			else {
				// past the window, the usual backoff, from the usual least step
				if (last >= to) step = Math.min(Math.round(Math.max(step, POLL.minStepMs) * POLL.backoffFactor), POLL.backoffMaxMs);
				last += step;
			}
			return last;
		},
	};
}

/** The eta schedule of a create's eta (trusted up to 30 s). */
const etaSchedule = (eta: number) => pollTimes(Math.min(eta, POLL.etaMaxMs));

/** The learned window where the eta is off (the jobs' median ready time far from it); else none. */
function windowWhereEtaIsOff(readyTimes: ReadyTimes | undefined): ReadyWindow | undefined {
	const window = readyTimes?.window();
	return window && Math.abs(window.median - 1) > LEARNING.etaOffBy ? window : undefined;
}

export async function waitForResult(options: WaitOptions): Promise<WaitOutcome> {
	const clock = options.clock ?? systemClock;
	const { signal, deadline, readyTimes } = options;
	const isRetryable = options.isRetryable ?? markedRetryable;
	const startedAt = clock.now();
	const firstEta = reportedEtaMs(options.first);
	const window = windowWhereEtaIsOff(readyTimes);
	// the schedule, and the time it counts from: a fresh eta of 2 s or more plans the rest anew from its answer
	let origin = startedAt;
	const learned = window ? learnedPollTimes(firstEta ?? POLL.defaultEtaMs, window) : undefined;
	let schedule = learned ?? etaSchedule(firstEta ?? POLL.defaultEtaMs);
	// the create's eta: a fetch answer's eta that only counts it down is no news, until one departs from it,
	// unless a learned window too wide for short steps plans the wait: then the countdown is the closer word
	let createEta = firstEta === undefined || (learned && learned.stepMs > LEARNING.stepMaxMs) ? undefined : { at: startedAt, etaMs: firstEta };
	let target = origin + schedule.next();
	let errorDelay = 0;
	let lastStatus = 'processing';
	let lastError: Error | undefined;
	let fetches = 0;
	let processingAt = 0;

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
			if (status === 'success') {
				readyTimes?.record({ etaMs: firstEta ?? POLL.defaultEtaMs, processingAt, readyBy: sentAt - startedAt });
				return { kind: 'success', answer };
			}
			if (status === 'error' || status === 'failed') return { kind: 'failed', answer };
			if (status === undefined) return { kind: 'unknownStatus', answer };
			lastError = undefined;
			errorDelay = 0;
			lastStatus = status;
			processingAt = sentAt - startedAt;
			const fresh = reportedEtaMs(answer);
			const countdown =
				createEta && fresh !== undefined && Math.abs(fresh - (createEta.etaMs - (sentAt - createEta.at))) <= POLL.countdownToleranceMs;
			// etas are whole seconds rounded up: "eta 3" means 2 to 3 s remain, so the plan reads it as the middle, 2.5 s
			if (fresh !== undefined && !countdown && fresh >= POLL.replanFromMs) {
				origin = sentAt;
				schedule = pollTimes(Math.min(fresh, POLL.etaMaxMs) - POLL.etaRoundingMs, { fresh: true });
				createEta = undefined;
			}
		}
		do target = origin + schedule.next();
		while (target < notBefore);
	}
}
