/**
 * The fields of the v7 model operations, derived from the catalog (catalogs/images.ts): the Model
 * list, and each model's own fields shown for it alone. A field several models share (Format, Width,
 * Height, Samples) is one field per distinct rule, shown for the models that have that rule.
 */
import type { INodeProperties } from 'n8n-workflow';

import type { ImageModel, ModelDirection } from '../catalogs/images';
import type { ModelOption } from '../catalogs/modelOptions';
import { CUSTOM_FORMAT, FORMAT_PRESETS } from '../schemas/formats';
import { LIMITS, rangeText } from '../schemas/limits';
import { INPUT_FORMAT, formatsOf, ratioFor, referenceCountText } from '../schemas/modelRules';
import { optionsCollection } from './generationFields';

/** The Model choice that takes any model ID, with extra body fields: ModelsLab lists 50,000+ models. */
export const OTHER_MODEL = 'other';

/** Models grouped by what a shared field says of them (its rule), in catalog order. */
function groupBy(models: ImageModel[], key: (model: ImageModel) => string | undefined): Array<{ key: string; models: ImageModel[] }> {
	const groups: Array<{ key: string; models: ImageModel[] }> = [];
	for (const model of models) {
		const value = key(model);
		if (value === undefined) continue;
		const group = groups.find((candidate) => candidate.key === value);
		if (group) group.models.push(model);
		else groups.push({ key: value, models: [model] });
	}
	return groups;
}

const ids = (models: ImageModel[]) => models.map((model) => model.id);

function inputsText(model: ImageModel): string {
	const size =
		model.size.by === 'ratio'
			? `aspect ratio ${model.size.ratios === 'any' ? '(any)' : model.size.ratios.join(', ')}${model.size.required ? '' : ', optional'}`
			: model.size.by === 'pixels'
				? `width and height ${model.size.min}–${model.size.max}`
				: 'no size (Format is not shown)';
	const references = model.references ? `; ${referenceCountText(model)} reference image${model.references.max > 1 ? 's' : ''}` : '';
	return `model_id ${model.id}; ${size}${references}${model.samples ? `; 1–${model.samples.max} images` : ''}`;
}

/** The Model field: one option per catalog model, described by `describe`, then Other Model ID…. */
export function modelChoiceField<Model extends { id: string; name: string }>(models: Model[], describe: (model: Model) => string, kind: string): INodeProperties {
	const firstModel = models[0].id;
	return {
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: [
			...models.map((model) => ({ name: model.name, value: model.id, description: describe(model) })),
			{ name: 'Other Model ID…', value: OTHER_MODEL, description: `Any v7 ${kind} model by its ID, with extra body fields as JSON` },
		],
		default: firstModel,
		description: `The ModelsLab v7 ${kind} model (its model_id). Each model shows only the fields it takes.`,
	};
}

/** Other Model ID…: any model by its ID (a list searched with `searchListMethod`) and extra body fields. */
export function otherModelFields(searchListMethod: string): INodeProperties[] {
	return [
	{
		displayName: 'Model ID',
		name: 'otherModelId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		// checked by the node: a required field would block a Model set by an expression (n8n cannot tell it is hidden)
		displayOptions: { show: { model: [OTHER_MODEL] } },
		hint: 'The list searches ModelsLab\'s v7 models when your key can list them, else this node\'s catalog',
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod, searchable: true } },
			{ displayName: 'ID', name: 'id', type: 'string', placeholder: 'e.g. imagen-4' },
		],
	},
	{
		displayName: 'Extra Body (JSON)',
		name: 'extraBody',
		type: 'json',
		default: '{}',
		displayOptions: { show: { model: [OTHER_MODEL] } },
		description: 'Fields the model takes besides model_id and prompt, sent as they are, e.g. {"aspect_ratio": "9:16"}',
	},
	];
}

function formatOption(format: string, model: ImageModel) {
	if (format === INPUT_FORMAT) return { name: 'Same as Input', value: INPUT_FORMAT, description: 'Sends no aspect ratio: the output follows the input images' };
	if (format === CUSTOM_FORMAT) return { name: 'Custom', value: CUSTOM_FORMAT, description: 'Set the width and height yourself' };
	const preset = FORMAT_PRESETS.find((candidate) => candidate.value === format)!;
	const ratio = model.size.by === 'ratio' ? `aspect ratio ${ratioFor(model, preset.value)}` : `${preset.width} × ${preset.height}`;
	return { name: preset.displayName, value: preset.value, description: `Sends ${ratio}` };
}

function formatFields(models: ImageModel[]): INodeProperties[] {
	// one Format field per distinct set of formats and what they send
	const sent = (model: ImageModel) => (model.size.by === 'none' ? undefined : JSON.stringify(formatsOf(model).map((format) => formatOption(format, model))));
	return groupBy(models, sent).map(({ models: group }) => ({
		displayName: 'Format',
		name: 'format',
		type: 'options',
		options: formatsOf(group[0]).map((format) => formatOption(format, group[0])),
		default: 'square',
		displayOptions: { show: { model: ids(group) } },
		description: 'The output by social format: each model gets the nearest aspect ratio it offers in the same orientation',
	}));
}

