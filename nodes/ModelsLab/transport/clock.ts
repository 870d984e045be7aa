import { sleep } from 'n8n-workflow';

/** Time, injected into every wait (polls, 429 waits, download retries) so tests can run it on a fake clock. */
export interface Clock {
	now(): number;
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
	now: () => Date.now(),
	sleep: async (ms, signal) => await sleep(ms, signal),
};
