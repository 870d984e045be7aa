/** The Options of a v7 model: the shared Track ID and Webhook URL, and the model's own (its catalog `options`). */
import { z } from 'zod';

import type { ModelOption } from '../catalogs/modelOptions';
import { LIMITS } from './limits';
import { httpUrl, text } from './rules';

export type ModelOptionValues = { webhook?: string; trackId?: string } & Record<string, string | boolean | undefined>;

export function modelOptionsSchema(options: readonly ModelOption[] = []) {
	const own = Object.fromEntries(options.map((option) => [option.name, option.kind === 'boolean' ? z.boolean({ invalid_type_error: 'must be true or false' }) : text(option.maxLength)]));
	return z
		.object({ webhook: httpUrl, trackId: text(LIMITS.shortText.max), ...own })
		.partial()
		.strict()
		.default({});
}