function pixelFields(models: ImageModel[]): INodeProperties[] {
	const range = (model: ImageModel) => (model.size.by === 'pixels' ? `${model.size.min}-${model.size.max}` : undefined);
	return groupBy(models, range).flatMap(({ models: group }) => {
		const size = group[0].size as { min: number; max: number };
		return (['width', 'height'] as const).map((side) => ({
			displayName: side === 'width' ? 'Width' : 'Height',
			name: side,
			type: 'number' as const,
			typeOptions: { minValue: size.min, maxValue: size.max },
			default: 1024,
			displayOptions: { show: { model: ids(group), format: [CUSTOM_FORMAT] } },
			description: `Image ${side} in pixels, ${rangeText(size)}`,
		}));
	});
}

function samplesFields(models: ImageModel[]): INodeProperties[] {
	return groupBy(models, (model) => (model.samples ? String(model.samples.max) : undefined)).map(({ key, models: group }) => ({
		displayName: 'Images',
		name: 'samples',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: Number(key) },
		default: 1,
		displayOptions: { show: { model: ids(group) } },
		description: `How many images to make, 1–${key}`,
	}));
}

function referenceFields(models: ImageModel[]): INodeProperties[] {
	const takers = models.filter((model) => model.references);
	const limits = takers.map((model) => `${model.name.split(' (')[0]}: ${referenceCountText(model)}`).join('; ');
	return [
		{
			displayName: 'Image Source',
			name: 'imageSource',
			type: 'options',
			// a fixed choice: from an expression n8n would show, and require, the fields of every source
			noDataExpression: true,
			options: [
				{ name: 'Binary Files', value: 'binary', description: 'Files of the input item, uploaded to ModelsLab first (free)' },
				{ name: 'URLs', value: 'url', description: 'Links ModelsLab can fetch, passed on as they are' },
			],
			default: 'binary',
			description: `The reference images, in order: "image 1" in the prompt is the first. ${limits}.`,
		},
		{
			displayName: 'Input Binary Fields',
			name: 'inputBinaryFields',
			type: 'string',
			default: 'data',
			placeholder: 'data, logo, scene',
			displayOptions: { show: { imageSource: ['binary'] } },
			description: 'The item\'s binary fields holding the images, comma-separated, in order (PNG, JPEG or WebP, up to 5 MB each)',
		},
		{
			displayName: 'Image URLs',
			name: 'imageUrls',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			placeholder: 'https://example.com/product.png, https://example.com/scene.jpg',
			displayOptions: { show: { imageSource: ['url'] } },
			description: 'The images\' links, separated by commas or new lines, in order',
		},
	];
}

/** The required Prompt of a v7 operation. */
export function promptField(placeholder: string, description: string): INodeProperties {
	return { displayName: 'Prompt', name: 'prompt', type: 'string', typeOptions: { rows: 3 }, default: '', required: true, placeholder, description };
}

/** The options every v7 model takes. */
const SHARED_OPTIONS: INodeProperties[] = [
	{ displayName: 'Track ID', name: 'trackId', type: 'string', default: '', description: 'Your own ID, echoed back with the result (track_id)' },
	{ displayName: 'Webhook URL', name: 'webhook', type: 'string', default: '', description: 'ModelsLab also posts the result there when done (documented for v6; polling remains the fallback)' },
];

/** A model's own option, shown for the models that take it (`/model`: the node's Model field). */
function optionField(option: ModelOption, takenBy: string[]): INodeProperties {
	const field = { displayName: option.label, name: option.name, description: option.description, displayOptions: { show: { '/model': takenBy } } };
	return option.kind === 'boolean' ? { ...field, type: 'boolean', default: false } : { ...field, type: 'string', default: '', typeOptions: { rows: 2 } };
}

/**
 * Options: the shared ones, then each model's own (its catalog `options`), each shown for the models
 * that take it. n8n drops a hidden option's value, so a model gets only its own.
 */
export function optionsFields(models: ReadonlyArray<{ id: string; options?: readonly ModelOption[] }>): INodeProperties[] {
	const own = new Map<string, { option: ModelOption; takenBy: string[] }>();
	for (const model of models) {
		for (const option of model.options ?? []) {
			const entry = own.get(option.name) ?? { option, takenBy: [] };
			own.set(option.name, { ...entry, takenBy: [...entry.takenBy, model.id] });
		}
	}
	return [optionsCollection([...SHARED_OPTIONS, ...[...own.values()].map(({ option, takenBy }) => optionField(option, takenBy))])];
}

/** With a model from an expression n8n keeps every model's options: a row reads the shared ones and its model's own. */
export function ownOptions(options: unknown, model: { options?: readonly ModelOption[] }): unknown {
	if (!options || typeof options !== 'object' || Array.isArray(options)) return options;
	const taken = new Set([...SHARED_OPTIONS, ...(model.options ?? [])].map((option) => option.name));
	return Object.fromEntries(Object.entries(options).filter(([name]) => taken.has(name)));
}

/** Every field of a model operation on the models of one direction, in the editor's order. */
export function modelFields(direction: ModelDirection, models: ImageModel[]): INodeProperties[] {
	return [
		modelChoiceField(models, inputsText, 'image'),
		...otherModelFields('searchV7ImageModels'),
		...(direction === 'edit' ? referenceFields(models) : []),
		promptField(
			direction === 'edit' ? 'Place the product from image 1 into the scene of image 2' : 'A ceramic mug on a sunlit kitchen table',
			`What the image should show, ${rangeText({ min: 1, max: LIMITS.promptLength.max })} characters`,
		),
		...formatFields(models),
		...pixelFields(models),
		...samplesFields(models),
		...optionsFields(models),
	];
}
