/** Turns a finished job into n8n items: one per image, as binary files or as links. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ApiAnswer } from '../transport/answer';
import { readEtaSeconds, readLinks, readRequestId } from '../transport/answer';
import type { Image, ImageRef, ItemContext } from '../transport/download';
import { download, imageError, tooLarge } from '../transport/download';
import { sanitizeMeta } from '../transport/redact';
import type { ImageSource } from './images';
import { classifyImageEntry, decodeBase64, imageFileName, imageMimeType, isCompleteImage } from './images';

export type OutputMode = 'binary' | 'urls';

export interface OutputSettings {
	output: OutputMode;
	binaryPropertyName: string;
	/** MB per image. */
	maxImageSize: number;
}

function pairedTo(itemIndex: number) {
	return { item: itemIndex };
}

/** The shape returned while a job is still queued, so a later Fetch Result can pick it up. */
export function pendingItem(answer: ApiAnswer, context: ItemContext): INodeExecutionData {
	return {
		json: {
			id: readRequestId(answer) ?? null,
			status: String(answer.status ?? 'processing'),
			eta: readEtaSeconds(answer) ?? null,
			futureLinks: readLinks(answer.future_links),
		},
		pairedItem: pairedTo(context.itemIndex),
	};
}

/** A whole image, or why not: a cut-short download or an error page is no image. */
function readImage(bytes: Buffer, declaredType?: string): Image | string {
	const mimeType = imageMimeType(bytes, declaredType);
	if (!mimeType) return `not an image${declaredType ? ` (${declaredType})` : ''}`;
	if (!isCompleteImage(bytes, mimeType)) return `incomplete ${mimeType} (${bytes.length} bytes)`;
	return { bytes, mimeType };
}

function readBase64Image(text: string, ref: ImageRef, declaredType?: string): Image | string {
	const bytes = decodeBase64(text);
	if (!bytes || bytes.length === 0) return 'not base64 image data';
	if (bytes.length > ref.limitMb * 1024 * 1024) return tooLarge(ref);
	return readImage(bytes, declaredType);
}

async function imageOf(this: IExecuteFunctions, source: ImageSource, ref: ImageRef): Promise<Image> {
	switch (source.kind) {
		case 'url':
			return await download.call(this, source.url, ref, (bytes, contentType) => readImage(bytes, contentType));
		case 'base64Link': {
			// base64 text is 4/3 the size of its image
			const textRef = { ...ref, maxBytes: Math.ceil((ref.maxBytes * 4) / 3) + 4 };
			return await download.call(this, source.url, textRef, (text) => readBase64Image(text.toString('utf8'), ref));
		}
		case 'inline': {
			const image = readBase64Image(source.base64, ref, source.mimeType);
			if (typeof image !== 'string') return image;
			throw imageError.call(this, ref, `ModelsLab sent ${ref.what} as data that is no usable image: ${image}`);
		}
		case 'unsupported':
			throw imageError.call(
				this,
				ref,
				`ModelsLab sent a ${source.scheme} link for ${ref.what}; only http(s) links are downloaded`,
				'Nothing was fetched from it.',
			);
	}
}

export async function successItems(
	this: IExecuteFunctions,
	answer: ApiAnswer,
	settings: OutputSettings,
	context: ItemContext,
): Promise<INodeExecutionData[]> {
	const requestId = readRequestId(answer);
	const entries = readLinks(answer.output).length
		? readLinks(answer.output)
		: readLinks(answer.proxy_links);
	const meta = sanitizeMeta(answer.meta, context.secret);
	const items: INodeExecutionData[] = [];
	for (const [imageIndex, entry] of entries.entries()) {
		const source = classifyImageEntry(entry);
		const ref: ImageRef = {
			what: `image ${imageIndex} of request ${requestId ?? 'unknown'}`,
			requestId,
			limitMb: settings.maxImageSize,
			maxBytes: Math.floor(settings.maxImageSize * 1024 * 1024),
			context,
		};
		const item: INodeExecutionData = {
			json: {
				id: requestId ?? 'unknown',
				status: 'success',
				imageUrl: source.kind === 'url' || source.kind === 'base64Link' ? source.url : null,
				imageIndex,
				seed: (meta.seed as number | undefined) ?? null,
				generationTime: (answer.generationTime as number | undefined) ?? null,
				meta,
			},
			pairedItem: pairedTo(context.itemIndex),
		};
		// links are enough in URL mode; inline base64 has no link, so it becomes a file either way
		if (settings.output === 'binary' || source.kind !== 'url') {
			const image = await imageOf.call(this, source, ref);
			item.binary = {
				[settings.binaryPropertyName]: await this.helpers.prepareBinaryData(
					image.bytes,
					imageFileName(requestId ?? 'unknown', imageIndex, image.mimeType),
					image.mimeType,
				),
			};
		}
		items.push(item);
	}
	if (items.length === 0) {
		throw new NodeOperationError(
			this.getNode(),
			`ModelsLab reported request ${requestId ?? 'unknown'} as successful but returned no images`,
			{ itemIndex: context.itemIndex },
		);
	}
	return items;
}
