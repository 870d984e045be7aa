import type { IExecuteFunctions, INode } from 'n8n-workflow';

import type { RememberedJob } from '../../../nodes/ModelsLab/job/retryMemory';
import { RetryMemory, endOfTry, itemMemory, retentionMs } from '../../../nodes/ModelsLab/job/retryMemory';

const JOB: RememberedJob = { kind: 'accepted', requestId: '13441520', finished: true };
const ACCOUNT = { secret: 'the-secret-key', baseUrl: 'https://modelslab.com' };

describe('retentionMs: every try n8n may still make, each as long as it can take', () => {
	it.each([
		[{ maxTries: 2, waitBetweenTries: 0 }, 300, 2 * (300_000 + 1000 + 5000)],
		[{ maxTries: 5, waitBetweenTries: 5000 }, 60, 5 * (60_000 + 5000 + 5000)],
		// n8n's own bounds: 2 to 5 tries (3 when unset), at most 5 s between them (1 s when unset or 0)
		[{}, 10, 3 * (10_000 + 1000 + 5000)],
		[{ maxTries: 9, waitBetweenTries: 60_000 }, 1, 5 * (1000 + 5000 + 5000)],
		[{ maxTries: 1 }, 1, 2 * (1000 + 1000 + 5000)],
	])('%j with Max Wait Time %i s: %i ms', (node, maxWait, expected) => {
		expect(retentionMs(node, maxWait)).toBe(expected);
	});
});

describe('RetryMemory', () => {
	let now = 0;
	const clock = () => now;
	beforeEach(() => {
		now = 1_000_000;
	});

	it('keeps an entry for its retention after its last update, then forgets it', () => {
		const memory = new RetryMemory(10, clock);
		memory.remember('a', JOB, 1000);
		now += 999;
		expect(memory.recall('a')).toEqual(JOB);
		memory.remember('a', { ...JOB, finished: false }, 1000);
		now += 999;
		expect(memory.recall('a')).toEqual({ ...JOB, finished: false });
		now += 1;
		expect(memory.recall('a')).toBeUndefined();
		expect(memory.size).toBe(0);
	});

	it('holds at most maxEntries: the stalest go first, expired ones before them', () => {
		const memory = new RetryMemory(3, clock);
		memory.remember('a', JOB, 10_000);
		memory.remember('b', JOB, 10_000);
		memory.remember('c', JOB, 10_000);
		memory.remember('a', JOB, 10_000); // updated: now the freshest
		memory.remember('d', JOB, 10_000);
		expect(memory.size).toBe(3);
		expect(['a', 'b', 'c', 'd'].map((key) => memory.recall(key) !== undefined)).toEqual([true, false, true, true]);
		now += 20_000;
		memory.remember('e', JOB, 10_000);
		expect(memory.size).toBe(1);
	});

	it('refreshRun: the live entries of that run live their retention again from now; other runs and expired entries do not', () => {
		const memory = new RetryMemory(10, clock);
		memory.remember('first row', JOB, 1000, 'run A');
		memory.remember('other run', JOB, 1000, 'run B');
		memory.remember('gone', JOB, 100, 'run A');
		now += 900; // a long try: the first row's entry is close to its end, 'gone' has expired
		memory.refreshRun('run A');
		now += 900;
		expect(memory.recall('first row')).toEqual(JOB);
		expect(memory.recall('other run')).toBeUndefined();
		expect(memory.recall('gone')).toBeUndefined();
		now += 100;
		expect(memory.recall('first row')).toBeUndefined();
	});

	it('forget removes an entry', () => {
		const memory = new RetryMemory(3, clock);
		memory.remember('a', JOB, 10_000);
		memory.forget('a');
		expect(memory.recall('a')).toBeUndefined();
	});
});

describe('itemMemory: the key of an item', () => {
	function context(node: Partial<INode>, { executionId = '41', runIndex = 0 } = {}): IExecuteFunctions {
		return {
			getNode: () => ({ id: 'node-1', retryOnFail: true, ...node }) as INode,
			getExecutionId: () => executionId,
			getWorkflowDataProxy: () => ({ $runIndex: runIndex }),
		} as unknown as IExecuteFunctions;
	}
	const remembered = (memory: RetryMemory, ctx: IExecuteFunctions, identity: unknown, itemIndex = 0, account = ACCOUNT) =>
		itemMemory.call(ctx, itemIndex, account, 300, identity, memory)?.recall();

	it('is none without Retry On Fail: nothing can run the node again with the same run index', () => {
		expect(itemMemory.call(context({ retryOnFail: false }), 0, ACCOUNT, 300, ['text2img'])).toBeUndefined();
	});

	it('finds the item again only for the same execution, node, run, item, account and parameters', () => {
		const memory = new RetryMemory(100);
		const identity = ['text2img', { prompt: 'a mug' }, [Buffer.from('file bytes')]];
		itemMemory.call(context({}), 0, ACCOUNT, 300, identity, memory)!.remember(JOB);

		expect(remembered(memory, context({}), ['text2img', { prompt: 'a mug' }, [Buffer.from('file bytes')]])).toEqual(JOB);
		expect(remembered(memory, context({}, { executionId: '42' }), identity)).toBeUndefined();
		expect(remembered(memory, context({ id: 'node-2' }), identity)).toBeUndefined();
		expect(remembered(memory, context({}, { runIndex: 1 }), identity)).toBeUndefined();
		expect(remembered(memory, context({}), identity, 1)).toBeUndefined();
		expect(remembered(memory, context({}), identity, 0, { ...ACCOUNT, secret: 'another-key' })).toBeUndefined();
		expect(remembered(memory, context({}), ['text2img', { prompt: 'a cup' }, [Buffer.from('file bytes')]])).toBeUndefined();
		// a file counts by its bytes
		expect(remembered(memory, context({}), ['text2img', { prompt: 'a mug' }, [Buffer.from('other bytes')]])).toBeUndefined();
	});
});

describe('endOfTry: a big batch\'s first rows outlive a try longer than their retention', () => {
	const context = (node: Partial<INode>) =>
		({
			getNode: () => ({ id: 'node-1', retryOnFail: true, maxTries: 2, waitBetweenTries: 0, ...node }) as INode,
			getExecutionId: () => '41',
			getWorkflowDataProxy: () => ({ $runIndex: 0 }),
		}) as unknown as IExecuteFunctions;

	it('refreshes the run\'s items when the node\'s try ends', () => {
		let now = 0;
		const memory = new RetryMemory(100, () => now);
		const ctx = context({});
		const retention = retentionMs(ctx.getNode(), 1); // 2 × (1 s + 1 s + 5 s)
		itemMemory.call(ctx, 0, ACCOUNT, 1, ['text2img', 'row 1'], memory)!.remember(JOB);
		now += retention - 1; // the rest of the batch took almost the whole retention
		endOfTry.call(ctx, memory);
		now += retention - 1; // n8n's next try reaches row 1 late too
		expect(itemMemory.call(ctx, 0, ACCOUNT, 1, ['text2img', 'row 1'], memory)!.recall()).toEqual(JOB);
		now += 1;
		expect(itemMemory.call(ctx, 0, ACCOUNT, 1, ['text2img', 'row 1'], memory)!.recall()).toBeUndefined();
	});

	it('does nothing without Retry On Fail', () => {
		const memory = new RetryMemory(100);
		const refresh = jest.spyOn(memory, 'refreshRun');
		endOfTry.call(context({ retryOnFail: false }), memory);
		expect(refresh).not.toHaveBeenCalled();
	});
});
