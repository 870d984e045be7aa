import {
	LEARNING,
	ReadyTimeLearner,
	readyTimeLearner,
	readyTimesKey,
	readyTimesOf,
	readyWindow,
	useReadyTimeLearner,
} from '../../../nodes/ModelsLab/job/readyTimes';

const ETA = 10_000;
const job = (processingAt: number, readyBy: number) => ({ etaMs: ETA, processingAt, readyBy });

describe('readyWindow: where an account route\'s jobs were ready, as multiples of their eta', () => {
	it('knows nothing before 10 jobs', () => {
		expect(readyWindow(Array.from({ length: 9 }, () => job(5000, 6000)))).toBeUndefined();
		expect(readyWindow(Array.from({ length: 10 }, () => job(5000, 6000)))).toEqual({ from: 0.55, to: 0.6, median: 0.55, jobs: 10 });
	});

	it('starts where a tenth were ready (the middle of each job\'s last two fetches), ends where 95 % surely were', () => {
		// jobs ready between i s and i + 1 s, for i = 1 … 20
		const samples = Array.from({ length: 20 }, (_, i) => job((i + 1) * 1000, (i + 2) * 1000));
		// sorted middles 1.5 … 20.5 s: the 3rd (index 2) is 3.5 s, the 11th 11.5 s; sorted ready-by 2 … 21 s: the 20th is 21 s
		expect(readyWindow(samples)).toEqual({ from: 0.35, to: 2.1, median: 1.15, jobs: 20 });
	});

	it('reads a job found ready at the first fetch as ready a quarter before it, so the next plan starts earlier', () => {
		expect(readyWindow(Array.from({ length: 10 }, () => job(0, 8000)))).toEqual({ from: 0.6, to: 0.8, median: 0.6, jobs: 10 });
	});

	it('ignores jobs whose eta was 0', () => {
		const samples = [...Array.from({ length: 9 }, () => job(5000, 6000)), { etaMs: 0, processingAt: 1, readyBy: 2 }];
		expect(readyWindow(samples)).toBeUndefined();
	});
});

describe('ReadyTimeLearner', () => {
	it('keeps the newest 50 jobs of a route', () => {
		const learner = new ReadyTimeLearner();
		for (let i = 0; i < 60; i++) learner.record('route', job(i < 10 ? 1000 : 5000, i < 10 ? 2000 : 6000));
		// the 10 early jobs are forgotten
		expect(learner.window('route')).toEqual({ from: 0.55, to: 0.6, median: 0.55, jobs: LEARNING.keepJobs });
	});

	it('keeps 200 accounts × routes, forgetting the least recently used', () => {
		const learner = new ReadyTimeLearner();
		const fill = (key: string) => {
			for (let i = 0; i < 10; i++) learner.record(key, job(5000, 6000));
		};
		for (let k = 0; k < LEARNING.keepRoutes; k++) fill(`route-${k}`);
		learner.record('route-0', job(5000, 6000));
		fill('one-more');
		expect(learner.window('route-0')).toBeDefined();
		expect(learner.window('route-1')).toBeUndefined();
		expect(learner.window('one-more')).toBeDefined();
	});

	it('is keyed by a hash of the account and route, never the key', () => {
		const account = { secret: 'sk-secret-123', baseUrl: 'https://modelslab.com' };
		const key = readyTimesKey(account, '/api/v6/images/text2img');
		expect(key).toMatch(/^[0-9a-f]{64} \/api\/v6\/images\/text2img$/);
		expect(key).not.toContain('sk-secret-123');
		expect(readyTimesKey({ ...account, baseUrl: 'https://other.example' }, '/api/v6/images/text2img')).not.toBe(key);
	});

	it('is one per process, and a test can put a fresh one in place', () => {
		const account = { secret: 'sk', baseUrl: 'https://modelslab.com' };
		const before = readyTimeLearner();
		for (let i = 0; i < 10; i++) readyTimesOf(account, 'r').record(job(5000, 6000));
		expect(readyTimesOf(account, 'r').window()).toBeDefined();
		const fresh = useReadyTimeLearner();
		expect(fresh).not.toBe(before);
		expect(readyTimeLearner()).toBe(fresh);
		expect(readyTimesOf(account, 'r').window()).toBeUndefined();
	});
});
