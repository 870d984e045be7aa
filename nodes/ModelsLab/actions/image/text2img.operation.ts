import { text2imgSchema } from '../../schemas/text2img';
import { generationOperation } from './generationOperation';

/** Text2Img: POST /api/v6/images/text2img with the standard key. */
export const { description, execute } = generationOperation('text2img', 'standard', text2imgSchema);
