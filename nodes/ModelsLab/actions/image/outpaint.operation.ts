import { forCustomFormat, formatField, optionsCollection } from '../../parameters/generationFields';
import { LIMITS, rangeText } from '../../schemas/limits';
import { outpaintSchema } from '../../schemas/imageEditing';
import { toApiFields } from '../../schemas/requestBody';
import { editingOperation } from './editingOperation';

const dimension = (displayName: 'Width' | 'Height', name: 'width' | 'height', fallback: number) => ({
	displayName,
	name,
	type: 'number' as const,
	typeOptions: { minValue: LIMITS.outpaintDimension.min, maxValue: LIMITS.outpaintDimension.max },
	default: fallback,
	displayOptions: forCustomFormat,
	description: `${displayName} of the target canvas in pixels, ${rangeText(LIMITS.outpaintDimension)}. Default: ${fallback}.`,
});

/** Outpaint: POST /api/v6/image_editing/outpaint; a file goes inline in `image` with `base64: true` (input-only there). */
export const { facts, description, execute } = editingOperation({
	facts: {
		value: 'outpaint',
		name: 'Outpaint',
		action: 'Extend an image to a larger canvas',
		description: 'Extend an image to a wider or taller canvas (POST /api/v6/image_editing/outpaint)',
		api: 'imageEditing',
		route: '/api/v6/image_editing/outpaint',
	},
	fields: [
		{
			displayName: 'Prompt',
			name: 'prompt',
			type: 'string',
			typeOptions: { rows: 2 },
			default: 'high quality',
			required: true,
			description: 'What the new areas should show. Default: high quality.',
		},
		{
			displayName: 'Negative Prompt',
			name: 'negativePrompt',
			type: 'string',
			default: '',
			description: 'What the new areas should not show (API default: low quality)',
		},
		formatField('canvas'),
		dimension('Width', 'width', 1280),
		dimension('Height', 'height', 720),
		{
			displayName: 'Overlap Width',
			name: 'overlapWidth',
			type: 'number',
			typeOptions: { minValue: LIMITS.overlapWidth.min, maxValue: LIMITS.overlapWidth.max },
			default: 10,
			description: `How far the new areas blend into the original, in pixels, ${rangeText(LIMITS.overlapWidth)}. Default: 10.`,
		},
		optionsCollection([
				{
					displayName: 'Guidance Scale',
					name: 'guidanceScale',
					type: 'number',
					typeOptions: { minValue: LIMITS.guidanceScale.min, maxValue: LIMITS.guidanceScale.max, numberPrecision: 1 },
					default: 8,
					description: `How closely the new areas follow the prompt, ${rangeText(LIMITS.guidanceScale)} (API default: 8)`,
				},
				{
					displayName: 'Inference Steps',
					name: 'numInferenceSteps',
					type: 'number',
					typeOptions: { minValue: LIMITS.outpaintSteps.min, maxValue: LIMITS.outpaintSteps.max },
					default: 10,
					description: `Denoising steps, ${rangeText(LIMITS.outpaintSteps)} (API default: 10)`,
				},
				{
					displayName: 'Seed',
					name: 'seed',
					type: 'number',
					typeOptions: { minValue: -1, maxValue: LIMITS.seed.max },
					default: -1,
					description: `Same seed, same result, ${rangeText(LIMITS.seed)}. -1 (or leaving the option out) picks a random seed.`,
				},
		]),
	],
	schema: outpaintSchema,
	imageFields: { image: 'image' },
	sending: () => 'inline',
	// on outpaint the flag only says "the image I sent is base64"
	inlineFlags: { base64: true },
	toBody: ({ prompt, negativePrompt, width, height, overlapWidth, options }) =>
		toApiFields({ prompt, negativePrompt, width, height, overlapWidth, ...options }, 'boolean'),
});
