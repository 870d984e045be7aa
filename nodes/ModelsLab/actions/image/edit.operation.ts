import { modelsOperation } from './modelsOperation';

/** Edit Image: POST /api/v7/images/image-to-image, one or more reference images and an instruction. */
export const { facts, description, execute } = modelsOperation({
	value: 'edit',
	name: 'Edit Image (Nano Banana Pro, FLUX Kontext, Seedream …)',
	action: 'Edit or combine images with an instruction',
	description: 'Change one image, or combine up to 14, with an instruction such as "place the product from image 1 into image 2" (POST /api/v7/images/image-to-image)',
	direction: 'edit',
	route: '/api/v7/images/image-to-image',
});
