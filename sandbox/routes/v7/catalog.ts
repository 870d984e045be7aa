// The v7 images family's models, as the vendor reference (modelslab-api/v7.md §2) gives them: per model
// and route, how it takes a size, its reference images (edit only) and `samples`. Data only, written
// apart from the node's own catalog (a test compares the two); the routes read their rules from here.

/** text-to-image models are 'generate', image-to-image models 'edit' (one id may be both). */
export type V7Direction = 'generate' | 'edit';

/**
 * How a model takes its size: `aspect_ratio` from a list ('any': any `W:H` string of positive numbers),
 * required or not; `width` and `height` within min..max (both required); or no size field at all.
 */
export type V7Size =
	| { by: 'ratio'; ratios: readonly string[] | 'any'; required: boolean }
	| { by: 'pixels'; min: number; max: number }
	| { by: 'none' };

/**
 * An edit model's reference images: `list` a JSON array in `init_image`; `single` one URL string in
 * `init_image`; `pair` one URL string each in `init_image` and `init_image_2`.
 */
export interface V7References {
	min: number;
	max: number;
	sentAs: 'list' | 'single' | 'pair';
}

/** `samples` (how many images), up to max; `wire`: sent as a string ("1") or a JSON number. */
export interface V7Samples {
	max: number;
	wire: 'string' | 'number';
}

export interface V7ImageModel {
	id: string;
	direction: V7Direction;
	size: V7Size;
	references?: V7References;
	samples?: V7Samples;
}

const IMAGEN_RATIOS = ['1:1', '3:4', '4:3', '9:16', '16:9'] as const;
const SEEDREAM_RATIOS = ['1:1', '4:3', '3:4', '16:9', '9:16', '3:2', '2:3', '21:9'] as const;
const SEEDREAM_EDIT_RATIOS = ['1:1', '4:3', '16:9', '9:16', '3:2', '2:3', '21:9'] as const; // no 3:4, as documented
const GEN4_RATIOS = ['16:9', '9:16', '1:1'] as const;
const KONTEXT_RATIOS = ['21:9', '16:9', '4:3', '3:2', '1:1', '2:3', '3:4', '9:16', '9:21'] as const;

const required = (ratios: readonly string[] | 'any'): V7Size => ({ by: 'ratio', ratios, required: true });
const optional = (ratios: readonly string[] | 'any'): V7Size => ({ by: 'ratio', ratios, required: false });
const PIXELS_512_1024: V7Size = { by: 'pixels', min: 512, max: 1024 };
const NO_SIZE: V7Size = { by: 'none' };

const list = (max: number): V7References => ({ min: 1, max, sentAs: 'list' });
const SINGLE: V7References = { min: 1, max: 1, sentAs: 'single' };
const PAIR: V7References = { min: 2, max: 2, sentAs: 'pair' };

export const V7_IMAGE_MODELS: readonly V7ImageModel[] = [
	// POST /api/v7/images/text-to-image
	{ id: 'imagen-4', direction: 'generate', size: required(IMAGEN_RATIOS) },
	{ id: 'imagen-4.0-ultra', direction: 'generate', size: required(IMAGEN_RATIOS), samples: { max: 4, wire: 'string' } },
	{ id: 'imagen-4.0-fast-generate', direction: 'generate', size: required(IMAGEN_RATIOS) },
	{ id: 'imagen-3', direction: 'generate', size: NO_SIZE },
	{ id: 'nano-banana-pro', direction: 'generate', size: optional('any') },
	{ id: 'nano-banana-t2i', direction: 'generate', size: NO_SIZE },
	{ id: 'seedream-4.5', direction: 'generate', size: required(SEEDREAM_RATIOS) },
	{ id: 'seedream-4', direction: 'generate', size: required(SEEDREAM_RATIOS) },
	{ id: 'seedream-t2i', direction: 'generate', size: PIXELS_512_1024 },
	{ id: 'flux-2-pro', direction: 'generate', size: PIXELS_512_1024 },
	{ id: 'gen4_image', direction: 'generate', size: required(GEN4_RATIOS) },
	// POST /api/v7/images/image-to-image
	{ id: 'nano-banana-pro', direction: 'edit', size: optional('any'), references: list(14) },
	{ id: 'seedream-4.5-i2i', direction: 'edit', size: required(SEEDREAM_EDIT_RATIOS), references: list(10) },
	{ id: 'seedream-4.0-i2i', direction: 'edit', size: NO_SIZE, references: list(10) },
	{ id: 'flux-2-pro', direction: 'edit', size: NO_SIZE, references: list(10) },
	{ id: 'flux-kontext-pro', direction: 'edit', size: optional(KONTEXT_RATIOS), references: SINGLE },
	{ id: 'nano-banana', direction: 'edit', size: NO_SIZE, references: PAIR },
	{ id: 'gen4_image_turbo', direction: 'edit', size: NO_SIZE, references: PAIR },
	{ id: 'seededit-i2i', direction: 'edit', size: NO_SIZE, references: SINGLE },
];

/** Display names for the model listing (`GET /api/v7/models`). */
export const V7_IMAGE_MODEL_NAMES: Readonly<Record<string, string>> = {
	'imagen-4': 'Imagen 4',
	'imagen-4.0-ultra': 'Imagen 4.0 Ultra',
	'imagen-4.0-fast-generate': 'Imagen 4.0 Fast',
	'imagen-3': 'Imagen 3',
	'nano-banana-pro': 'Nano Banana Pro',
	'nano-banana-t2i': 'Nano Banana Text to Image',
	'nano-banana': 'Nano Banana',
	'seedream-4.5': 'Seedream 4.5',
	'seedream-4.5-i2i': 'Seedream 4.5 Image to Image',
	'seedream-4': 'Seedream 4.0',
	'seedream-4.0-i2i': 'Seedream 4.0 Image to Image',
	'seedream-t2i': 'Seedream Text to Image',
	'seededit-i2i': 'SeedEdit Image to Image',
	'flux-2-pro': 'Flux 2 Pro',
	'flux-kontext-pro': 'Flux Kontext Pro',
	gen4_image: 'Runway Gen-4 Image',
	gen4_image_turbo: 'Runway Gen-4 Image Turbo',
};

/** Community models the listing shows besides the catalog's (they are not v7 provider models here). */
export const V7_COMMUNITY_MODELS: Readonly<Record<string, string>> = {
	flux: 'Flux',
	sdxl: 'SDXL 1.0',
	midjourney: 'MidJourney',
};
