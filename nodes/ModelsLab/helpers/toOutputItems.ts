import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { networkReason } from '../transport';
import type { ApiAnswer } from './apiAnswer';
import { cancelledError, withRequestId } from './errors';
import { readEtaSeconds, readLinks, readRequestId } from './apiAnswer';
import type { ImageSource } from './images';
import { classifyImageEntry, decodeBase64, imageFileName, imageMimeType, isCompleteImage, sanitizeMeta } from './images';
import type { Clock } from './waitForResult';

/** Turns a finished job into n8n items: one per image, as binary files or as links. */

export type OutputMode = 'binary' | 'urls';

export interface OutputSettings {
	output: OutputMode;
	binaryPropertyName: string;
	/** MB per image. */
	maxImageSize: number;
}

export interface ItemContext {
	itemIndex: number;
	/** The credential's key, only to keep it out of what the node outputs. */
	secret: string;
	/** Clock time after which the node stops waiting, for the job and for its images. */
	deadline: number;
	clock: Clock;
}

const DOWNLOAD = {
	/** Tries before giving up, even past Max Wait Time: a job that just finished gets its retries. */
	minAttempts: 3,
	firstRetryDelayMs: 250,
	maxRetryDelayMs: 4000,
	timeoutMs: 60_000,
};

/** Not there yet (404 until the CDN has it), throttled, or the host failing: worth another try. */
function retryableStatus(status: number): boolean {
	return [404, 408, 425, 429].includes(status) || status >= 500;
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

interface Image {
	bytes: Buffer;
	mimeType: string;
}

/** One image of a job, for errors that name it and say how to collect it again. */
interface ImageRef {
	what: string;
	requestId?: string;
	/** Max Image Size, in MB. */
	limitMb: number;
	/** The most bytes to read: the limit, or 4/3 of it for base64 text. */
	maxBytes: number;
	context: ItemContext;
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

function tooLarge(ref: ImageRef): string {
	return `larger than the ${ref.limitMb} MB limit (Max Image Size)`;
}

function imageError(this: IExecuteFunctions, ref: ImageRef, message: string, description?: string) {
	return withRequestId(
		new NodeOperationError(this.getNode(), message, { itemIndex: ref.context.itemIndex, description }),
		ref.requestId,
	);
}

type BodyStream = AsyncIterable<Uint8Array> & { destroy?: () => void };

function discard(body: unknown) {
	(body as BodyStream | undefined)?.destroy?.();
}

/** Reads a response body up to `maxBytes`; undefined when it is larger, so a huge file never fills memory. */
async function readCapped(body: unknown, maxBytes: number): Promise<Buffer | undefined> {
	if (body === undefined || body === null) return Buffer.alloc(0);
	if (Buffer.isBuffer(body) || typeof body === 'string') {
		const bytes = Buffer.from(body);
		return bytes.length > maxBytes ? undefined : bytes;
	}
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of body as BodyStream) {
		size += chunk.length;
		if (size > maxBytes) {
			discard(body);
			return undefined;
		}
		chunks.push(Buffer.from(chunk));
	}
	return Buffer.concat(chunks, size);
}

type Attempt = { bytes: Buffer; contentType?: string } | { problem: string; retry: boolean };

/** One plain GET without credentials: image hosts must never see the API key. */
async function getOnce(this: IExecuteFunctions, url: string, ref: ImageRef): Promise<Attempt> {
	const signal = this.getExecutionCancelSignal();
	let body: unknown;
	try {
		const response = (await this.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: DOWNLOAD.timeoutMs,
			abortSignal: signal,
		})) as { statusCode: number; body: unknown; headers?: Record<string, unknown> };
		body = response.body;
		const headers = response.headers ?? {};
		if (response.statusCode < 200 || response.statusCode >= 300) {
			discard(body);
			return { problem: `HTTP ${response.statusCode}`, retry: retryableStatus(response.statusCode) };
		}
		const declared = headers['content-length'] === undefined ? NaN : Number(headers['content-length']);
		const bytes = declared > ref.maxBytes ? undefined : await readCapped(body, ref.maxBytes);
		if (!bytes) {
			discard(body);
			return { problem: tooLarge(ref), retry: false };
		}
		// a compressed body has another length than its header says
		if (Number.isFinite(declared) && !headers['content-encoding'] && declared !== bytes.length) {
			return { problem: `cut short (${bytes.length} of ${declared} bytes)`, retry: true };
		}
		const contentType = typeof headers['content-type'] === 'string' ? headers['content-type'] : undefined;
		return { bytes, contentType };
	} catch (error) {
		discard(body);
		if (signal?.aborted) throw cancelledError(this.getNode(), ref.context.itemIndex, ref.requestId);
		return { problem: networkReason(error, ref.context.secret), retry: true };
	}
}

/**
 * Downloads and checks an image, trying again while a retry can help and there is time: CDNs
 * answer 404 until an image is uploaded, and a download can fail or stop half way.
 */
async function download(
	this: IExecuteFunctions,
	url: string,
	ref: ImageRef,
	read: (bytes: Buffer, contentType?: string) => Image | string,
): Promise<Image> {
	const { clock, deadline } = ref.context;
	const signal = this.getExecutionCancelSignal();
	let delay = DOWNLOAD.firstRetryDelayMs;
	let attempts = 0;
	for (;;) {
		attempts++;
		const attempt = await getOnce.call(this, url, ref);
		const image = 'bytes' in attempt ? read(attempt.bytes, attempt.contentType) : undefined;
		if (image && typeof image !== 'string') return image;
		const problem = 'problem' in attempt ? attempt.problem : (image as string);
		const retry = 'problem' in attempt ? attempt.retry : true;
		const inTime = clock.now() + delay < deadline;
		if (!retry || (attempts >= DOWNLOAD.minAttempts && !inTime)) {
			const resume = ref.requestId
				? ` The job itself finished: collect it again with Fetch Result and request ID ${ref.requestId}, or set Output to Image URLs.`
				: '';
			throw imageError.call(
				this,
				ref,
				`Could not download ${ref.what}: ${problem}`,
				`${attempts === 1 ? 'Tried once' : `Tried ${attempts} times`}: ${url}.${retry ? resume : ''}`,
			);
		}
		await clock.sleep(delay, signal).catch(() => undefined);
		if (signal?.aborted) throw cancelledError(this.getNode(), ref.context.itemIndex, ref.requestId);
		delay = Math.min(delay * 2, DOWNLOAD.maxRetryDelayMs);
	}
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
