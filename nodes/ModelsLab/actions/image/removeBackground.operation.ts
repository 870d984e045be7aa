import type { INodeProperties } from 'n8n-workflow';

import { LIMITS, rangeText } from '../../schemas/limits';
import { removeBackgroundSchema } from '../../schemas/imageEditing';
import { toApiFields } from '../../schemas/requestBody';
import { editingOperation } from './editingOperation';

/** An alpha-matting threshold; its default is the top of its range. */
const threshold = (
	displayName: string,
	name: string,
	limit: { min: number; max: number },
	what: string,
): INodeProperties => {
	const property = {
		displayName,
		name,
		type: 'number' as const,
		typeOptions: { minValue: limit.min, maxValue: limit.max },
		description: `${what}, ${rangeText(limit)} (with Alpha Matting). Default: ${limit.max}.`,
	};
	return { ...property, default: limit.max };
};

const options: INodeProperties[] = [
	{ displayName: 'Only Mask', name: 'onlyMask', type: 'boolean', default: false, description: 'Whether to return only the black-and-white mask instead of the cut-out (API default: no)' },
	{ displayName: 'Inverse Mask', name: 'inverseMask', type: 'boolean', default: false, description: 'Whether to keep the background and remove the subject instead (API default: no)' },
	{ displayName: 'Post-Process Mask', name: 'postProcessMask', type: 'boolean', default: false, description: 'Whether to smooth the mask\'s edges (API default: no)' },
	{ displayName: 'Alpha Matting', name: 'alphaMatting', type: 'boolean', default: false, description: 'Whether to refine soft edges such as hair (API default: no)' },
	threshold('Alpha Matting Foreground Threshold', 'alphaMattingForegroundThreshold', LIMITS.alphaMattingForegroundThreshold, 'Brightness above which a pixel counts as foreground'),
	threshold('Alpha Matting Background Threshold', 'alphaMattingBackgroundThreshold', LIMITS.alphaMattingBackgroundThreshold, 'Brightness below which a pixel counts as background'),
	threshold('Alpha Matting Erode Size', 'alphaMattingErodeSize', LIMITS.alphaMattingErodeSize, 'How far the mask\'s edge is eroded, in pixels'),
];

/** Remove Background: POST /api/v6/image_editing/removebg_mask; a file goes inline as a data URI in `image`. */
export const { facts, description, execute } = editingOperation({
	facts: {
		value: 'removeBackground',
		name: 'Remove Background',
		action: 'Remove the background of an image',
		description: 'Cut out the subject as a transparent PNG (POST /api/v6/image_editing/removebg_mask)',
		api: 'imageEditing',
		route: '/api/v6/image_editing/removebg_mask',
	},
	fields: [{ displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, options }],
	schema: removeBackgroundSchema,
	imageFields: { image: 'image' },
	sending: () => 'inline',
	toBody: (params) => toApiFields(params.options, 'boolean'),
});
