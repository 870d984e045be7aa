/** Turns a finished job into n8n items: one per image, as binary files or as links. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ApiAnswer } from '../api/answer';
import { readEtaSeconds, readLinks, readNumber } from '../api/answer';
import type { ItemContext } from '../api/context';
import type { Image, ImageRef } from './download';
import { download, imageError, tooLarge } from './download';
import { sanitizeMeta } from '../api/redact';
import { chosenFileName, imageFileName, linkFileName } from './fileNames';
import type { MediaKind } from './fileTypes';
import { checkOutputFile, imageSize } from './fileTypes';
import type { ImageSource } from './outputEntries';
import { classifyImageEntry, decodeBase64 } from './outputEntries';
import { storeVideo } from './videoDownload';

type OutputMode = 'binary' | 'urls';

export interface OutputSettings {
	output: OutputMode;
	binaryPropertyName: string;
	/** The File Name option: '' keeps the node's own names. */
	fileName: string;
	/** The Format used (a preset or custom); null where the node cannot know it (Fetch Result). */
	format: string | null;
	/** MB per image. */
	maxImageSize: number;
	/** As an AI Agent tool: the compact answer per image, `meta` only with Include Metadata. */
	toolAnswer?: boolean;
	includeMetadata?: boolean;
	/** The `id` of an item whose answer had no usable id: null (version 2), "unknown" (version 1). */
	idWhenMissing?: null | 'unknown';
	/** What the operation makes; a file of another kind fails its item. Default: images. */
	media?: MediaKind;
}

function pairedTo(itemIndex: number) {
	return { item: itemIndex };
}

/** The shape returned while a job is still queued, so a later Fetch Result can pick it up. */
export function pendingItem(answer: ApiAnswer, requestId: string | undefined, context: ItemContext): INodeExecutionData {
	return {
		json: {
			id: requestId ?? null,
			status: 'processing',
			eta: readEtaSeconds(answer) ?? null,
			futureLinks: readLinks(answer.future_links),
		},
		pairedItem: pairedTo(context.itemIndex),
	};
}

/** A whole file of the kind the operation makes, or why not: a cut-short download or an error page is none. */
function readImage(bytes: Buffer, ref: ImageRef, declaredType?: string): Image | string {
	return checkOutputFile(bytes, declaredType, ref.media);
}

function readBase64Image(text: string, ref: ImageRef, declaredType?: string): Image | string {
	const bytes = decodeBase64(text);
	if (!bytes || bytes.length === 0) return 'not base64 image data';
	if (bytes.length > ref.limitMb * 1024 * 1024) return tooLarge(ref);
	return readImage(bytes, ref, declaredType);
}

