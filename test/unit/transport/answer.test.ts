import { readEtaSeconds, readMessage, readRequestId, readStatus } from '../../../nodes/ModelsLab/transport/answer';

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
