/**
 * The image download client: plain GETs without credentials, capped at Max Image Size, tried
 * again while a retry can help and there is time.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ItemContext } from '../api/context';
import type { MediaKind } from './fileTypes';
import { cancelledError, networkReason, withRequestId } from '../api/errors';
import { withRequestSettings } from '../api/requestSettings';
import { RETRY_POLICIES, retryWithin } from '../time/retry';

/** Not there yet (404 until the CDN has it), throttled, or the host failing: worth another try. */
function retryableStatus(status: number): boolean {
	return [404, 408, 425, 429].includes(status) || status >= 500;
}

export interface Image {
	bytes: Buffer;
	mimeType: string;
}

/** One image of a job, for errors that name it and say how to collect it again. */
export interface ImageRef {
	what: string;
	requestId?: string;
	/** Max Image Size (Max Video Size for videos), in MB. */
	limitMb: number;
	/** The most bytes to read: the limit, or 4/3 of it for base64 text. */
	maxBytes: number;
	/** What the operation makes: a file of another kind is refused. */
	media: MediaKind;
	context: ItemContext;
}

/** Names the cap's field as the user sees it: videos show the same saved field as Max Video Size (MB). */
export function tooLarge(ref: ImageRef): string {
	if (ref.media === 'video') return `larger than the ${ref.limitMb} MB limit set in Max Video Size (MB)`;
	return `larger than the ${ref.limitMb} MB limit (Max Image Size)`;
}

export function imageError(this: IExecuteFunctions, ref: ImageRef, message: string, description?: string) {
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

export interface OpenedFile {
	body: unknown;
	headers: Record<string, unknown>;
	/** Content-Length, NaN when the host sends none. */
	declared: number;
}

/**
 * One try: a plain GET without credentials (file hosts must never see the API key), as a stream,
 * handed to `read` once it answers 2xx with a size within the cap. An HTTP status, a size over the
 * cap, a network failure or cancellation end the try here, with whether another can help.
 */
export async function attemptDownload<T>(
	this: IExecuteFunctions,
	url: string,
	ref: ImageRef,
	read: (file: OpenedFile) => Promise<DownloadAttempt<T>>,
): Promise<DownloadAttempt<T>> {
	const signal = this.getExecutionCancelSignal();
	let body: unknown;
	try {
		const options = withRequestSettings(
			{ method: 'GET', url, encoding: 'stream', returnFullResponse: true, ignoreHttpStatusErrors: true, abortSignal: signal },
			'download',
			ref.context.requestSettings,
		);
		const response = (await this.helpers.httpRequest(options)) as { statusCode: number; body: unknown; headers?: Record<string, unknown> };
		body = response.body;
		if (response.statusCode < 200 || response.statusCode >= 300) {
			discard(body);
			return { problem: `HTTP ${response.statusCode}`, retry: retryableStatus(response.statusCode) };
		}
		const headers = response.headers ?? {};
		const declared = headers['content-length'] === undefined ? NaN : Number(headers['content-length']);
		if (declared > ref.maxBytes) {
			discard(body);
			return { problem: tooLarge(ref), retry: false };
		}
		return await read({ body, headers, declared });
	} catch (error) {
		discard(body);
		if (signal?.aborted) throw cancelledError(this.getNode(), ref.context.itemIndex, ref.requestId);
		return { problem: networkReason(error, ref.context.secret), retry: true };
	}
}

/** One download into memory, capped while it is read. */
async function readWhole({ body, headers, declared }: OpenedFile, ref: ImageRef): Promise<DownloadAttempt<{ bytes: Buffer; contentType?: string }>> {
	const bytes = await readCapped(body, ref.maxBytes);
	if (!bytes) {
		discard(body);
		return { problem: tooLarge(ref), retry: false };
	}
	// a compressed body has another length than its header says
	if (Number.isFinite(declared) && !headers['content-encoding'] && declared !== bytes.length) {
		return { problem: `cut short (${bytes.length} of ${declared} bytes)`, retry: true };
	}
	const contentType = typeof headers['content-type'] === 'string' ? headers['content-type'] : undefined;
	return { done: { bytes, contentType } };
}

/** One try at a download: the file, or why not and whether another try can help. */
export type DownloadAttempt<T> = { done: T } | { problem: string; retry: boolean };

/**
 * A download tried again while a retry can help and there is time: CDNs answer 404 until a file is
 * uploaded, and a download can fail or stop half way. The last problem is the item's error.
 */
export async function retryDownload<T>(
	this: IExecuteFunctions,
	url: string,
	ref: ImageRef,
	once: () => Promise<DownloadAttempt<T>>,
): Promise<T> {
	const { clock, deadline } = ref.context;
	const signal = this.getExecutionCancelSignal();
	const cancelled = () => cancelledError(this.getNode(), ref.context.itemIndex, ref.requestId);
	return await retryWithin<T>({ clock, signal, cancelled, deadline, policy: RETRY_POLICIES.downloads }, async (attempts) => {
		const attempt = await once();
		if ('done' in attempt) return attempt;
		const resume = ref.requestId
			? ` The job itself finished: collect it again with Fetch Result and request ID ${ref.requestId}, or set Output to ${ref.media === 'video' ? 'Video' : 'Image'} URLs.`
			: '';
		const failure = imageError.call(
			this,
			ref,
			`Could not download ${ref.what}: ${attempt.problem}`,
			`${attempts === 1 ? 'Tried once' : `Tried ${attempts} times`}: ${url}.${attempt.retry ? resume : ''}`,
		);
		if (!attempt.retry) throw failure;
		return {
			giveUp: () => {
				throw failure;
			},
		};
	});
}

/** Downloads and checks an image (`read` says whether the bytes are one), with retryDownload's tries. */
export async function download(
	this: IExecuteFunctions,
	url: string,
	ref: ImageRef,
	read: (bytes: Buffer, contentType?: string) => Image | string,
): Promise<Image> {
	return await (retryDownload<Image>).call(this, url, ref, async () => {
		const attempt = await (attemptDownload<{ bytes: Buffer; contentType?: string }>).call(this, url, ref, async (file) => await readWhole(file, ref));
		if ('problem' in attempt) return attempt;
		const image = read(attempt.done.bytes, attempt.done.contentType);
		return typeof image === 'string' ? { problem: image, retry: true } : { done: image };
	});
}
