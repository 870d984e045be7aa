import { sanitizeMeta } from '../../../nodes/ModelsLab/api/redact';

describe('redaction', () => {
	it('strips secrets from meta: key-like fields and any value holding the key', () => {
		expect(
			sanitizeMeta({ seed: 1, key: 'k', api_key: 'k', prompt: 'p', webhook: 'https://x/?k=SECRET-123' }, 'SECRET-123'),
		).toEqual({ seed: 1, prompt: 'p' });
		expect(sanitizeMeta(null)).toEqual({});
	});
});
