// The v7 video-fusion family's models, as the vendor reference (modelslab-api/v7.md §3, §7) gives them:
// per model its route, how it takes its input image, and the values of the options it takes. Data only,
// written apart from the node's own catalog (a test compares the two); the routes read their rules from
// here. Model ids keep the vendor's case; durations and resolutions are strings on the wire.

/** `imageToVideo` models go to `/api/v7/video-fusion/image-to-video`, `textToVideo` ones to `text-to-video`. */
export type V7VideoDirection = 'imageToVideo' | 'textToVideo';

/**
 * An image-to-video model's input image: `single` one URL string in `init_image`; `list` a JSON array of
 * URLs in `init_image`, which with `lastFrame` is exactly [start frame, end frame].
 */
export interface V7VideoImage {
	sentAs: 'single' | 'list';
	lastFrame?: boolean;
}

/** A video model; an option it does not list (aspect ratio, duration, resolution, audio) it does not take. */
export interface V7VideoModel {
	id: string;
	direction: V7VideoDirection;
	/** image-to-video only */
	image?: V7VideoImage;
	aspectRatios?: readonly string[];
	durations?: readonly string[];
	resolutions?: readonly string[];
	/** takes an optional `init_audio` link */
	audio?: 'optional';
	/** its own optional fields and their kinds (a boolean, or text up to `maxLength`) */
	options?: readonly V7VideoOption[];
}

export type V7VideoOption = { field: string; kind: 'boolean' } | { field: string; kind: 'text'; maxLength: number };

/** Veo 3.x's fields (reference §3, the model pages): audio on by default, a negative prompt, prompt enhancement. */
const VEO_OPTIONS: readonly V7VideoOption[] = [
	{ field: 'generate_audio', kind: 'boolean' },
	{ field: 'negative_prompt', kind: 'text', maxLength: 2000 },
	{ field: 'enhance_prompt', kind: 'boolean' },
];

const SINGLE = { sentAs: 'single' } as const;
const LIST = { sentAs: 'list' } as const;
const START_END = { sentAs: 'list', lastFrame: true } as const;

const FIVE_OR_TEN = ['5', '10'] as const;
const WAN_RESOLUTIONS = ['720p', '1080p'] as const;
const VEO_RATIOS = ['16:9', '9:16'] as const;
const VEO_DURATIONS = ['4', '6', '8'] as const;

export const V7_VIDEO_MODELS: readonly V7VideoModel[] = [
	// POST /api/v7/video-fusion/image-to-video
	{ id: 'seedance-i2v', direction: 'imageToVideo', image: SINGLE },
	{ id: 'seedance-1.0-pro-i2v', direction: 'imageToVideo', image: LIST },
	{ id: 'seedance-1.0-pro-fast-i2v', direction: 'imageToVideo', image: SINGLE },
	{ id: 'wan2.6-i2v', direction: 'imageToVideo', image: SINGLE, durations: FIVE_OR_TEN, resolutions: WAN_RESOLUTIONS },
	{ id: 'kling-v2-1-master-i2v', direction: 'imageToVideo', image: SINGLE, durations: FIVE_OR_TEN },
	{ id: 'Kling-V2-5-Turbo-i2v', direction: 'imageToVideo', image: SINGLE, durations: FIVE_OR_TEN },
	{ id: 'kling-v2-1-i2v', direction: 'imageToVideo', image: SINGLE, durations: FIVE_OR_TEN },
	{ id: 'Hailuo-2.3-i2v', direction: 'imageToVideo', image: SINGLE, durations: ['6', '10'] },
	{ id: 'Hailuo-02-i2v', direction: 'imageToVideo', image: SINGLE },
	{ id: 'Hailuo-02-start-end-frame', direction: 'imageToVideo', image: START_END },
	// POST /api/v7/video-fusion/text-to-video
	{ id: 'seedance-t2v', direction: 'textToVideo', aspectRatios: ['16:9', '4:3', '1:1', '9:21'], resolutions: ['720p', '480p'], options: [{ field: 'camera_fixed', kind: 'boolean' }] },
	{ id: 'wan2.6-t2v', direction: 'textToVideo', durations: FIVE_OR_TEN, resolutions: WAN_RESOLUTIONS },
	{ id: 'veo-3.1', direction: 'textToVideo', aspectRatios: VEO_RATIOS, durations: VEO_DURATIONS, options: VEO_OPTIONS },
	{ id: 'veo-3.1-fast', direction: 'textToVideo', aspectRatios: VEO_RATIOS, durations: VEO_DURATIONS, options: VEO_OPTIONS },
	{ id: 'sora-2', direction: 'textToVideo', aspectRatios: ['16:9', '9:16'], durations: ['4', '8', '12'] },
	{ id: 'kling-v2-5-turbo-t2v', direction: 'textToVideo', aspectRatios: ['16:9', '9:16', '1:1'], durations: FIVE_OR_TEN },
	{ id: 'kling-v2-1-master-t2v', direction: 'textToVideo', durations: FIVE_OR_TEN },
	{ id: 'Hailuo-2.3-t2v', direction: 'textToVideo' },
	{ id: 'seedance-1.0-pro-fast-t2v', direction: 'textToVideo' },
];

/** Options ModelsLab's SDK schemas require (reference §3): the Kling models' duration, Kling 2.5 Turbo's ratio too. */
export const V7_VIDEO_REQUIRED: Readonly<Record<string, readonly string[]>> = {
	'kling-v2-1-master-i2v': ['duration'],
	'Kling-V2-5-Turbo-i2v': ['duration'],
	'kling-v2-1-i2v': ['duration'],
	'kling-v2-5-turbo-t2v': ['duration', 'aspect_ratio'],
	'kling-v2-1-master-t2v': ['duration'],
};
