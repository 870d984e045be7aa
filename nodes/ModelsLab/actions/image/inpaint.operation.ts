import { imagesOperation } from './imagesOperation';

/** Inpaint: POST /api/v6/images/inpaint with the standard key; redraws the mask's white area. */
export const { facts, description, execute } = imagesOperation(
	{
		value: 'inpaint',
		name: 'Inpaint',
		action: 'Redraw the masked area of an image',
		description: 'Redraw the white area of a mask, guided by a prompt (POST /api/v6/images/inpaint)',
		route: '/api/v6/images/inpaint',
	},
	{ image: 'init_image', mask: 'mask_image' },
);
