/**
 * The zod building blocks every schema is made of. They read what n8n hands the node (UI values or
 * expression results, so numbers may arrive as strings and flags as "yes"/"no"), and their messages
 * complete "<field label> …", as the parameter validation prints them.
 */
import { z } from 'zod';

import { rangeText } from './limits';

type Range = { min: number; max: number };

/** Numeric strings from expressions ("512") count as numbers; anything else is left for zod to refuse. */
export function toNumber(value: unknown): unknown {
	if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
		return Number(value);
	}
	return value;
}

const rangeMessage = (limit: Range) => `must be between ${limit.min} and ${limit.max}`;

export const numberIn = (limit: Range) =>
	z.preprocess(
		toNumber,
		z
			.number({ invalid_type_error: `must be a number (${rangeText(limit)})` })
			.finite(`must be a number (${rangeText(limit)})`)
			.min(limit.min, rangeMessage(limit))
			.max(limit.max, rangeMessage(limit)),
	);

export const integerIn = (limit: Range) =>
	z.preprocess(
		toNumber,
		z
			.number({ invalid_type_error: `must be a whole number (${rangeText(limit)})` })
			.int(`must be a whole number (${rangeText(limit)})`)
			.min(limit.min, rangeMessage(limit))
			.max(limit.max, rangeMessage(limit)),
	);

export const flag = z.preprocess(
	(value) => {
		if (value === 'yes' || value === 'true') return true;
		if (value === 'no' || value === 'false') return false;
		return value;
	},
	z.boolean({ invalid_type_error: 'must be true/false or "yes"/"no"' }),
);

export const text = (max: number) =>
	z.string({ invalid_type_error: 'must be text' }).max(max, `must be at most ${max} characters`);

export const oneOf = <T extends [string, ...string[]]>(values: readonly [...T], allowed: string) =>
	z.enum(values as T, { errorMap: () => ({ message: `must be ${allowed}` }) });

export const httpUrl = z
	.string({ invalid_type_error: 'must be a URL' })
	.trim()
	.refine((value) => /^https?:\/\/[^\s]+$/i.test(value), 'must be an http(s) URL');

/** A value cut short for a message: an expression can yield a megabyte. */
export function shorten(text: string): string {
	return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
