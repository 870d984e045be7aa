import { objectRemovalSchema } from '../../schemas/imageEditing';
import { editingOperation } from './editingOperation';

/**
 * Remove Object: POST /api/v6/image_editing/object_removal. The route documents no base64 input, so
 * files are uploaded first. The mask's white area is removed and filled in.
 */
export const { facts, description, execute } = editingOperation({
	facts: {
		value: 'objectRemoval',
		name: 'Remove Object',
		action: 'Remove an object from an image',
		description: 'Erase the white area of a mask and fill it in (POST /api/v6/image_editing/object_removal)',
		api: 'imageEditing',
		route: '/api/v6/image_editing/object_removal',
	},
	fields: [],
	schema: objectRemovalSchema,
	imageFields: { image: 'init_image', mask: 'mask_image' },
	sending: () => 'upload',
	toBody: () => ({}),
});
