import { enterpriseText2imgSchema } from '../../schemas/text2img';
import { generationOperation } from './generationOperation';

/** Enterprise Text2Img: POST /api/v1/enterprise/text2img on your dedicated servers, with the enterprise key. */
export const { facts, description, execute } = generationOperation(
	{
		value: 'enterpriseText2img',
		name: 'Enterprise Text to Image',
		action: 'Generate images on enterprise servers',
		description: 'Generate on your dedicated servers (POST /api/v1/enterprise/text2img)',
		api: 'enterprise',
		route: '/api/v1/enterprise/text2img',
	},
	enterpriseText2imgSchema,
);
