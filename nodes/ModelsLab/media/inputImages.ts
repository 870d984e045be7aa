/**
 * The images the editing operations take in: read from the item's binary data (through n8n's
 * helpers, so every binary data mode works) or given as a link, checked before anything is sent,
 * then sent the way the route takes them: inline as a data URI, or uploaded first and sent as the
 * link the upload helper returns. A user's link is passed on as it is and never fetched here.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ImageInputName, ImageInputParams } from '../schemas/imageEditing';
import { IMAGE_INPUTS } from '../schemas/imageEditing';
import { INPUT_IMAGE_TYPES, LIMITS } from '../schemas/limits';
import { isApiAnswer, readLinks, readMessage, readStatus } from '../api/answer';
import { UPLOAD_PATH } from '../api/apis';
import { cancelledError, ensureNodeError, failureOf } from '../api/errors';
import { redactSecret } from '../api/redact';
import { modelsLabApiRequest } from '../api/request';
import { RETRY_POLICIES, retryWithin } from '../time/retry';
import { describeValue } from '../parameters/validate';
import type { ApiContext } from '../api/context';
import { detectImageMimeType, detectMimeType, imageSize } from './fileTypes';

interface ImageInfo {
	mimeType: string;
	width: number;
	height: number;
}

/** Type and size read from the bytes themselves: undefined unless PNG, JPEG or WebP with a readable size. */
export function readImageInfo(bytes: Buffer): ImageInfo | undefined {
	const mimeType = detectImageMimeType(bytes);
	if (!mimeType || !(INPUT_IMAGE_TYPES as readonly string[]).includes(mimeType)) return undefined;
	const size = imageSize(bytes, mimeType);
	return size && { mimeType, ...size };
}

/** What is wrong with a file as an input image, or undefined when it will do. */
export function imageProblem(bytes: Buffer): string | undefined {
	if (bytes.length === 0) return 'is empty';
	if (bytes.length > LIMITS.inputImageBytes.max) {
		return `is ${(bytes.length / 1024 / 1024).toFixed(2)} MB; ModelsLab takes images of up to 5 MB`;
	}
	// any type the bytes show, a video's too, so the refusal can name it
	const type = detectMimeType(bytes);
	if (!type || !(INPUT_IMAGE_TYPES as readonly string[]).includes(type)) {
		return `is not a PNG, JPEG or WebP image${type ? ` (it is ${type})` : ''}`;
	}
	if (!readImageInfo(bytes)) return `is image data (${type}) whose size cannot be read (a damaged file?)`;
	return undefined;
}

export type InputImage =
	| { name: ImageInputName; source: 'url'; url: string }
	| { name: ImageInputName; source: 'binary'; binaryField: string; bytes: Buffer; info: ImageInfo };

const FIELD_LABELS: Record<ImageInputName, { binary: string; url: string }> = {
	image: { binary: 'Input Binary Field', url: 'Image URL' },
	mask: { binary: 'Mask Binary Field', url: 'Mask URL' },
};

function refusal(this: IExecuteFunctions, itemIndex: number, message: string, description = 'Nothing was sent to ModelsLab.') {
	return new NodeOperationError(this.getNode(), message, { itemIndex, description });
}

