import type { IDataObject } from 'n8n-workflow';

import type { EnterpriseText2ImgParams, OptionName, Text2ImgParams } from './text2img';

/** The API's snake_case name of every option; LoRAs are mapped separately. */
const API_NAMES: Record<Exclude<OptionName, 'loras'>, string> = {
	numInferenceSteps: 'num_inference_steps',
	guidanceScale: 'guidance_scale',
	seed: 'seed',
	scheduler: 'scheduler',
	safetyChecker: 'safety_checker',
	safetyCheckerType: 'safety_checker_type',
	enhancePrompt: 'enhance_prompt',
	clipSkip: 'clip_skip',
	tomesd: 'tomesd',
	useKarrasSigmas: 'use_karras_sigmas',
	vae: 'vae',
	panorama: 'panorama',
	selfAttention: 'self_attention',
	upscale: 'upscale',
	highresFix: 'highres_fix',
	algorithmType: 'algorithm_type',
	temp: 'temp',
	webhook: 'webhook',
	trackId: 'track_id',
	base64: 'base64',
	injectedNoiseAlpha: 'injected_noise_alpha',
	sigmaThreshold: 'sigma_threshold',
	trueCfgScale: 'true_cfg_scale',
	useCfgZeroStar: 'use_cfg_zero_star',
	useZeroInit: 'use_zero_init',
	zeroSteps: 'zero_steps',
};

/** The options part of a create body (text2img, img2img, inpaint): API names, flags as "yes"/"no", LoRAs as lists. */
export function optionsToBody(validated: object): IDataObject {
	const body: IDataObject = {};
	const { loras, ...options } = validated as Record<string, unknown> & { loras?: Array<{ model: string; strength: number }> };
	for (const [name, value] of Object.entries(options)) {
		// an emptied text option means "use the API default", not an empty value
		if (value === undefined || value === '') continue;
		body[API_NAMES[name as keyof typeof API_NAMES]] =
			typeof value === 'boolean' ? (value ? 'yes' : 'no') : (value as IDataObject[string]);
	}
	if (loras?.length) {
		body.lora_model = loras.map((lora) => lora.model).join(',');
		body.lora_strength = loras.map((lora) => lora.strength).join(',');
	}
	return body;
}

/** Builds the create body from validated parameters, as the API's docs send it (flags as "yes"/"no"). */
export function toRequestBody(params: Text2ImgParams | EnterpriseText2ImgParams): IDataObject {
	const body: IDataObject = {
		prompt: params.prompt,
		width: params.width,
		height: params.height,
		samples: params.samples,
	};
	if (params.modelId) body.model_id = params.modelId;
	if (params.negativePrompt) body.negative_prompt = params.negativePrompt;

	Object.assign(body, optionsToBody(params.options));
	return body;
}
