import { sleep } from 'n8n-workflow';

import { failureOf } from '../transport';
import type { ApiAnswer } from './apiAnswer';
import { readEtaSeconds, readStatus } from './apiAnswer';

/**
 * The wait loop shared by every operation: first fetch when the API said the job would be ready
 * (its `eta`), then a short growing backoff, never past the deadline, and not one request more
 * once the execution is cancelled. Fetches are idempotent, so transient failures are retried.
 */

export interface Clock {
	now(): number;
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
	now: () => Date.now(),
	sleep: async (ms, signal) => await sleep(ms, signal),
};

export const POLL = {
	/** Used when the API gives no eta. */
	defaultFirstDelayMs: 1000,
	minDelayMs: 250,
	backoffStartMs: 1000,
	backoffFactor: 1.5,
	backoffMaxMs: 5000,
	/** A fresh eta from a fetch answer is trusted up to this long. */
	etaMaxMs: 30_000,
} as const;

export type WaitOutcome =
	| { kind: 'success'; answer: ApiAnswer }
	| { kind: 'failed'; answer: ApiAnswer }
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
}

function etaDelay(answer: ApiAnswer): number | undefined {
	const eta = readEtaSeconds(answer);
	return eta === undefined ? undefined : Math.min(Math.max(eta * 1000, POLL.minDelayMs), POLL.etaMaxMs);
}

export async function waitForResult(options: WaitOptions): Promise<WaitOutcome> {
	const clock = options.clock ?? systemClock;
	const { signal, deadline } = options;
	let delay = etaDelay(options.first) ?? POLL.defaultFirstDelayMs;
	let backoff: number = POLL.backoffStartMs;
	let lastStatus = 'processing';
	let lastError: Error | undefined;
	let fetches = 0;

	for (;;) {
		const remaining = deadline - clock.now();
		if (remaining <= 0 && fetches > 0) {
			return { kind: 'timeout', lastStatus, lastError, fetches };
		}
		// a rejected sleep means the execution was cancelled: nothing else rejects it
		await clock.sleep(Math.max(0, Math.min(delay, remaining)), signal).catch(() => undefined);
		if (signal?.aborted) return { kind: 'cancelled' };

		fetches++;
		const result = await options.fetch().then(
			(answer) => ({ answer }),
			(error: Error) => ({ error }),
		);
		if (signal?.aborted) return { kind: 'cancelled' };
		if ('error' in result) {
			if (!failureOf(result.error).retryable) throw result.error;
			lastError = result.error;
			lastStatus = `unreachable (${lastError.message})`;
			delay = backoff;
			backoff = Math.min(backoff * POLL.backoffFactor, POLL.backoffMaxMs);
			continue;
		}
		const { answer } = result;
		lastError = undefined;
		const status = readStatus(answer);
		if (status === 'success') return { kind: 'success', answer };
		if (status === 'error' || status === 'failed') return { kind: 'failed', answer };
		lastStatus = status ?? String(answer.status ?? 'unknown');
		delay = Math.min(etaDelay(answer) ?? backoff, Math.max(backoff, POLL.minDelayMs) * 4);
		backoff = Math.min(backoff * POLL.backoffFactor, POLL.backoffMaxMs);
	}
}
