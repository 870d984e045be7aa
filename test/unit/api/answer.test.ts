import {
	comeBackLater,
	describeStatus,
	isNotFound,
	readEtaSeconds,
	readFetchLinkId,
	readLinks,
	readMessage,
	readNumber,
	readRequestId,
	readStatus,
	secondsInText,
} from '../../../nodes/ModelsLab/api/answer';

describe('API answers', () => {
	it('reads message and messege, strings and field objects', () => {
		expect(readMessage({ message: 'Invalid API key' })).toBe('Invalid API key');
		expect(readMessage({ messege: 'Try to fetch request after seconds estimated' })).toBe(
			'Try to fetch request after seconds estimated',
		);
		expect(readMessage({ messege: { width: ['The width must not be greater than 1024.'], prompt: ['required'] } })).toBe(
			'width: The width must not be greater than 1024.; prompt: required',
		);
		expect(readMessage({ status: 'error' })).toBe('');
	});

	it('reads statuses, ids and etas leniently', () => {
		expect(readStatus({ status: 'Success' })).toBe('success');
		expect(readStatus({ status: 'queued' })).toBeUndefined();
		expect(readRequestId({ id: 13441520 })).toBe('13441520');
		expect(readRequestId({ request_id: 'abc' })).toBe('abc');
		expect(readEtaSeconds({ eta: '35' })).toBe(35);
		expect(readEtaSeconds({ eta: 'soon' })).toBeUndefined();
	});
});

describe('answers in the shapes the live API has given (issue 12)', () => {
	it('ids: integers and id-like strings; "", null, objects, floats and negatives are none', () => {
		expect([13441520, 2 ** 32 + 7, '13441520', ' 7 '].map((id) => readRequestId({ id }))).toEqual([
			'13441520',
			'4294967303',
			'13441520',
			'7',
		]);
		expect(['', null, { id: 1 }, 1.5, -1, 'a b', undefined].map((id) => readRequestId({ id }))).toEqual(Array(7).fill(undefined));
		expect(readFetchLinkId({ fetch_result: 'https://modelslab.com/api/v6/images/fetch/123' })).toBe('123');
		expect(readFetchLinkId({ fetch_result: 'https://modelslab.com/api/v6/images/fetch' })).toBeUndefined();
	});

	it('links: a list, one string, an object {"0": url}; "", null and non-strings are none', () => {
		expect(readLinks(['a', 1, '', 'b'])).toEqual(['a', 'b']);
		expect(readLinks('https://x/a.png')).toEqual(['https://x/a.png']);
		expect(readLinks({ 0: 'https://x/a.png', 1: 'https://x/b.png' })).toEqual(['https://x/a.png', 'https://x/b.png']);
		expect([readLinks(''), readLinks(null), readLinks(undefined), readLinks(7)]).toEqual([[], [], [], []]);
	});

	it('statuses outside the four are none, and are described cut short', () => {
		expect([{ code: 1 }, ['success'], 200, undefined].map((status) => readStatus({ status }))).toEqual(Array(4).fill(undefined));
		expect(describeStatus({ status: { code: 1 } })).toBe('{"code":1}');
		expect(describeStatus({})).toBe('no status');
		expect(describeStatus({ status: 'x'.repeat(100) })).toHaveLength(60);
	});

	it('"Request not found" as failed or error, in either spelling', () => {
		expect(isNotFound({ status: 'failed', id: '', message: 'Request not found', output: '' })).toBe(true);
		expect(isNotFound({ status: 'error', messege: 'Request not found' })).toBe(true);
		expect(isNotFound({ status: 'failed', message: 'Failed, Try Again' })).toBe(false);
		expect(isNotFound({ status: 'processing', message: 'Request not found' })).toBe(false);
	});

	it('refusals that say when to come back: retry_after, seconds or minutes in message or tips', () => {
		const spam = 'you are sending same request multiple times, spam filter is enabled, please wait for 30 seconds and try again';
		expect(comeBackLater({ status: 'error', message: 'Rate limit exceeded', tips: spam })).toEqual({ seconds: 30 });
		expect(comeBackLater({ status: 'error', message: 'Rate limit exceeded' })).toEqual({ seconds: undefined });
		expect(comeBackLater({ status: 'error', message: 'Busy', retry_after: '12' })).toEqual({ seconds: 12 });
		expect(comeBackLater({ status: 'error', messege: 'Too many requests, retry in 2 minutes' })).toEqual({ seconds: 120 });
		expect(comeBackLater({ status: 'error', message: 'Invalid API Request', tip: '1. Make sure …' })).toBe(false);
		expect(comeBackLater({ status: 'error', messege: { width: ['The width must be a number.'] } })).toBe(false);
		expect(comeBackLater({ status: 'failed', message: 'Rate limit exceeded' })).toBe(false);
		expect(secondsInText('Maximum 5 queued requests allowed.')).toBeUndefined();
	});

	it('numbers that may come as strings or not at all', () => {
		expect([1.91, '1.91', '', null, 'fast', undefined].map(readNumber)).toEqual([1.91, 1.91, null, null, null, null]);
	});
});