/** Reads one input of an item: a link as it is, or the binary file, refused (naming field and item) unless usable. */
export async function readInputImage(
	this: IExecuteFunctions,
	itemIndex: number,
	name: ImageInputName,
	input: ImageInputParams,
	/** the field the user filled in, where it is not the input's usual one (a video's Last Frame Binary Field) */
	binaryLabel = FIELD_LABELS[name].binary,
): Promise<InputImage> {
	if (input.source === 'url') return { name, source: 'url', url: input.url };
	// the name as JSON, shortened: a pasted megabyte or a quote in it stays one readable line
	const named = describeValue(input.binaryField);
	const field = `${binaryLabel} ${named}`;
	const binaries = this.getInputData()[itemIndex]?.binary ?? {};
	// own fields only: "constructor" or "__proto__" name no file of the item
	if (!Object.hasOwn(binaries, input.binaryField)) {
		const present = Object.keys(binaries);
		throw refusal.call(
			this,
			itemIndex,
			`${field}: item ${itemIndex} has no binary field ${named}`,
			`Nothing was sent to ModelsLab. The item's binary fields: ${present.length ? present.join(', ') : 'none'}. Set ${binaryLabel} to the one that holds the ${name}, or use ${IMAGE_INPUTS[name].source === 'imageSource' ? 'Image' : 'Mask'} Source "URL".`,
		);
	}
	const bytes = await this.helpers.getBinaryDataBuffer(itemIndex, input.binaryField);
	const problem = imageProblem(bytes);
	if (problem) throw refusal.call(this, itemIndex, `${field} of item ${itemIndex} ${problem}`);
	return { name, source: 'binary', binaryField: input.binaryField, bytes, info: readImageInfo(bytes)! };
}

/** A mask must have the image's size; only files are compared (links are never fetched). */
export function checkMaskSize(this: IExecuteFunctions, itemIndex: number, image: InputImage, mask: InputImage): void {
	if (image.source !== 'binary' || mask.source !== 'binary') return;
	const { width, height } = image.info;
	if (mask.info.width === width && mask.info.height === height) return;
	throw refusal.call(
		this,
		itemIndex,
		`Mask Binary Field "${mask.binaryField}" of item ${itemIndex} is ${mask.info.width}×${mask.info.height}, but the image is ${width}×${height}: the mask must have the image's size`,
	);
}

function dataUri(image: { bytes: Buffer; info: ImageInfo }): string {
	return `data:${image.info.mimeType};base64,${image.bytes.toString('base64')}`;
}

/** Puts the image on ModelsLab's image host and gives its link. Uploads make no job and bill nothing, so a failed one (5xx, network) may be sent again. */
export async function uploadImage(
	this: IExecuteFunctions,
	image: { name: ImageInputName; bytes: Buffer; info: ImageInfo },
	context: ApiContext,
): Promise<string> {
	const signal = this.getExecutionCancelSignal();
	const waiting = { clock: context.clock, signal, cancelled: () => cancelledError(this.getNode(), context.itemIndex) };
	return await retryWithin<string>({ ...waiting, policy: RETRY_POLICIES.uploads }, async () => {
		try {
			const answer = await modelsLabApiRequest.call(this, {
				api: context.api,
				url: UPLOAD_PATH,
				body: { init_image: dataUri(image) },
				purpose: 'lookup',
				itemIndex: context.itemIndex,
			});
			const [link] = isApiAnswer(answer) && readStatus(answer) === 'success' ? readLinks(answer.output) : [];
			if (link && /^https?:\/\//i.test(link)) return { done: link };
			const message = isApiAnswer(answer) ? redactSecret(readMessage(answer), context.secret) : '';
			throw new NodeOperationError(
				this.getNode(),
				`ModelsLab did not take the ${image.name} upload of item ${context.itemIndex}${message ? `: ${message}` : ' (no link in its answer)'}`,
				{ itemIndex: context.itemIndex, description: 'No job was created, so nothing was billed.' },
			);
		} catch (error) {
			const failure = ensureNodeError(this.getNode(), error, context.itemIndex);
			if (!failureOf(error).retryable || signal?.aborted) throw failure;
			return {
				giveUp: () => {
					throw failure;
				},
			};
		}
	});
}

/** How a route takes an input file: inline as a data URI, or uploaded first and sent as a link. */
export type Sending = 'inline' | 'upload';

/** The value of an image field in the create body. */
export async function imageFieldValue(
	this: IExecuteFunctions,
	image: InputImage,
	sending: Sending,
	context: ApiContext,
): Promise<string> {
	if (image.source === 'url') return image.url;
	return sending === 'inline' ? dataUri(image) : await uploadImage.call(this, image, context);
}
