import { z } from 'zod';

import { API_KINDS } from '../api/apis';
import { LIMITS } from './limits';
import { flag, integerIn, numberIn, oneOf } from './rules';

/**
 * How a job is waited for and output, validated like the request fields: an expression can hand
 * any value to these too, and a bad one must stop the item before anything is sent.
 */
export const jobSettingsSchema = z
	.object({
		waitForCompletion: flag,
		maxWaitTime: numberIn(LIMITS.maxWaitTime),
		output: oneOf(['binary', 'urls'], 'binary or urls'),
		binaryPropertyName: z
			.string({ invalid_type_error: 'must be text' })
			.trim()
			.min(1, 'cannot be empty')
			.max(LIMITS.shortText.max, `must be at most ${LIMITS.shortText.max} characters`),
		// a sku from a sheet may be a number, an empty cell null; the name is cut to length later, not refused
		fileName: z
			.preprocess(
				(value) => (value === null ? '' : typeof value === 'number' && Number.isFinite(value) ? String(value) : value),
				z.string({ invalid_type_error: 'must be text, e.g. {{ $json.sku }}-story' }),
			)
			.default(''),
		maxImageSize: numberIn(LIMITS.maxImageSize),
		// only shown to AI Agent tools; other runs read it as off
		includeMetadata: flag.default(false),
	})
	.strict();

const proxyUrl = z
	.string({ invalid_type_error: 'must be a URL' })
	.trim()
	.refine((value) => {
		if (value === '') return true;
		try {
			const url = new URL(value);
			return /^https?:$/.test(url.protocol) && url.hostname !== '' && url.pathname.replace(/\/+$/, '') === '';
		} catch {
			return false;
		}
	}, 'must be an http(s) URL such as http://myproxy:3128 (with user:password@ if it needs them)')
	.transform((value) => (value === '' ? undefined : value));

/** n8n's Request Options (Settings), checked like every other field. */
export const requestOptionsSchema = z.object({
	requestOptions: z
		.object({
			timeout: integerIn(LIMITS.requestTimeout).optional(),
			proxy: proxyUrl.optional(),
			allowUnauthorizedCerts: flag.optional(),
		})
		.strict(),
});

/** Node-level: how many items run at once. */
export const concurrencySchema = z.object({ concurrency: integerIn(LIMITS.concurrency) });

/** Fetch Result: which API created the job. */
export const fetchApiSchema = z.object({ api: oneOf(API_KINDS, API_KINDS.join(' or ')) });
