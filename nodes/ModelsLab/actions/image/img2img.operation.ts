import { imagesOperation } from './imagesOperation';

/** Image to Image: POST /api/v6/images/img2img with the standard key. */
export const { facts, description, execute } = imagesOperation(
	{
		value: 'img2img',
		name: 'Image to Image',
		action: 'Create a variant of an image',
		description: 'Create a variant of an image, guided by a prompt (POST /api/v6/images/img2img)',
		route: '/api/v6/images/img2img',
	},
	{ image: 'init_image' },
);
