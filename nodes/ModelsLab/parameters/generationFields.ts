/**
 * The one factory for the generation fields (Text to Image, Enterprise Text to Image, Image to
 * Image and Inpaint) and the image inputs every editing operation shares. Field names are typed
 * against the zod schemas, so a field the schema does not know cannot be added here. Each
 * endpoint's differences are the `variant` branches below and nothing else.
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { CUSTOM_FORMAT, FORMAT_PRESETS } from '../schemas/formats';
import type { ImageInputFieldName, ImageInputName, Img2imgTopLevelField } from '../schemas/imageEditing';
import { IMAGE_INPUTS, img2imgOptionsSchema } from '../schemas/imageEditing';
import {
	ALGORITHM_TYPES,
	ENTERPRISE_STEPS,
	IMG2IMG_ALGORITHM_TYPES,
	LIMITS,
	SAFETY_CHECKER_TYPES,
	SCHEDULERS,
	rangeText,
} from '../schemas/limits';
import type { OptionName, TopLevelField } from '../schemas/text2img';

/** Text to Image on v6, on enterprise servers, or Image to Image / Inpaint (v6, an image in). */
type GenerationVariant = 'standard' | 'enterprise' | 'img2img';

type Field<Name extends string> = INodeProperties & { name: Name };

const topLevel = <Name extends TopLevelField | Img2imgTopLevelField>(field: Field<Name>) => field;
const imageInput = <Name extends ImageInputFieldName>(field: Field<Name>) => field;
const option = <Name extends OptionName>(field: Field<Name>) => field;

const toOptions = (values: readonly string[]): INodePropertyOptions[] =>
	values.map((value) => ({ name: value, value }));

const numberRange = (limit: { min: number; max: number }, numberPrecision?: number) => ({
	minValue: limit.min,
	maxValue: limit.max,
	...(numberPrecision === undefined ? {} : { numberPrecision }),
});

const MODEL_DESCRIPTIONS: Record<GenerationVariant, string> = {
	standard: 'The model to generate with, e.g. "flux" or "sdxl", or one of your own models',
	enterprise: 'The model your enterprise server runs: a public model or one you trained',
	img2img: 'The model to edit with: one of your account\'s models, e.g. "sdxl" or "realistic-vision-v51"',
};

function modelIdField(variant: GenerationVariant): INodeProperties {
	// the standard API runs flux by default; enterprise servers run whatever model you deployed, and
	// img2img/inpaint need one of the account's models
	const required = variant !== 'standard';
	const modelDefault = required ? { mode: 'list', value: '' } : { mode: 'id', value: 'flux' };
	return topLevel({
		displayName: 'Model',
		name: 'modelId',
		type: 'resourceLocator',
		default: modelDefault,
		required,
		description: MODEL_DESCRIPTIONS[variant],
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchModels', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'flux',
			},
		],
	});
}

function stepsOption(variant: GenerationVariant): INodeProperties {
	if (variant === 'enterprise') {
		return option({
			displayName: 'Inference Steps',
			name: 'numInferenceSteps',
			type: 'options',
			options: ENTERPRISE_STEPS.map((steps) => ({ name: String(steps), value: steps })),
			default: 21,
			description: `Denoising steps. Enterprise servers accept only ${ENTERPRISE_STEPS.join(', ')}. Default: 21.`,
		});
	}
	return option({
		displayName: 'Inference Steps',
		name: 'numInferenceSteps',
		type: 'number',
		typeOptions: numberRange(LIMITS.numInferenceSteps),
		default: 30,
		description: `Denoising steps, ${rangeText(LIMITS.numInferenceSteps)}. More steps add detail and time; flux on v6 caps at 20. Default: 30.`,
	});
}

