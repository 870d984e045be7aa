import { sleep } from 'n8n-workflow';

/** Time, injected into every wait (polls, 429 waits, download retries) so tests can run it on a fake clock. */
export interface Clock {
	now(): number;
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * Settles with `work`, or rejects as soon as `signal` aborts. n8n-workflow 1.x's `sleep(ms)` ignores an
 * abort signal (2.x's honours it), so on n8n 1.x a stopped execution would otherwise wait out the sleep.
 */
export async function untilAborted<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
	if (!signal) return await work;
	if (signal.aborted) throw signal.reason ?? new Error('The operation was aborted');
	let onAbort: () => void = () => undefined;
	const aborted = new Promise<never>((_resolve, reject) => {
		onAbort = () => reject(signal.reason ?? new Error('The operation was aborted'));
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		return await Promise.race([work, aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

export const systemClock: Clock = {
	now: () => Date.now(),
	sleep: async (ms, signal) => await untilAborted(sleep(ms, signal), signal),
};
