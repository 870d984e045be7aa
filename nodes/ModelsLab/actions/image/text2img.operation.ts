import { text2imgSchema } from '../../schemas/text2img';
import { generationOperation } from './generationOperation';

/** Text2Img: POST /api/v6/images/text2img with the standard key. */
export const { facts, description, execute } = generationOperation(
	{
		value: 'text2img',
		name: 'Text to Image',
		action: 'Generate images from text',
		description: 'Generate images from a prompt (POST /api/v6/images/text2img)',
		api: 'standard',
		route: '/api/v6/images/text2img',
	},
	text2imgSchema,
);
