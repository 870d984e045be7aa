import { modelsOperation } from './modelsOperation';

/** Generate Image: POST /api/v7/images/text-to-image, the premium models by name (catalogs/images.ts). */
export const { facts, description, execute } = modelsOperation({
	value: 'generate',
	name: 'Generate Image (Imagen, Nano Banana, Seedream, FLUX.2 …)',
	action: 'Generate an image with a premium model',
	description: 'Google Imagen 4, Nano Banana Pro, Seedream 4.5, FLUX.2 Pro and more by name (POST /api/v7/images/text-to-image)',
	direction: 'generate',
	route: '/api/v7/images/text-to-image',
});