async function imageOf(this: IExecuteFunctions, source: ImageSource, ref: ImageRef): Promise<Image> {
	switch (source.kind) {
		case 'url':
			return await download.call(this, source.url, ref, (bytes, contentType) => readImage(bytes, ref, contentType));
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

/** A size from meta, which names it `width`/`height` or `W`/`H` by route and age. */
function metaSize(meta: IDataObject, long: string, short: string): number | null {
	return readNumber(meta[long] ?? meta[short]);
}

/** What every output shares: the answer's entries, its meta, the item's id and a reference per file for its errors. */
function outputOf(answer: ApiAnswer, requestId: string | undefined, settings: OutputSettings, context: ItemContext) {
	const outputLinks = readLinks(answer.output);
	const entries = outputLinks.length ? outputLinks : readLinks(answer.proxy_links);
	const meta = sanitizeMeta(answer.meta, context.secret);
	const id = requestId ?? (settings.idWhenMissing === undefined ? null : settings.idWhenMissing);
	// version 1's messages keep naming the made-up id
	const subject = id === null ? 'the request' : `request ${id}`;
	const media = settings.media ?? 'image';
	const refFor = (index: number): ImageRef => ({
		what: `${media} ${index} of ${subject}`,
		requestId,
		limitMb: settings.maxImageSize,
		maxBytes: Math.floor(settings.maxImageSize * 1024 * 1024),
		media,
		context,
	});
	return { entries, meta, id, subject, refFor };
}

type Output = ReturnType<typeof outputOf>;

/** A video job's items: one per video, streamed into binary data (Binary Files) or as links. */
async function videoItems(
	this: IExecuteFunctions,
	answer: ApiAnswer,
	{ entries, meta, id, subject, refFor }: Output,
	settings: OutputSettings,
	context: ItemContext,
): Promise<INodeExecutionData[]> {
	const items: INodeExecutionData[] = [];
	for (const [videoIndex, entry] of entries.entries()) {
		const source = classifyImageEntry(entry);
		const ref = refFor(videoIndex);
		if (source.kind !== 'url') throw imageError.call(this, ref, `ModelsLab sent ${ref.what} as something other than an http(s) link`, 'Nothing was fetched from it.');
		const fileName = (mimeType: string) =>
			chosenFileName(settings.fileName, entries.length > 1 ? videoIndex : undefined, mimeType) ??
			(id === null ? linkFileName(source.url, videoIndex, mimeType) : imageFileName(String(id), videoIndex, mimeType));
		const stored = settings.output === 'binary' ? await storeVideo.call(this, source.url, ref, fileName) : undefined;
		const json: IDataObject = {
			id,
			status: 'success',
			videoUrl: source.url,
			videoIndex,
			width: stored?.info?.width ?? metaSize(meta, 'width', 'W'),
			height: stored?.info?.height ?? metaSize(meta, 'height', 'H'),
			durationSeconds: stored?.info?.durationSeconds ?? readNumber(meta.duration),
			format: settings.format,
			...(settings.toolAnswer && !settings.includeMetadata ? {} : { generationTime: readNumber(answer.generationTime), meta }),
		};
		items.push({ json, ...(stored ? { binary: { [settings.binaryPropertyName]: stored.binary } } : {}), pairedItem: pairedTo(context.itemIndex) });
	}
	if (items.length === 0) {
		throw new NodeOperationError(this.getNode(), `ModelsLab reported ${subject} as successful but returned no videos`, { itemIndex: context.itemIndex });
	}
	return items;
}

export async function successItems(
	this: IExecuteFunctions,
	answer: ApiAnswer,
	requestId: string | undefined,
	settings: OutputSettings,
	context: ItemContext,
): Promise<INodeExecutionData[]> {
	const output = outputOf(answer, requestId, settings, context);
	if (settings.media === 'video') return await videoItems.call(this, answer, output, settings, context);
	const { entries, meta, id, subject, refFor } = output;
	const items: INodeExecutionData[] = [];
	for (const [imageIndex, entry] of entries.entries()) {
		const source = classifyImageEntry(entry);
		const ref = refFor(imageIndex);
		const imageUrl = source.kind === 'url' || source.kind === 'base64Link' ? source.url : null;
		// links are enough in URL mode; inline base64 has no link, so it becomes a file either way
		const image = settings.output === 'binary' || source.kind !== 'url' ? await imageOf.call(this, source, ref) : undefined;
		const size = (image && imageSize(image.bytes, image.mimeType)) ?? {
			width: metaSize(meta, 'width', 'W'),
			height: metaSize(meta, 'height', 'H'),
		};
		const seed = meta.seed ?? null;
		const json: IDataObject = settings.toolAnswer
			? {
					id,
					imageUrl,
					seed,
					...size,
					format: settings.format,
					status: 'success',
					...(settings.includeMetadata ? { meta } : {}),
				}
			: {
					id,
					status: 'success',
					imageUrl,
					imageIndex,
					seed,
					...size,
					format: settings.format,
					generationTime: readNumber(answer.generationTime),
					meta,
				};
		const item: INodeExecutionData = { json, pairedItem: pairedTo(context.itemIndex) };
		if (image) {
			const fileName =
				chosenFileName(settings.fileName, entries.length > 1 ? imageIndex : undefined, image.mimeType) ??
				(id === null
					? linkFileName(imageUrl, imageIndex, image.mimeType)
					: imageFileName(String(id), imageIndex, image.mimeType));
			item.binary = {
				[settings.binaryPropertyName]: await this.helpers.prepareBinaryData(image.bytes, fileName, image.mimeType),
			};
		}
		items.push(item);
	}
	if (items.length === 0) {
		throw new NodeOperationError(
			this.getNode(),
			`ModelsLab reported ${subject} as successful but returned no images`,
			{ itemIndex: context.itemIndex },
		);
	}
	return items;
}
