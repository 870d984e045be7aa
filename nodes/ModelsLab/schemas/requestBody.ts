import type { IDataObject } from 'n8n-workflow';

import type { EnterpriseText2ImgParams, Text2ImgParams } from './text2img';

/**
 * The one field-name mapping: a field's API name is its camelCase name in snake_case
 * (`numInferenceSteps` is sent as `num_inference_steps`).
 */
function apiFieldName(name: string): string {
	return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/**
 * Fields as the API names them. An unset or emptied field means "the API's default" and is left
 * out; flags go as the route takes them: "yes"/"no" (v6 images) or booleans (image_editing).
 */
export function toApiFields(values: Record<string, unknown>, flags: 'yesNo' | 'boolean'): IDataObject {
	const body: IDataObject = {};
	for (const [name, value] of Object.entries(values)) {
		if (value === undefined || value === '') continue;
		body[apiFieldName(name)] = typeof value === 'boolean' && flags === 'yesNo' ? (value ? 'yes' : 'no') : (value as IDataObject[string]);
	}
	return body;
}

/** The options part of a create body (text2img, img2img, inpaint): API names, flags as "yes"/"no", LoRAs as lists. */
export function optionsToBody(validated: object): IDataObject {
	const { loras, ...options } = validated as Record<string, unknown> & { loras?: Array<{ model: string; strength: number }> };
	const body = toApiFields(options, 'yesNo');
	if (loras?.length) {
		body.lora_model = loras.map((lora) => lora.model).join(',');
		body.lora_strength = loras.map((lora) => lora.strength).join(',');
	}
	return body;
}

/** Builds the create body from validated parameters, as the API's docs send it (flags as "yes"/"no"). */
export function toRequestBody({ modelId, prompt, negativePrompt, width, height, samples, options }: Text2ImgParams | EnterpriseText2ImgParams): IDataObject {
	return { ...toApiFields({ prompt, width, height, samples, modelId, negativePrompt }, 'yesNo'), ...optionsToBody(options) };
}
