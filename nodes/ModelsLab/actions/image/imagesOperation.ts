import type { IDataObject } from 'n8n-workflow';

import { generationFields } from '../../parameters/generationFields';
import type { Sending } from '../../media/inputImages';
import type { Img2imgParams } from '../../schemas/imageEditing';
import { img2imgSchema } from '../../schemas/imageEditing';
import { optionsToBody, toApiFields } from '../../schemas/requestBody';
import type { OperationFacts } from '../operation';
import type { ImageFields } from './editingOperation';
import { editingOperation } from './editingOperation';

function imagesBody({ modelId, prompt, negativePrompt, strength, samples, options }: Img2imgParams): IDataObject {
	return { ...toApiFields({ modelId, prompt, negativePrompt, strength, samples }, 'yesNo'), ...optionsToBody(options) };
}

/**
 * images/* read a base64 input with `base64: "yes"`, which makes the answer base64 too (the node
 * decodes it). Turning Base64 Response off asks for links: then a file is uploaded first.
 */
function imagesSending(params: Img2imgParams): Sending {
	return params.options.base64 === false ? 'upload' : 'inline';
}

/**
 * Image to Image and Inpaint: the v6 images/* routes, with Text to Image's model picker and the
 * options these routes document (from the same field factory), fetched on the images fetch route.
 */
export function imagesOperation<Value extends string>(
	facts: Omit<OperationFacts<Value>, 'apis' | 'modelList' | 'route'> & { route: string },
	imageFields: ImageFields,
) {
	return editingOperation({
		facts: { ...facts, api: 'standard', modelList: 'standard' },
		fields: generationFields('img2img'),
		schema: img2imgSchema,
		imageFields,
		sending: imagesSending,
		inlineFlags: { base64: 'yes' },
		toBody: imagesBody,
	});
}
