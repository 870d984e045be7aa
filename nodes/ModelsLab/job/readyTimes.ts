/**
 * What this n8n process has seen of when jobs are really ready, against the eta their create gave, per
 * account (a hash of its key and base URL, never the key) and route. ModelsLab's etas are estimates: an
 * account's jobs on a route tend to finish at some typical fraction of them. Once enough jobs are known,
 * the wait fetches where that account's jobs are ready (job/waitForResult.ts) rather than where the eta
 * says; until then it keeps its eta schedule.
 *
 * A job is known by two fetch times: the last that found it processing and the one that found it ready;
 * it was ready between them, at the middle as far as the plan knows. A job ready at the first fetch says
 * only that it was ready by then, so it is read as a quarter earlier: the next plan starts earlier and
 * finds out how much.
 */
import { accountId } from '../api/context';

export const LEARNING = {
	/** Jobs of an account and route before their timings plan the wait. */
	minJobs: 10,
	/** The newest jobs kept per account and route. */
	keepJobs: 50,
	/** Accounts × routes kept; the least recently used is forgotten first. */
	keepRoutes: 200,
	/** The first fetch goes where this share of jobs was ready … */
	earlyQuantile: 0.1,
	/** … and short steps go on until this share was surely ready. */
	lateQuantile: 0.95,
	/** Where a job found ready at the first fetch is read to have been ready: this much of that fetch's time. */
	unseenEarlier: 0.75,
	/** The steps between the two: a quarter of the window, at least this long (the window is known), … */
	stepMinMs: 150,
	/** … at most this long, so a ready job waits little … */
	stepMaxMs: 800,
	windowSteps: 4,
	/** … unless the window would then take more fetches than this. */
	windowFetchesMax: 12,
	/**
	 * The learned plan replaces the eta schedule only where the eta is off: the jobs' median ready time is
	 * further than this from it. An eta that is right on the whole suits the eta schedule, which fetches less.
	 */
	etaOffBy: 0.1,
} as const;

/** One job the wait saw finish, in ms after its create's answer. */
interface ReadySample {
	/** The eta its create gave, in ms. */
	etaMs: number;
	/** The last fetch that found it processing; 0 when the first fetch found it ready. */
	processingAt: number;
	/** The fetch that found it ready. */
	readyBy: number;
}

/** Where jobs of an account and route have been ready, as multiples of their create's eta. */
export interface ReadyWindow {
	from: number;
	to: number;
	/** The middle: half of the jobs were ready by then. */
	median: number;
	/** The jobs it is learned from. */
	jobs: number;
}

function quantile(sorted: number[], q: number): number {
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * sorted.length)))];
}

/** When a job was ready, as far as its fetches tell: the middle of its last two, or a quarter before the first. */
function readyEstimate(sample: ReadySample): number {
	return sample.processingAt > 0 ? (sample.processingAt + sample.readyBy) / 2 : LEARNING.unseenEarlier * sample.readyBy;
}

/** The window the samples give, or undefined while there are fewer than `minJobs`. */
export function readyWindow(samples: readonly ReadySample[]): ReadyWindow | undefined {
	const usable = samples.filter((sample) => sample.etaMs > 0);
	if (usable.length < LEARNING.minJobs) return undefined;
	const earliest = usable.map((s) => readyEstimate(s) / s.etaMs).sort((a, b) => a - b);
	const latest = usable.map((s) => s.readyBy / s.etaMs).sort((a, b) => a - b);
	const from = quantile(earliest, LEARNING.earlyQuantile);
	return { from, to: Math.max(from, quantile(latest, LEARNING.lateQuantile)), median: quantile(earliest, 0.5), jobs: usable.length };
}

/** The learned timings of this process, bounded in accounts × routes and in jobs per route. */
export class ReadyTimeLearner {
	private readonly routes = new Map<string, ReadySample[]>();

	record(key: string, sample: ReadySample): void {
		const samples = this.routes.get(key) ?? [];
		samples.push(sample);
		if (samples.length > LEARNING.keepJobs) samples.splice(0, samples.length - LEARNING.keepJobs);
		// re-inserted: a Map keeps insertion order, so the first key is the least recently used
		this.routes.delete(key);
		this.routes.set(key, samples);
		while (this.routes.size > LEARNING.keepRoutes) this.routes.delete(this.routes.keys().next().value!);
	}

	window(key: string): ReadyWindow | undefined {
		const samples = this.routes.get(key);
		return samples ? readyWindow(samples) : undefined;
	}

}

let processLearner = new ReadyTimeLearner();

/** The process's learner; tests put a fresh one in place so that none sees another's history. */
export function readyTimeLearner(): ReadyTimeLearner {
	return processLearner;
}

export function useReadyTimeLearner(learner: ReadyTimeLearner = new ReadyTimeLearner()): ReadyTimeLearner {
	processLearner = learner;
	return learner;
}

/** The key of an account's route: the account's hash (never the key itself) and the route. */
export function readyTimesKey(account: { secret: string; baseUrl: string }, route: string): string {
	return `${accountId(account)} ${route}`;
}

/** What one wait learns from and plans with: its account and route's window, and where to record its job. */
export interface ReadyTimes {
	window(): ReadyWindow | undefined;
	record(sample: ReadySample): void;
}

export function readyTimesOf(account: { secret: string; baseUrl: string }, route: string, learner = readyTimeLearner()): ReadyTimes {
	const key = readyTimesKey(account, route);
	return { window: () => learner.window(key), record: (sample) => learner.record(key, sample) };
}