/** The v6 text2img endpoint's flux knobs; the enterprise and image-input endpoints have none. */
function fluxOptions(variant: GenerationVariant): INodeProperties[] {
	if (variant !== 'standard') return [];
	return [
		option({
			displayName: 'Flux: Injected Noise Alpha',
			name: 'injectedNoiseAlpha',
			type: 'number',
			typeOptions: numberRange(LIMITS.injectedNoiseAlpha, 2),
			default: 0.75,
			description: `How much noise is injected: keeps structure (low) or adds variety (high), ${rangeText(LIMITS.injectedNoiseAlpha)}. Default: 0.75.`,
		}),
		option({
			displayName: 'Flux: Sigma Threshold',
			name: 'sigmaThreshold',
			type: 'number',
			typeOptions: numberRange(LIMITS.sigmaThreshold, 2),
			default: 0.45,
			description: `Noise level at which sampling changes behaviour, ${rangeText(LIMITS.sigmaThreshold)}. Default: 0.45.`,
		}),
		option({
			displayName: 'Flux: True CFG Scale',
			name: 'trueCfgScale',
			type: 'number',
			typeOptions: numberRange(LIMITS.trueCfgScale, 2),
			default: 1,
			description: `Effective classifier-free guidance, ${rangeText(LIMITS.trueCfgScale)}. Default: 1.`,
		}),
		option({
			displayName: 'Flux: Use CFG Zero Star',
			name: 'useCfgZeroStar',
			type: 'boolean',
			default: true,
			description: 'Whether to use the zero-CFG variant, which reduces some artifacts (sent as use_cfg_zero_star "yes"/"no"; API default: yes)',
		}),
		option({
			displayName: 'Flux: Use Zero Init',
			name: 'useZeroInit',
			type: 'boolean',
			default: false,
			description: 'Whether to start diffusion from zeros instead of random noise (API default: no)',
		}),
		option({
			displayName: 'Flux: Zero Steps',
			name: 'zeroSteps',
			type: 'number',
			typeOptions: numberRange(LIMITS.zeroSteps),
			default: 0,
			description: 'Initial steps that use zero init (with Use Zero Init), from 0 up to the step count. Default: 0.',
		}),
	];
}

