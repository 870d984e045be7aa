import { z } from 'zod';

import { API_KINDS } from '../transport/apis';
import { LIMITS } from './limits';
import { flag, integerIn, numberIn, oneOf } from './rules';

/**
 * The node's own settings, each declared once: its default and range are read by its field, its
 * zod rule and the code that reads it when it is hidden.
 */
export const SETTINGS = {
	waitForCompletion: { default: true },
	/** Seconds. */
	maxWaitTime: { default: 300, min: 1, max: 3600 },
	output: { default: 'binary' },
	binaryPropertyName: { default: 'data' },
	/** MB per downloaded image. */
	maxImageSize: { default: 50, min: 0.01, max: 1024 },
	concurrency: { default: 5, min: 1, max: 50 },
} as const;

/**
 * How a job is waited for and output, validated like the request fields: an expression can hand
 * any value to these too, and a bad one must stop the item before anything is sent.
 */
export const jobSettingsSchema = z
	.object({
		waitForCompletion: flag,
		maxWaitTime: numberIn(SETTINGS.maxWaitTime),
		output: oneOf(['binary', 'urls'], 'binary or urls'),
		binaryPropertyName: z
			.string({ invalid_type_error: 'must be text' })
			.trim()
			.min(1, 'cannot be empty')
			.max(LIMITS.shortText.max, `must be at most ${LIMITS.shortText.max} characters`),
		maxImageSize: numberIn(SETTINGS.maxImageSize),
	})
	.strict();

/** Node-level: how many items run at once. */
export const concurrencySchema = z.object({ concurrency: integerIn(SETTINGS.concurrency) });

/** Fetch Result: which API created the job. */
export const fetchApiSchema = z.object({ api: oneOf(API_KINDS, API_KINDS.join(' or ')) });
