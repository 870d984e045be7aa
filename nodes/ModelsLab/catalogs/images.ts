/**
 * ModelsLab's v7 image models (POST /api/v7/images/text-to-image and /image-to-image), as data: each
 * model is one entry, and its fields, its rules and its request body are derived from it
 * (parameters/modelFields.ts, schemas/modelRules.ts). Sources: ModelsLab's Python SDK schemas
 * (`providers/*\/schemas.py`), its model pages and docs, distilled in the project's v7 reference.
 * Adding a model is one entry here and one in the sandbox's own catalog (sandbox/routes/v7/catalog.ts).
 */

import type { ModelOption } from './modelOptions';

export type ModelDirection = 'generate' | 'edit';

/** How a model takes the output's size: `aspect_ratio`, `width` and `height`, or not at all. */
type ModelSize =
	/** `ratios: 'any'` where ModelsLab documents no list: the preset's own ratio is sent. */
	| { by: 'ratio'; ratios: readonly string[] | 'any'; required: boolean }
	| { by: 'pixels'; min: number; max: number }
	| { by: 'none' };

/** How an edit model takes its reference images: a list, one value, or `init_image` and `init_image_2`. */
type ReferenceForm = 'list' | 'single' | 'pair';

export interface ImageModel {
	/** ModelsLab's `model_id`, exact case. */
	id: string;
	/** The name in the editor's Model list. */
	name: string;
	direction: ModelDirection;
	size: ModelSize;
	/** Edit models: how many reference images it takes, and how the body carries them. */
	references?: { min: number; max: number; sentAs: ReferenceForm };
	/** `samples` where the model documents it; its wire type as ModelsLab's samples send it. */
	samples?: { max: number; wire: 'string' | 'number' };
	/** Its own optional fields, shown in Options for it alone. */
	options?: readonly ModelOption[];
	/** Where the entry comes from. */
	source: string;
}

const IMAGEN_RATIOS = ['1:1', '3:4', '4:3', '9:16', '16:9'] as const;
const SEEDREAM_RATIOS = ['1:1', '4:3', '3:4', '16:9', '9:16', '3:2', '2:3', '21:9'] as const;

export const IMAGE_MODELS: readonly ImageModel[] = [
	// text to image
	{ id: 'imagen-4', name: 'Imagen 4 (Google)', direction: 'generate', size: { by: 'ratio', ratios: IMAGEN_RATIOS, required: true }, source: 'PY Imagen4Schema' },
	{ id: 'imagen-4.0-ultra', name: 'Imagen 4 Ultra (Google)', direction: 'generate', size: { by: 'ratio', ratios: IMAGEN_RATIOS, required: true }, samples: { max: 4, wire: 'string' }, source: 'PY Imagen40UltraSchema; model page google/text-to-image-ultra' },
	{ id: 'imagen-4.0-fast-generate', name: 'Imagen 4 Fast (Google)', direction: 'generate', size: { by: 'ratio', ratios: IMAGEN_RATIOS, required: true }, source: 'PY Imagen40FastGenerateSchema' },
	{ id: 'imagen-3', name: 'Imagen 3 (Google)', direction: 'generate', size: { by: 'none' }, source: 'PY Imagen3Schema' },
	{ id: 'nano-banana-pro', name: 'Nano Banana Pro (Google)', direction: 'generate', size: { by: 'ratio', ratios: 'any', required: false }, source: 'PY NanoBananaProSchema' },
	{ id: 'nano-banana-t2i', name: 'Nano Banana (Google)', direction: 'generate', size: { by: 'none' }, source: 'PY NanoBananaT2ISchema' },
	{ id: 'seedream-4.5', name: 'Seedream 4.5 (ByteDance)', direction: 'generate', size: { by: 'ratio', ratios: SEEDREAM_RATIOS, required: true }, source: 'PY SeeDream45Schema' },
	{ id: 'seedream-4', name: 'Seedream 4 (ByteDance)', direction: 'generate', size: { by: 'ratio', ratios: SEEDREAM_RATIOS, required: true }, source: 'PY SeeDream4Schema' },
	{ id: 'seedream-t2i', name: 'Seedream 3 (ByteDance)', direction: 'generate', size: { by: 'pixels', min: 512, max: 1024 }, source: 'PY SeeDreamT2ISchema' },
	{ id: 'flux-2-pro', name: 'FLUX.2 Pro (Black Forest Labs)', direction: 'generate', size: { by: 'pixels', min: 512, max: 1024 }, source: 'PY Flux2ProSchema' },
	{ id: 'gen4_image', name: 'Gen-4 Image (Runway)', direction: 'generate', size: { by: 'ratio', ratios: ['16:9', '9:16', '1:1'], required: true }, source: 'PY Gen4ImageSchema (the ratios PY names; the model page\'s longer list contradicts its own sample)' },
	// image to image
	{ id: 'nano-banana-pro', name: 'Nano Banana Pro (Google), up to 14 images', direction: 'edit', size: { by: 'ratio', ratios: 'any', required: false }, references: { min: 1, max: 14, sentAs: 'list' }, source: 'PY NanoBananaProImageEditSchema; model page google/nano-banana-pro-image-edit' },
	{ id: 'seedream-4.5-i2i', name: 'Seedream 4.5 Edit (ByteDance), up to 10 images', direction: 'edit', size: { by: 'ratio', ratios: ['1:1', '4:3', '16:9', '9:16', '3:2', '2:3', '21:9'], required: true }, references: { min: 1, max: 10, sentAs: 'list' }, source: 'PY SeeDream45I2ISchema; model page byteplus/seedream-4.5-image-to-image' },
	{ id: 'seedream-4.0-i2i', name: 'Seedream 4 Edit (ByteDance), up to 10 images', direction: 'edit', size: { by: 'none' }, references: { min: 1, max: 10, sentAs: 'list' }, source: 'PY SeeDream4I2ISchema' },
	{ id: 'flux-2-pro', name: 'FLUX.2 Pro Edit (Black Forest Labs), up to 10 images', direction: 'edit', size: { by: 'none' }, references: { min: 1, max: 10, sentAs: 'list' }, source: 'PY Flux2ProImageEditingSchema ("up to 10 images")' },
	{ id: 'flux-kontext-pro', name: 'FLUX Kontext Pro (Black Forest Labs), one image', direction: 'edit', size: { by: 'ratio', ratios: ['21:9', '16:9', '4:3', '3:2', '1:1', '2:3', '3:4', '9:16', '9:21'], required: false }, references: { min: 1, max: 1, sentAs: 'single' }, source: 'PY FluxKontextProSchema' },
	{ id: 'nano-banana', name: 'Nano Banana (Google), two images', direction: 'edit', size: { by: 'none' }, references: { min: 2, max: 2, sentAs: 'pair' }, source: 'PY NanoBananaSchema (init_image and init_image_2, both required)' },
	{ id: 'gen4_image_turbo', name: 'Gen-4 Image Turbo (Runway), two images', direction: 'edit', size: { by: 'none' }, references: { min: 2, max: 2, sentAs: 'pair' }, source: 'PY Gen4ImageTurboSchema (init_image and init_image_2, both required)' },
	{ id: 'seededit-i2i', name: 'SeedEdit (ByteDance), one image', direction: 'edit', size: { by: 'none' }, references: { min: 1, max: 1, sentAs: 'single' }, source: 'PY SeeEditI2ISchema' },
];

/** The models of one route, in the catalog's order (the first is the default). */
export function modelsFor(direction: ModelDirection, catalog: readonly ImageModel[] = IMAGE_MODELS): ImageModel[] {
	return catalog.filter((model) => model.direction === direction);
}
