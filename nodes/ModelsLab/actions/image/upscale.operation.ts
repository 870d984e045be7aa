import { LIMITS, UPSCALE_MODELS, rangeText } from '../../schemas/limits';
import { upscaleSchema } from '../../schemas/imageEditing';
import { toApiFields } from '../../schemas/requestBody';
import { editingOperation } from './editingOperation';

/**
 * Upscale: POST /api/v6/image_editing/super_resolution. The route documents no base64 input, so a
 * file is uploaded first. Model and scale are always sent: docs (scale 3) and SDKs (4) disagree.
 */
export const { facts, description, execute } = editingOperation({
	facts: {
		value: 'upscale',
		name: 'Upscale',
		action: 'Upscale an image',
		description: 'Enlarge an image with an upscaling model (POST /api/v6/image_editing/super_resolution)',
		api: 'imageEditing',
		route: '/api/v6/image_editing/super_resolution',
	},
	fields: [
		{
			displayName: 'Upscale Model',
			name: 'upscaleModel',
			type: 'options',
			options: UPSCALE_MODELS.map((value) => ({ name: value, value })),
			default: 'realesr-general-x4v3',
			description: 'The upscaler (sent as model_id). realesr-general-x4v3 is general-purpose, the anime model suits drawings, ultra_resolution aims at 4K+.',
		},
		{
			displayName: 'Scale',
			name: 'scale',
			type: 'number',
			typeOptions: { minValue: LIMITS.upscaleScale.min, maxValue: LIMITS.upscaleScale.max },
			default: 2,
			description: `How many times larger each side gets, ${rangeText(LIMITS.upscaleScale)}. Default: 2.`,
		},
		{
			displayName: 'Face Enhance',
			name: 'faceEnhance',
			type: 'boolean',
			default: false,
			description: 'Whether to also restore faces (API default: no)',
		},
	],
	schema: upscaleSchema,
	imageFields: { image: 'init_image' },
	sending: () => 'upload',
	// the Upscale Model field is the route's model_id
	toBody: ({ upscaleModel, scale, faceEnhance }) => toApiFields({ modelId: upscaleModel, scale, faceEnhance }, 'boolean'),
});
