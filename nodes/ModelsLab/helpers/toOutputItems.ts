import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import type { ApiAnswer } from './apiAnswer';
import { cancelledError, ensureNodeError } from './errors';
import { readEtaSeconds, readLinks, readRequestId } from './apiAnswer';
import type { ImageSource } from './images';
import {
	classifyImageEntry,
	decodeBase64,
	detectImageMimeType,
	imageFileName,
	sanitizeMeta,
} from './images';

/** Turns a finished job into n8n items: one per image, as binary files or as links. */

export type OutputMode = 'binary' | 'urls';

export interface OutputSettings {
	output: OutputMode;
	binaryPropertyName: string;
}

export interface ItemContext {
	itemIndex: number;
	/** The credential's key, only to keep it out of what the node outputs. */
	secret: string;
}

const DOWNLOAD = { attempts: 3, retryDelayMs: 500, timeoutMs: 60_000, maxBytes: 50 * 1024 * 1024 };

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

/** Plain GET without credentials: image hosts must never see the API key. */
async function download(
	this: IExecuteFunctions,
	url: string,
	what: string,
	context: ItemContext,
): Promise<{ bytes: Buffer; contentType?: string }> {
	let lastProblem = '';
	for (let attempt = 1; attempt <= DOWNLOAD.attempts; attempt++) {
		if (attempt > 1) await sleep(DOWNLOAD.retryDelayMs * (attempt - 1), this.getExecutionCancelSignal());
		try {
			const response = (await this.helpers.httpRequest({
				method: 'GET',
				url,
				encoding: 'arraybuffer',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: DOWNLOAD.timeoutMs,
				abortSignal: this.getExecutionCancelSignal(),
			})) as { statusCode: number; body: Buffer; headers: IDataObject };
			const bytes = Buffer.from(response.body ?? []);
			const declared = Number(response.headers?.['content-length']);
			if (response.statusCode >= 200 && response.statusCode < 300) {
				if (bytes.length > DOWNLOAD.maxBytes) {
					throw new NodeOperationError(
						this.getNode(),
						`${what} is larger than ${DOWNLOAD.maxBytes / 1024 / 1024} MB`,
						{ itemIndex: context.itemIndex },
					);
				}
				if (!Number.isFinite(declared) || declared === bytes.length) {
					return { bytes, contentType: response.headers?.['content-type'] as string | undefined };
				}
				lastProblem = `cut short (${bytes.length} of ${declared} bytes)`;
			} else {
				lastProblem = `HTTP ${response.statusCode}`;
			}
		} catch (error) {
			if (this.getExecutionCancelSignal()?.aborted) throw cancelledError(this.getNode(), context.itemIndex);
			if (error instanceof NodeOperationError) throw ensureNodeError(this.getNode(), error, context.itemIndex);
			lastProblem = (error as { code?: string }).code ?? (error as Error).message;
		}
	}
	throw new NodeApiError(
		this.getNode(),
		{ message: lastProblem },
		{
			message: `Could not download ${what} (${lastProblem})`,
			description: `Tried ${DOWNLOAD.attempts} times: ${url}`,
			itemIndex: context.itemIndex,
		},
	);
}

async function imageBytes(
	this: IExecuteFunctions,
	source: ImageSource,
	what: string,
	context: ItemContext,
): Promise<Buffer> {
	if (source.kind === 'url') return (await download.call(this, source.url, what, context)).bytes;
	const base64 =
		source.kind === 'inline'
			? source.base64
			: (await download.call(this, source.url, what, context)).bytes.toString('utf8');
	const bytes = decodeBase64(base64);
	if (!bytes || bytes.length === 0) {
		throw new NodeOperationError(this.getNode(), `${what} is not valid base64 image data`, {
			itemIndex: context.itemIndex,
		});
	}
	return bytes;
}

export async function successItems(
	this: IExecuteFunctions,
	answer: ApiAnswer,
	settings: OutputSettings,
	context: ItemContext,
): Promise<INodeExecutionData[]> {
	const requestId = readRequestId(answer) ?? 'unknown';
	const entries = readLinks(answer.output).length
		? readLinks(answer.output)
		: readLinks(answer.proxy_links);
	const meta = sanitizeMeta(answer.meta, context.secret);
	const items: INodeExecutionData[] = [];
	for (const [imageIndex, entry] of entries.entries()) {
		const source = classifyImageEntry(entry);
		const imageUrl = source.kind === 'inline' ? null : source.url;
		const item: INodeExecutionData = {
			json: {
				id: requestId,
				status: 'success',
				imageUrl,
				imageIndex,
				seed: (meta.seed as number | undefined) ?? null,
				generationTime: (answer.generationTime as number | undefined) ?? null,
				meta,
			},
			pairedItem: pairedTo(context.itemIndex),
		};
		// links are enough in URL mode; inline base64 has no link, so it becomes a file either way
		if (settings.output === 'binary' || source.kind !== 'url') {
			const what = `image ${imageIndex} of request ${requestId}`;
			const bytes = await imageBytes.call(this, source, what, context);
			const mimeType =
				detectImageMimeType(bytes) ?? (source.kind === 'inline' ? source.mimeType : undefined) ?? 'image/png';
			item.binary = {
				[settings.binaryPropertyName]: await this.helpers.prepareBinaryData(
					bytes,
					imageFileName(requestId, imageIndex, mimeType),
					mimeType,
				),
			};
		}
		items.push(item);
	}
	if (items.length === 0) {
		throw new NodeOperationError(
			this.getNode(),
			`ModelsLab reported request ${requestId} as successful but returned no images`,
			{ itemIndex: context.itemIndex },
		);
	}
	return items;
}