function generationOptions(variant: GenerationVariant): INodeProperties[] {
	const options: INodeProperties[] = [
		stepsOption(variant),
		option({
			displayName: 'Guidance Scale',
			name: 'guidanceScale',
			type: 'number',
			typeOptions: numberRange(LIMITS.guidanceScale, 1),
			default: 7.5,
			description: `How closely the image follows the prompt, ${rangeText(LIMITS.guidanceScale)}. Default: 7.5.`,
		}),
		option({
			displayName: 'Seed',
			name: 'seed',
			type: 'number',
			typeOptions: { minValue: -1, maxValue: LIMITS.seed.max },
			default: -1,
			description: `Same seed and prompt give the same image, ${rangeText(LIMITS.seed)}. -1 (or leaving the option out) picks a random seed.`,
		}),
		option({
			displayName: 'Scheduler',
			name: 'scheduler',
			type: 'options',
			options: toOptions(SCHEDULERS),
			default: 'UniPCMultistepScheduler',
			description: 'The diffusion scheduler (sampler)',
		}),
		option({
			displayName: 'Safety Checker',
			name: 'safetyChecker',
			type: 'boolean',
			default: true,
			description: 'Whether NSFW images are replaced with a blank image (API default: yes)',
		}),
		option({
			displayName: 'Safety Checker Type',
			name: 'safetyCheckerType',
			type: 'options',
			options: toOptions(SAFETY_CHECKER_TYPES),
			default: 'sensitive_content_text',
			description: 'What happens to an image flagged as NSFW. Default: sensitive_content_text.',
		}),
		option({
			displayName: 'Enhance Prompt',
			name: 'enhancePrompt',
			type: 'boolean',
			default: true,
			description: 'Whether ModelsLab enriches the prompt (API default: yes)',
		}),
		option({
			displayName: 'LoRAs',
			name: 'loras',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			default: {},
			placeholder: 'Add LoRA',
			description:
				'LoRA models and their strengths, sent as comma-separated lora_model and lora_strength',
			options: [
				{
					displayName: 'LoRA',
					name: 'lora',
					values: [
						{
							displayName: 'Model ID',
							name: 'model',
							type: 'string',
							default: '',
							placeholder: 'more_details',
							description: 'LoRA model ID (comma-separated IDs need as many comma-separated strengths)',
						},
						{
							displayName: 'Strength',
							name: 'strength',
							type: 'number',
							typeOptions: numberRange(LIMITS.loraStrength, 2),
							default: 1,
							description: `LoRA weight, ${rangeText(LIMITS.loraStrength)}`,
						},
					],
				},
			],
		}),
		option({
			displayName: 'Clip Skip',
			name: 'clipSkip',
			type: 'number',
			typeOptions: numberRange(LIMITS.clipSkip),
			default: 2,
			description: `CLIP layers to skip, ${rangeText(LIMITS.clipSkip)}`,
		}),
		option({
			displayName: 'ToMe SD',
			name: 'tomesd',
			type: 'boolean',
			default: true,
			description: 'Whether to use token merging (ToMe) for faster generation (API default: yes)',
		}),
		option({
			displayName: 'Use Karras Sigmas',
			name: 'useKarrasSigmas',
			type: 'boolean',
			default: true,
			description: 'Whether to use the Karras noise schedule (API default: yes)',
		}),
		option({
			displayName: 'VAE',
			name: 'vae',
			type: 'string',
			default: '',
			description: 'Custom VAE model ID. Leave out to use the model default.',
		}),
		option({
			displayName: 'Panorama',
			name: 'panorama',
			type: 'boolean',
			default: false,
			description: 'Whether to generate a panorama image (API default: no)',
		}),
		option({
			displayName: 'Self Attention',
			name: 'selfAttention',
			type: 'boolean',
			default: false,
			description: 'Whether to use self-attention: higher quality, slower (API default: no)',
		}),
		option({
			displayName: 'Upscale',
			name: 'upscale',
			type: 'boolean',
			default: false,
			description: 'Whether to upscale the result 2× (API default: no)',
		}),
		option({
			displayName: 'Highres Fix',
			name: 'highresFix',
			type: 'boolean',
			default: false,
			description: 'Whether to apply the high-resolution fix (API default: no)',
		}),
		option({
			displayName: 'Algorithm Type',
			name: 'algorithmType',
			type: 'options',
			options: toOptions(variant === 'img2img' ? IMG2IMG_ALGORITHM_TYPES : ALGORITHM_TYPES),
			default: 'none',
			description: 'Algorithm of DPMSolverMultistepScheduler. Default: none.',
		}),
		option({
			displayName: 'Temporary Links',
			name: 'temp',
			type: 'boolean',
			default: false,
			description: 'Whether to get temporary image links that expire after 24 hours (API default: no)',
		}),
		option({
			displayName: 'Webhook URL',
			name: 'webhook',
			type: 'string',
			default: '',
			placeholder: 'https://example.com/modelslab-done',
			description:
				'ModelsLab POSTs the result here when the job finishes (e.g. a Wait node\'s resume URL)',
		}),
		option({
			displayName: 'Track ID',
			name: 'trackId',
			type: 'string',
			default: '',
			description: 'Your own ID, echoed back in the webhook call',
		}),
		option({
			displayName: 'Base64 Response',
			name: 'base64',
			type: 'boolean',
			default: false,
			description:
				variant === 'img2img'
					? 'Whether to send a binary input image inline as base64, which makes the answer base64 too (the node decodes it into binary files). Default for binary input: on; off uploads the image first and gets links back.'
					: 'Whether to ask for base64 image data instead of links; the node decodes it into binary files either way (API default: no)',
		}),
		...fluxOptions(variant),
	];
	if (variant !== 'img2img') return options;
	// the options images/img2img and images/inpaint document
	const documented = new Set(Object.keys(img2imgOptionsSchema.shape));
	return options.filter((property) => documented.has(property.name));
}

/** How far the result may move from the input image (Image to Image, Inpaint). */
const strengthField = topLevel({
	displayName: 'Strength',
	name: 'strength',
	type: 'number',
	typeOptions: numberRange(LIMITS.strength, 2),
	default: 0.7,
	description: `How much the input image may change, ${rangeText(LIMITS.strength)}: 0 keeps it, 1 ignores it. Default: 0.7.`,
});

/** Format: a social format's size, or Custom for the Width and Height fields (shown only then). */
export function formatField(what: 'image' | 'canvas'): Field<'format'> {
	return {
		displayName: 'Format',
		name: 'format',
		type: 'options',
		options: [
			{ name: 'Custom', value: CUSTOM_FORMAT, description: `Set the ${what}'s width and height yourself` },
			...FORMAT_PRESETS.map((preset) => ({
				name: preset.displayName,
				value: preset.value,
				description: `${preset.width} × ${preset.height}, for ${preset.platformSize} (Upscale ×2, then resize)`,
			})),
		],
		default: CUSTOM_FORMAT,
		description: `The ${what}'s size by social format, or Custom to set width and height`,
	};
}

/** Width and Height of Text to Image; Outpaint's canvas has its own. */
const DEFAULT_DIMENSION = 512;

/** Width and Height count only for the Custom format. */
export const forCustomFormat = { show: { format: [CUSTOM_FORMAT] } };

