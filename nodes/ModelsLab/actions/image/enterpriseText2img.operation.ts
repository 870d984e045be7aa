import { enterpriseText2imgSchema } from '../../schemas/text2img';
import { generationOperation } from './generationOperation';

/** Enterprise Text2Img: POST /api/v1/enterprise/text2img on your dedicated servers, with the enterprise key. */
export const { description, execute } = generationOperation(
	'enterpriseText2img',
	'enterprise',
	enterpriseText2imgSchema,
);
