/**
 * Videos go straight into n8n's binary data as they arrive: each chunk is counted against the size
 * cap and fed to the MP4 header reader, and none is kept, so a 100 MB video at Concurrency 5 never
 * holds 500 MB (in n8n's filesystem and database modes; its in-memory default mode keeps the file).
 * Tried again, like image downloads, when the host fails or the file arrives cut short.
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { networkReason } from '../api/errors';
import type { DownloadAttempt, ImageRef, OpenedFile } from './download';
import { attemptDownload, retryDownload, tooLarge } from './download';
import { detectMimeType, kindOf } from './fileTypes';
import type { VideoInfo } from './mp4';
import { Mp4Walker } from './mp4';

export interface StoredVideo {
	binary: IBinaryData;
	mimeType: string;
	info?: VideoInfo;
}

/** Enough of the start of a file to tell its type. */
const SNIFF_BYTES = 64;


/** The response body: a Node stream (n8n's `encoding: 'stream'`), read here without importing `stream`. */
interface BodyStream {
	read(size?: number): Buffer | null;
	once(event: 'readable' | 'end' | 'error', listener: () => void): void;
	removeListener(event: 'readable' | 'end' | 'error', listener: () => void): void;
	destroy?(error?: Error): void;
	readableEnded?: boolean;
}

/** The first `bytes` bytes (fewer for a shorter body), read in paused mode. */
async function readHead(stream: BodyStream, bytes: number): Promise<Buffer> {
	const parts: Buffer[] = [];
	let length = 0;
	while (length < bytes && !stream.readableEnded) {
		const chunk = stream.read();
		if (chunk) {
			parts.push(chunk);
			length += chunk.length;
			continue;
		}
		const settled = await new Promise<'more' | 'end'>((resolve, reject) => {
			const more = () => finish('more');
			const end = () => finish('end');
			const failed = () => {
				finish('end');
				reject(new Error('the download broke off'));
			};
			const finish = (outcome: 'more' | 'end') => {
				stream.removeListener('readable', more);
				stream.removeListener('end', end);
				stream.removeListener('error', failed);
				resolve(outcome);
			};
			stream.once('readable', more);
			stream.once('end', end);
			stream.once('error', failed);
		});
		if (settled === 'end') break;
	}
	return Buffer.concat(parts);
}

/**
 * The Readable class of the response stream itself (n8n hands the body as a Node stream): the counting
 * stream is built from it, since a community node may not import `stream`.
 */
function readableClassOf(stream: object): { from(source: AsyncIterable<Buffer>): unknown } | undefined {
	for (let proto = Object.getPrototypeOf(stream) as object | null; proto; proto = Object.getPrototypeOf(proto) as object | null) {
		const constructor = (proto as { constructor?: { name?: string; from?: unknown } }).constructor;
		if (constructor?.name === 'Readable' && typeof constructor.from === 'function') return constructor as { from(source: AsyncIterable<Buffer>): unknown };
	}
	return undefined;
}

/** One try: the video streamed into n8n's binary data, counted, capped and its MP4 boxes walked. */
async function storeOnce(this: IExecuteFunctions, { body, headers, declared }: OpenedFile, ref: ImageRef, fileName: (mimeType: string) => string): Promise<DownloadAttempt<StoredVideo>> {
	const stream = body as BodyStream & AsyncIterable<Buffer>;
	const Readable = readableClassOf(stream);
	if (!Readable) return { problem: 'the download is not a stream', retry: false };
	// the type comes from the first bytes, before anything is stored
	const head = await readHead(stream, SNIFF_BYTES);
	const mimeType = detectMimeType(head);
	if (!mimeType || kindOf(mimeType) !== 'video') {
		stream.destroy?.();
		return { problem: mimeType ? `a ${mimeType} file, not a video` : `not a video (${String(headers['content-type'] ?? 'no type')})`, retry: !mimeType };
	}
	const walker = mimeType === 'video/mp4' || mimeType === 'video/quicktime' ? new Mp4Walker() : undefined;
	let size = 0;
	let over = false;
	// each chunk is counted against the cap and walked as n8n's binary data store takes it, then let go
	async function* counted(): AsyncGenerator<Buffer> {
		const take = (chunk: Buffer) => {
			size += chunk.length;
			if (size > ref.maxBytes) {
				over = true;
				throw new Error(tooLarge(ref));
			}
			walker?.push(chunk);
			return chunk;
		};
		if (head.length) yield take(head);
		for await (const chunk of stream) yield take(Buffer.from(chunk));
	}
	let binary: IBinaryData;
	try {
		binary = await this.helpers.prepareBinaryData(Readable.from(counted()) as Buffer, fileName(mimeType), mimeType);
	} catch (error) {
		stream.destroy?.();
		if (over) return { problem: tooLarge(ref), retry: false };
		return { problem: networkReason(error, ref.context.secret), retry: true };
	}
	if (Number.isFinite(declared) && !headers['content-encoding'] && declared !== size) {
		return { problem: `cut short (${size} of ${declared} bytes)`, retry: true };
	}
	if (walker && !walker.complete) return { problem: `incomplete ${mimeType} (${size} bytes)`, retry: true };
	return { done: { binary, mimeType, info: walker?.info() } };
}

/** Downloads a video into n8n's binary data, streaming, checked and capped, with retryDownload's tries. */
export async function storeVideo(
	this: IExecuteFunctions,
	url: string,
	ref: ImageRef,
	fileName: (mimeType: string) => string,
): Promise<StoredVideo> {
	return await (retryDownload<StoredVideo>).call(this, url, ref, async () => await (attemptDownload<StoredVideo>).call(this, url, ref, async (file) => await storeOnce.call(this, file, ref, fileName)));
}
