/**
 * The rules of a catalog model (catalogs/images.ts), derived from its entry: which formats it takes,
 * the aspect ratio or pixel size each format sends, how many reference images it takes, and its
 * zod schema. Nothing here names a model: every rule comes from the entry.
 */
import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';

import type { ImageModel } from '../catalogs/images';
import { CUSTOM_FORMAT, FORMAT_PRESETS } from './formats';
import { LIMITS } from './limits';
import { toApiFields } from './requestBody';
import type { ModelOptionValues } from './modelOptions';
import { modelOptionsSchema } from './modelOptions';
import { integerIn, oneOf, text } from './rules';

/** Edit only: no aspect ratio is sent, so the output follows the input images. */
export const INPUT_FORMAT = 'input';

/** Each preset's aspect ratio, as ModelsLab writes ratios. */
const PRESET_RATIOS: Record<(typeof FORMAT_PRESETS)[number]['value'], string> = {
	square: '1:1',
	portrait: '4:5',
	story: '9:16',
	landscape: '16:9',
	linkPreview: '1.91:1',
	pin: '2:3',
};

function ratioValue(ratio: string): number {
	const [width, height] = ratio.split(':').map(Number);
	return width / height;
}

function orientation(value: number): number {
	return Math.sign(Math.round(Math.log(value) * 1000));
}

/**
 * The ratio a model gets for a preset: the preset's own where the model documents no list, else the
 * nearest one it offers in the same orientation (landscape, portrait or square), else the nearest.
 */
export function ratioFor(model: ImageModel, preset: keyof typeof PRESET_RATIOS): string | undefined {
	if (model.size.by !== 'ratio') return undefined;
	const wanted = PRESET_RATIOS[preset];
	if (model.size.ratios === 'any') return wanted;
	const target = ratioValue(wanted);
	const distance = (ratio: string) => Math.abs(Math.log(ratioValue(ratio)) - Math.log(target));
	const sameSide = model.size.ratios.filter((ratio) => orientation(ratioValue(ratio)) === orientation(target));
	const pool = sameSide.length ? sameSide : model.size.ratios;
	return [...pool].sort((a, b) => distance(a) - distance(b))[0];
}

/** The formats a model takes: every preset where it takes a size, Custom where it takes pixels, Same as Input where its ratio is optional. */
export function formatsOf(model: ImageModel): string[] {
	if (model.size.by === 'none') return [];
	const presets = FORMAT_PRESETS.map((preset) => preset.value as string);
	if (model.size.by === 'pixels') return [CUSTOM_FORMAT, ...presets];
	return model.direction === 'edit' && !model.size.required ? [INPUT_FORMAT, ...presets] : presets;
}

/** What a model's create body gets for a format: `aspect_ratio`, `width` and `height`, or nothing. */
function sizeFields(model: ImageModel, format: string | undefined, custom: { width?: number; height?: number }) {
	const preset = FORMAT_PRESETS.find((candidate) => candidate.value === format);
	if (model.size.by === 'pixels') return preset ? { width: preset.width, height: preset.height } : { width: custom.width, height: custom.height };
	if (model.size.by === 'ratio' && preset) return { aspectRatio: ratioFor(model, preset.value) };
	return {};
}

/** The validated fields of one item for one model. */
export interface ModelParams {
	prompt: string;
	format?: string;
	width?: number;
	height?: number;
	samples?: number;
	options: ModelOptionValues;
}


/** The zod schema of one model's fields, named after the model in every message. */
export function modelSchema(model: ImageModel) {
	const formats = formatsOf(model);
	const formatText = (allowed: string[]) => `one of ${allowed.join(', ')} for ${model.name}`;
	const shape: Record<string, z.ZodTypeAny> = {
		prompt: text(LIMITS.promptLength.max).refine((value) => value.trim() !== '', 'is required'),
		options: modelOptionsSchema(model.options),
	};
	if (formats.length) shape.format = oneOf(formats as [string, ...string[]], formatText(formats));
	if (model.size.by === 'pixels') {
		const range = { min: model.size.min, max: model.size.max };
		shape.width = integerIn(range).optional();
		shape.height = integerIn(range).optional();
	}
	if (model.samples) shape.samples = integerIn({ min: 1, max: model.samples.max });
	return z
		.object(shape)
		.strict()
		.superRefine((params: Record<string, unknown>, ctx) => {
			if (params.format === CUSTOM_FORMAT) {
				for (const side of ['width', 'height']) {
					if (params[side] === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [side], message: `is required with Format Custom for ${model.name}` });
				}
			}
		}) as unknown as z.ZodType<ModelParams>;
}

/** How many reference images a model takes, in words for errors. */
export function referenceCountText(model: ImageModel): string {
	const { min, max } = model.references ?? { min: 0, max: 0 };
	if (min === max) return `exactly ${min}`;
	return min > 1 ? `${min} to ${max}` : `up to ${max}`;
}

/** A catalog model's create body from its validated fields, without the reference images. */
export function modelBody(model: ImageModel, params: ModelParams): IDataObject {
	const samples = model.samples && params.samples !== undefined ? { samples: model.samples.wire === 'string' ? String(params.samples) : params.samples } : {};
	return {
		model_id: model.id,
		prompt: params.prompt,
		...toApiFields({ ...sizeFields(model, params.format, params), ...params.options }, 'boolean'),
		...samples,
	};
}
