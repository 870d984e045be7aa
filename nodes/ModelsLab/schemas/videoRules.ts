/** The rules of a video catalog model (catalogs/videos.ts): its zod schema and its create body, derived from its entry. */
import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';

import type { VideoModel } from '../catalogs/videos';
import { LIMITS } from './limits';
import { toApiFields } from './requestBody';
import type { ModelOptionValues } from './modelOptions';
import { modelOptionsSchema } from './modelOptions';
import { oneOf, text } from './rules';

export interface VideoParams {
	prompt: string;
	format?: string;
	duration?: string;
	resolution?: string;
	options: ModelOptionValues;
}

/** Durations are strings on the wire; one from an expression may be a number. */
const asText = (value: unknown) => (typeof value === 'number' ? String(value) : value);

export function videoSchema(model: VideoModel) {
	const listed = (values: readonly string[], what: string) =>
		z.preprocess(asText, oneOf(values as [string, ...string[]], `one of ${values.join(', ')} for ${model.name} (${what})`));
	const shape: Record<string, z.ZodTypeAny> = {
		prompt: text(LIMITS.promptLength.max).refine((value) => value.trim() !== '', 'is required'),
		options: modelOptionsSchema(model.options),
	};
	if (model.aspectRatios) shape.format = listed(model.aspectRatios, 'aspect ratios');
	if (model.durations) shape.duration = listed(model.durations, 'seconds');
	if (model.resolutions) shape.resolution = listed(model.resolutions, 'resolutions');
	return z.object(shape).strict();
}

/** A video model's create body from its validated fields, without the image. */
export function videoBody(model: VideoModel, params: VideoParams): IDataObject {
	return {
		model_id: model.id,
		prompt: params.prompt,
		...toApiFields({ aspectRatio: params.format, duration: params.duration, resolution: params.resolution, ...params.options }, 'boolean'),
	};
}
