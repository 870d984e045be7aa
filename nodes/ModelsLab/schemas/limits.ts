/**
 * Every range and length limit, in one place: the zod schemas validate against them and the
 * parameter UI shows them, so the two cannot disagree. Defaults are the fields' own.
 */
export const LIMITS = {
	dimension: { min: 256, max: 1024 },
	samples: { min: 1, max: 4 },
	numInferenceSteps: { min: 1, max: 50 },
	guidanceScale: { min: 1, max: 20 },
	seed: { min: 0, max: 4294967295 },
	clipSkip: { min: 1, max: 8 },
	loraStrength: { min: 0.1, max: 1 },
	injectedNoiseAlpha: { min: 0, max: 1 },
	sigmaThreshold: { min: 0, max: 1 },
	trueCfgScale: { min: 0, max: 10 },
	zeroSteps: { min: 0, max: 50 },
	promptLength: { max: 10000 },
	/** IDs and names: model, VAE, track ID, binary field. */
	shortText: { max: 200 },
	/** A request ID as the API returns it (letters, digits, "-", "_", "."). */
	requestId: { max: 100 },
	/** Seconds. */
	maxWaitTime: { min: 1, max: 3600 },
	/** MB per downloaded image. */
	maxImageSize: { min: 0.01, max: 1024 },
	concurrency: { min: 1, max: 50 },
	/** Image editing: how far the result may move from the input image. */
	strength: { min: 0, max: 1 },
	upscaleScale: { min: 1, max: 4 },
	/** Outpaint's target canvas (docs: up to 1440). */
	outpaintDimension: { min: 64, max: 1440 },
	overlapWidth: { min: 0, max: 42 },
	outpaintSteps: { min: 1, max: 30 },
	alphaMattingForegroundThreshold: { min: 0, max: 240 },
	alphaMattingBackgroundThreshold: { min: 0, max: 20 },
	alphaMattingErodeSize: { min: 0, max: 5 },
	/** An input image or mask, in bytes: the upload helper's documented 5 MB, counted on the file. */
	inputImageBytes: { max: 5 * 1024 * 1024 },
	/** Request Options → Timeout, ms. */
	requestTimeout: { min: 1, max: 3_600_000 },
} as const;

export const ENTERPRISE_STEPS = [21, 31, 41] as const;

export const SCHEDULERS = [
	'DDPMScheduler',
	'DDIMScheduler',
	'PNDMScheduler',
	'LMSDiscreteScheduler',
	'EulerDiscreteScheduler',
	'EulerAncestralDiscreteScheduler',
	'DPMSolverMultistepScheduler',
	'HeunDiscreteScheduler',
	'KDPM2DiscreteScheduler',
	'DPMSolverSinglestepScheduler',
	'KDPM2AncestralDiscreteScheduler',
	'UniPCMultistepScheduler',
	'DDIMInverseScheduler',
	'DEISMultistepScheduler',
	'IPNDMScheduler',
	'KarrasVeScheduler',
	'ScoreSdeVeScheduler',
	'LCMScheduler',
] as const;

export const SAFETY_CHECKER_TYPES = ['sensitive_content_text', 'blur', 'pixelate', 'black'] as const;

/** `algorithm_type` values of diffusers' DPMSolverMultistepScheduler; `none` leaves the default. */
export const ALGORITHM_TYPES = [
	'none',
	'dpmsolver',
	'dpmsolver++',
	'sde-dpmsolver',
	'sde-dpmsolver++',
] as const;

/** `algorithm_type` as images/img2img and images/inpaint document it. */
export const IMG2IMG_ALGORITHM_TYPES = ['none', 'dpmsolver+++'] as const;

/** super_resolution's `model_id` values; the first is the documented default. */
export const UPSCALE_MODELS = [
	'realesr-general-x4v3',
	'RealESRGAN_x4plus',
	'RealESRGAN_x4plus_anime_6B',
	'RealESRGAN_x2plus',
	'ultra_resolution',
] as const;

/** The image types the editing routes take, read from the bytes. */
export const INPUT_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;

export function rangeText(limit: { min: number; max: number }): string {
	return `${limit.min}–${limit.max}`;
}
