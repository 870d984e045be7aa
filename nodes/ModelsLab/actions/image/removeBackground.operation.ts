import type { INodeProperties } from 'n8n-workflow';

import { LIMITS, rangeText } from '../../schemas/limits';
import { removeBackgroundSchema } from '../../schemas/imageEditing';
import { EDIT_ROUTES } from '../../api/apis';
import { editingOperation } from './editingOperation';

const API_NAMES = {
	onlyMask: 'only_mask',
	inverseMask: 'inverse_mask',
	postProcessMask: 'post_process_mask',
	alphaMatting: 'alpha_matting',
	alphaMattingForegroundThreshold: 'alpha_matting_foreground_threshold',
	alphaMattingBackgroundThreshold: 'alpha_matting_background_threshold',
	alphaMattingErodeSize: 'alpha_matting_erode_size',
} as const;

/** An alpha-matting threshold; its default is the top of its range. */
const threshold = (
	displayName: string,
	name: keyof typeof API_NAMES,
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
	},
	route: EDIT_ROUTES.removeBackground,
	fields: [{ displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, options }],
	schema: removeBackgroundSchema,
	imageFields: { image: 'image' },
	sending: () => 'inline',
	toBody: (params) =>
		Object.fromEntries(
			Object.entries(params.options)
				.filter(([, value]) => value !== undefined)
				.map(([name, value]) => [API_NAMES[name as keyof typeof API_NAMES], value]),
		),
});
