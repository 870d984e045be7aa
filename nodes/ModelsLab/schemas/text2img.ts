/**
 * Request schemas for both text2img endpoints. They validate what n8n hands the node (UI values or
 * expression results, so numbers may arrive as strings and flags as "yes"/"no") before any request
 * is sent, and their types drive the parameter factory in `parameters/generationFields.ts`.
 */
import { z } from 'zod';

import { formatSchema } from './formats';
import { ALGORITHM_TYPES, ENTERPRISE_STEPS, LIMITS, SAFETY_CHECKER_TYPES, SCHEDULERS } from './limits';
import { flag, httpUrl, integerIn, numberIn, oneOf, shorten, text, toNumber } from './rules';

/** Empty, null and -1 all mean "random" (the API's `seed: null`). */
export const seed = z.preprocess(
	(value) => (value === '' || value === null || value === -1 || value === '-1' ? null : toNumber(value)),
	integerIn(LIMITS.seed).nullable(),
);

const promptText = z
	.string({ invalid_type_error: 'must be text', required_error: 'is required' })
	.trim()
	.min(1, 'is required and cannot be empty')
	.max(LIMITS.promptLength.max, `must be at most ${LIMITS.promptLength.max} characters`);

export interface Lora {
	model: string;
	strength: number;
}

/**
 * LoRAs arrive as the UI's `{ lora: [{ model, strength }] }`, and an entry may hold comma-separated
 * lists from a spreadsheet cell ("a,b" with "0.6,0.8"). Each model needs exactly one strength.
 */
const loras = z.unknown().transform((value, ctx): Lora[] => {
	const entries: unknown[] = Array.isArray(value)
		? value
		: ((value as { lora?: unknown[] } | null)?.lora ?? []);
	const result: Lora[] = [];
	for (const entry of entries) {
		const { model, strength } = (entry ?? {}) as { model?: unknown; strength?: unknown };
		// only text (or a number) names a model; String() of an expression's object can throw
		const modelText = typeof model === 'string' || typeof model === 'number' ? String(model) : '';
		const models = modelText
			.split(',')
			.map((part) => part.trim())
			.filter((part) => part !== '');
		const strengths =
			typeof strength === 'string' ? strength.split(',').map((part) => part.trim()) : [strength];
		if (models.length === 0) {
			ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'each LoRA needs a model ID' });
			return [];
		}
		if (models.length !== strengths.length) {
			ctx.addIssue({
				code: z.ZodIssueCode.custom,
				message: `${models.length} model(s) but ${strengths.length} strength(s); give one strength per LoRA model`,
			});
			return [];
		}
		for (const [index, name] of models.entries()) {
			const parsed = numberIn(LIMITS.loraStrength).safeParse(strengths[index]);
			if (!parsed.success) {
				ctx.addIssue({
					code: z.ZodIssueCode.custom,
					message: `strength of "${shorten(name)}" ${parsed.error.issues[0].message}, got ${shorten(JSON.stringify(strengths[index]) ?? String(strengths[index]))}`,
				});
				return [];
			}
			result.push({ model: name, strength: parsed.data });
		}
	}
	return result;
});

/** Options both endpoints accept. */
export const baseOptionsSchema = z
	.object({
		numInferenceSteps: integerIn(LIMITS.numInferenceSteps),
		guidanceScale: numberIn(LIMITS.guidanceScale),
		seed,
		scheduler: oneOf(SCHEDULERS, `one of the ${SCHEDULERS.length} documented schedulers, e.g. UniPCMultistepScheduler`),
		safetyChecker: flag,
		safetyCheckerType: oneOf(SAFETY_CHECKER_TYPES, `one of ${SAFETY_CHECKER_TYPES.join(', ')}`),
		enhancePrompt: flag,
		loras,
		clipSkip: integerIn(LIMITS.clipSkip),
		tomesd: flag,
		useKarrasSigmas: flag,
		vae: text(LIMITS.shortText.max),
		panorama: flag,
		selfAttention: flag,
		upscale: flag,
		highresFix: flag,
		algorithmType: oneOf(ALGORITHM_TYPES, `one of ${ALGORITHM_TYPES.join(', ')}`),
		temp: flag,
		webhook: httpUrl,
		trackId: text(LIMITS.shortText.max),
		base64: flag,
	})
	.partial()
	.strict();

/** v6 adds the flux-only knobs. */
const standardOptionsSchema = baseOptionsSchema
	.extend({
		injectedNoiseAlpha: numberIn(LIMITS.injectedNoiseAlpha),
		sigmaThreshold: numberIn(LIMITS.sigmaThreshold),
		trueCfgScale: numberIn(LIMITS.trueCfgScale),
		useCfgZeroStar: flag,
		useZeroInit: flag,
		zeroSteps: integerIn(LIMITS.zeroSteps),
	})
	.partial()
	.superRefine((options, ctx) => {
		const steps = options.numInferenceSteps;
		if (options.zeroSteps !== undefined && steps !== undefined && options.zeroSteps > steps) {
			ctx.addIssue({
				code: z.ZodIssueCode.custom,
				path: ['zeroSteps'],
				message: `must be between 0 and the step count (${steps})`,
			});
		}
	});

/** Enterprise servers only run 21, 31 or 41 steps. */
const enterpriseOptionsSchema = baseOptionsSchema
	.extend({
		numInferenceSteps: z.preprocess(
			toNumber,
			z.union(
				ENTERPRISE_STEPS.map((steps) => z.literal(steps)) as unknown as [
					z.ZodLiteral<21>,
					z.ZodLiteral<31>,
					z.ZodLiteral<41>,
				],
				{ errorMap: () => ({ message: `must be one of ${ENTERPRISE_STEPS.join(', ')}` }) },
			),
		),
	})
	.partial();

const dimension = integerIn(LIMITS.dimension);

/** Fields both text2img operations share; each endpoint extends this with its own options. */
export const generationSchema = z.object({
	modelId: z
		.string({ invalid_type_error: 'must be text' })
		.trim()
		.max(LIMITS.shortText.max, `must be at most ${LIMITS.shortText.max} characters`)
		.optional(),
	prompt: promptText,
	negativePrompt: text(LIMITS.promptLength.max).optional(),
	// a workflow saved before formats existed reads as custom (the field's default); an expression must name one
	format: formatSchema,
	width: dimension,
	height: dimension,
	samples: integerIn(LIMITS.samples),
	options: baseOptionsSchema,
});

export const text2imgSchema = generationSchema.extend({ options: standardOptionsSchema });

/** A model ID the endpoint cannot do without; `why` completes "Model is required…". */
export const requiredModelId = (why: string) =>
	z
		.string({ invalid_type_error: 'must be text', required_error: 'is required' })
		.trim()
		.min(1, `is required ${why}`)
		.max(LIMITS.shortText.max, `must be at most ${LIMITS.shortText.max} characters`);

export const enterpriseText2imgSchema = generationSchema.extend({
	modelId: requiredModelId('on the enterprise endpoint'),
	options: enterpriseOptionsSchema,
});

export type Text2ImgParams = z.output<typeof text2imgSchema>;
export type EnterpriseText2ImgParams = z.output<typeof enterpriseText2imgSchema>;
export type GenerationSchema = typeof text2imgSchema | typeof enterpriseText2imgSchema;

/** Every option key of either endpoint: the parameter factory is typed against this. */
export type OptionName =
	| keyof z.input<typeof standardOptionsSchema>
	| keyof z.input<typeof enterpriseOptionsSchema>;
export type TopLevelField = Exclude<keyof z.input<typeof generationSchema>, 'options'>;