function sizeFields(variant: GenerationVariant): INodeProperties[] {
	// the output of an image-input route has the input's size
	if (variant === 'img2img') return [strengthField];
	return [
		topLevel(formatField('image')),
		topLevel({
			displayName: 'Width',
			name: 'width',
			type: 'number',
			typeOptions: numberRange(LIMITS.dimension),
			default: DEFAULT_DIMENSION,
			displayOptions: forCustomFormat,
			description: `Image width in pixels, ${rangeText(LIMITS.dimension)}`,
		}),
		topLevel({
			displayName: 'Height',
			name: 'height',
			type: 'number',
			typeOptions: numberRange(LIMITS.dimension),
			default: DEFAULT_DIMENSION,
			displayOptions: forCustomFormat,
			description: `Image height in pixels, ${rangeText(LIMITS.dimension)}`,
		}),
	];
}

export function generationFields(variant: GenerationVariant): INodeProperties[] {
	return [
		modelIdField(variant),
		topLevel({
			displayName: 'Prompt',
			name: 'prompt',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			required: true,
			placeholder: 'A golden retriever puppy in autumn leaves, soft natural light',
			description: `What the image should show (up to ${LIMITS.promptLength.max} characters)`,
		}),
		topLevel({
			displayName: 'Negative Prompt',
			name: 'negativePrompt',
			type: 'string',
			typeOptions: { rows: 2 },
			default: '',
			description: 'What the image should not show (flux ignores it)',
		}),
		...sizeFields(variant),
		topLevel({
			displayName: 'Number of Images',
			name: 'samples',
			type: 'number',
			typeOptions: numberRange(LIMITS.samples),
			default: 1,
			description: `Images per request, ${rangeText(LIMITS.samples)}; each becomes its own output item`,
		}),
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: generationOptions(variant).sort((a, b) =>
				a.displayName.localeCompare(b.displayName),
			),
		},
	];
}

const INPUT_TEXT: Record<ImageInputName, { label: string; what: string; extra: string }> = {
	image: { label: 'Image', what: 'the image to edit', extra: '' },
	mask: {
		label: 'Mask',
		what: 'the mask',
		extra: ' White marks the area to change, black the area to keep; it must have the image\'s size.',
	},
};

/**
 * An image input of the editing operations: from a binary field of the item (the default) or a
 * link. As an AI tool the link is the default, since an agent cannot hand over binary data.
 */
export function imageInputFields(name: ImageInputName): INodeProperties[] {
	const fields = IMAGE_INPUTS[name];
	const text = INPUT_TEXT[name];
	const source = {
		displayName: `${text.label} Source`,
		name: fields.source,
		type: 'options' as const,
		noDataExpression: true,
		options: [
			{ name: 'Binary File', value: 'binary', description: `Read ${text.what} from a binary field of the input item` },
			{ name: 'URL', value: 'url', description: `A public link to ${text.what}, passed on to ModelsLab as it is` },
		],
		description: `Where ${text.what} comes from.${text.extra}`,
	};
	const binaryField = {
		displayName: name === 'image' ? 'Input Binary Field' : 'Mask Binary Field',
		name: fields.binaryField,
		type: 'string' as const,
		required: true,
		displayOptions: { show: { [fields.source]: ['binary'] } },
		hint: `The binary field of the input item that holds ${text.what}`,
		description: `PNG, JPEG or WebP, up to 5 MB.${text.extra}`,
	};
	return [
		imageInput({ ...source, default: 'binary', displayOptions: { show: { '@tool': [false] } } }),
		imageInput({ ...source, default: 'url', displayOptions: { show: { '@tool': [true] } } }),
		imageInput(name === 'image' ? { ...binaryField, default: 'data' } : { ...binaryField, default: 'mask' }),
		imageInput({
			displayName: name === 'image' ? 'Image URL' : 'Mask URL',
			name: fields.url,
			type: 'string',
			default: '',
			required: true,
			placeholder: name === 'image' ? 'https://example.com/product.png' : 'https://example.com/mask.png',
			displayOptions: { show: { [fields.source]: ['url'] } },
			description: `A public http(s) link to ${text.what} (PNG, JPEG or WebP).${text.extra} ModelsLab downloads it; the node never does`,
		}),
	];
}

/** An Options collection: optional fields the user adds one by one. */
export function optionsCollection(options: INodeProperties[]): INodeProperties {
	return { displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, options };
}
