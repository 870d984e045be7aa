/**
 * Request schemas of the six operations that take an image in. Image to Image and Inpaint take the
 * Text to Image options their routes document (a pick of the same schema, not a copy); the
 * image_editing routes have fields of their own. The image and mask inputs are the same fields on
 * every operation, named per input in `IMAGE_INPUTS`.
 */
import type { AnyZodObject } from 'zod';
import { z } from 'zod';

import { IMG2IMG_ALGORITHM_TYPES, LIMITS, UPSCALE_MODELS } from './limits';
import { flag, httpUrl, integerIn, numberIn, oneOf, text } from './rules';
import { baseOptionsSchema, generationSchema, requiredModelId, seed } from './text2img';

/** The field names of each image input: where it comes from, and its binary field or link. */
export const IMAGE_INPUTS = {
	image: { source: 'imageSource', binaryField: 'inputBinaryField', url: 'imageUrl' },
	mask: { source: 'maskSource', binaryField: 'maskBinaryField', url: 'maskUrl' },
} as const;
export type ImageInputName = keyof typeof IMAGE_INPUTS;
export type ImageInputFieldName = (typeof IMAGE_INPUTS)[ImageInputName][keyof (typeof IMAGE_INPUTS)['image']];

const IMAGE_SOURCES = ['binary', 'url'] as const;

const binaryFieldName = z
	.string({ invalid_type_error: 'must be text' })
	.trim()
	.min(1, 'cannot be empty')
	.max(LIMITS.shortText.max, `must be at most ${LIMITS.shortText.max} characters`);

/** One input: its source, and only the field that source uses (the other is not read). */
function imageInputSchema(name: ImageInputName) {
	const fields = IMAGE_INPUTS[name];
	const shape: Record<string, z.ZodTypeAny> = {
		[fields.source]: oneOf(IMAGE_SOURCES, 'binary or url'),
		[fields.binaryField]: binaryFieldName.optional(),
		[fields.url]: httpUrl.optional(),
	};
	return z.object(shape);
}
const imageInputSchemas = { image: imageInputSchema('image'), mask: imageInputSchema('mask') };

/** An operation's schema with its image inputs: the field of each input's chosen source must be given. */
export function withImageInputs<Schema extends AnyZodObject>(schema: Schema, inputs: readonly ImageInputName[]) {
	const merged = inputs.reduce<AnyZodObject>((all, name) => all.merge(imageInputSchemas[name]), schema);
	return merged.superRefine((params: Record<string, unknown>, ctx) => {
		for (const name of inputs) {
			const fields = IMAGE_INPUTS[name];
			const field = params[fields.source] === 'url' ? fields.url : fields.binaryField;
			if (params[field] === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [field], message: 'is required' });
		}
	});
}

/** The values with, for each input, only the field its source uses: the other is hidden and not checked. */
export function chosenImageInputs(values: Record<string, unknown>, inputs: readonly ImageInputName[]): Record<string, unknown> {
	const chosen = { ...values };
	for (const name of inputs) {
		const fields = IMAGE_INPUTS[name];
		delete chosen[chosen[fields.source] === 'url' ? fields.binaryField : fields.url];
	}
	return chosen;
}

/** What a validated input says: a binary field of the item, or a link passed on as it is. */
export type ImageInputParams = { source: 'binary'; binaryField: string } | { source: 'url'; url: string };

export function imageInputOf(params: Record<string, unknown>, name: ImageInputName): ImageInputParams {
	const fields = IMAGE_INPUTS[name];
	return params[fields.source] === 'url'
		? { source: 'url', url: params[fields.url] as string }
		: { source: 'binary', binaryField: params[fields.binaryField] as string };
}

/** The Text to Image options that images/img2img and images/inpaint document. */
export const img2imgOptionsSchema = baseOptionsSchema
	.pick({
		numInferenceSteps: true,
		guidanceScale: true,
		seed: true,
		scheduler: true,
		loras: true,
		safetyChecker: true,
		safetyCheckerType: true,
		enhancePrompt: true,
		clipSkip: true,
		vae: true,
		useKarrasSigmas: true,
		algorithmType: true,
		base64: true,
		temp: true,
		webhook: true,
		trackId: true,
	})
	.extend({ algorithmType: oneOf(IMG2IMG_ALGORITHM_TYPES, IMG2IMG_ALGORITHM_TYPES.join(' or ')) })
	.partial()
	.strict();


/** Image to Image and Inpaint: the generation fields minus the size (the output has the input's). */
export const img2imgSchema = z.object({
	modelId: requiredModelId('(pick one of your models)'),
	prompt: generationSchema.shape.prompt,
	negativePrompt: generationSchema.shape.negativePrompt,
	strength: numberIn(LIMITS.strength),
	samples: generationSchema.shape.samples,
	options: img2imgOptionsSchema,
});
export type Img2imgParams = z.output<typeof img2imgSchema>;
export type Img2imgTopLevelField = Exclude<keyof z.input<typeof img2imgSchema>, 'options'>;

export const upscaleSchema = z.object({
	upscaleModel: oneOf(UPSCALE_MODELS, `one of ${UPSCALE_MODELS.join(', ')}`),
	scale: integerIn(LIMITS.upscaleScale),
	faceEnhance: flag,
});

export const removeBackgroundSchema = z.object({
	options: z
		.object({
			onlyMask: flag,
			inverseMask: flag,
			postProcessMask: flag,
			alphaMatting: flag,
			alphaMattingForegroundThreshold: integerIn(LIMITS.alphaMattingForegroundThreshold),
			alphaMattingBackgroundThreshold: integerIn(LIMITS.alphaMattingBackgroundThreshold),
			alphaMattingErodeSize: integerIn(LIMITS.alphaMattingErodeSize),
		})
		.partial()
		.strict(),
});

const outpaintDimension = integerIn(LIMITS.outpaintDimension);
export const outpaintSchema = z.object({
	prompt: generationSchema.shape.prompt,
	negativePrompt: text(LIMITS.promptLength.max).optional(),
	format: generationSchema.shape.format,
	width: outpaintDimension,
	height: outpaintDimension,
	overlapWidth: integerIn(LIMITS.overlapWidth),
	options: z
		.object({
			numInferenceSteps: integerIn(LIMITS.outpaintSteps),
			guidanceScale: numberIn(LIMITS.guidanceScale),
			seed,
		})
		.partial()
		.strict(),
});

/** Remove Object takes the image and the mask only. */
export const objectRemovalSchema = z.object({});
