// The image host ("CDN"): a separate origin that serves each job's PNGs (or a video job's MP4) and the
// uploaded files without a key. The sandbox reads links to it (and only to it) when they come back as
// input images. A job's file is sent chunk by chunk as the socket takes it, so a large one is never whole.
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import { type HostedFile, type SandboxContext, sleep } from '../core/context';
import { recordCdnRequest } from '../core/counters';
import { sendCommonFault, takeFault } from '../core/faults';
import { type Exchange, readBody, sendRaw, TEXT_PLAIN } from '../core/http';
import { isReady, type Job } from '../core/job';

const IMAGE_PATH = /^\/generations\/([0-9a-f-]{36})-(\d+)\.([a-z0-9]+)$/;
/** The extensions of a drawn image's links: the PNG, and its base64 text. */
const IMAGE_EXTENSIONS = ['png', 'base64'];
const UPLOAD_PATH = /^\/uploads\/([0-9a-f]{32}\.[a-z0-9]+)$/;
const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

export function cdnLink(ctx: SandboxContext, job: Job, i: number, ext: string): string {
	return `${ctx.cdnUrl}/generations/${job.uuid}-${i}.${ext}`;
}

/** The shared cached bytes of image `i`: do not mutate. */
export function imageBytes(job: Job, i: number): Buffer {
	return job.render(i);
}

/** Puts a file on the image host; the link is named by the content, so the same bytes get the same link. */
export function hostFile(ctx: SandboxContext, bytes: Buffer, contentType: string): string {
	const ext = EXTENSIONS[contentType] ?? 'bin';
	const name = `${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}.${ext}`;
	ctx.uploads.set(name, { bytes: Buffer.from(bytes), contentType });
	return `${ctx.cdnUrl}/uploads/${name}`;
}

/** What a path on the image host names: a job's image or an uploaded file. */
interface Hosted {
	job?: Job;
	/** there is such a file (a job's image exists before the job is ready, like the vendor's future links) */
	exists: boolean;
	ready: boolean;
	/** the whole file */
	bytes: () => Buffer;
	/** the file as it is sent: its length, and its bytes in chunks */
	content: () => { size: number; chunks: Iterable<Buffer> };
	contentType: string;
}

/** A file held whole, sent as one chunk. */
function whole(bytes: () => Buffer): Hosted['content'] {
	return () => {
		const b = bytes();
		return { size: b.length, chunks: [b] };
	};
}

function resolvePath(ctx: SandboxContext, path: string): Hosted | null {
	const upload = UPLOAD_PATH.exec(path);
	const file: HostedFile | undefined = upload ? ctx.uploads.get(upload[1]) : undefined;
	if (file) return { exists: true, ready: true, bytes: () => file.bytes, content: whole(() => file.bytes), contentType: file.contentType };
	const m = IMAGE_PATH.exec(path);
	const job = m ? ctx.jobsByUuid.get(m[1]) : undefined;
	if (!m || !job || !(job.file ? [job.file.ext] : IMAGE_EXTENSIONS).includes(m[3])) return null;
	const index = Number(m[2]);
	const ready = isReady(job);
	const exists = index < job.samples && !(ready && job.failed);
	const { file: jobFile } = job;
	if (jobFile) {
		const content = () => ({ size: jobFile.size, chunks: jobFile.chunks() });
		return { job, exists, ready, bytes: () => imageBytes(job, index), content, contentType: jobFile.contentType };
	}
	const png = m[3] === 'png';
	const bytes = () => (png ? imageBytes(job, index) : Buffer.from(imageBytes(job, index).toString('base64')));
	return { job, exists, ready, bytes, content: whole(bytes), contentType: png ? 'image/png' : TEXT_PLAIN };
}

/**
 * The bytes behind a link to this sandbox's image host, as a download would get them once the job is
 * done; null for any other origin, an unknown file or a job that is not ready or failed. Never fetches.
 */
export function ownLinkBytes(ctx: SandboxContext, link: string): Buffer | null {
	let url: URL;
	try {
		url = new URL(link);
	} catch {
		return null;
	}
	if (url.origin !== new URL(ctx.cdnUrl).origin) return null;
	const hosted = resolvePath(ctx, url.pathname);
	if (!hosted || !hosted.exists || !hosted.ready || hosted.job?.failed) return null;
	const bytes = hosted.bytes();
	return hosted.contentType === TEXT_PLAIN ? Buffer.from(bytes.toString('latin1'), 'base64') : bytes;
}

export async function handleCdn(ctx: SandboxContext, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
	const entry = recordCdnRequest(ctx.stats, req);
	const ex: Exchange = { req, res, entry };
	try {
		entry.body = (await readBody(req)).toString('utf8');
	} catch {
		return sendRaw(ex, 413, TEXT_PLAIN, 'Payload Too Large');
	}
	const hosted = resolvePath(ctx, entry.path);
	const job = hosted?.job;
	const exists = Boolean(hosted?.exists);
	const ready = Boolean(hosted?.ready);
	const servable = exists && (ready || !ctx.config.cdnNotFoundUntilReady) && !job?.failed;

	let fault = takeFault(
		ctx,
		'cdn',
		(f) => {
			if (f.kind === 'notFoundUntilReady') return exists && !ready;
			if (f.kind === 'truncate' || f.kind === 'contentType') return servable;
			return true;
		},
		job?.prompt,
	);
	if (fault && fault.kind === 'delay') {
		entry.fault = 'delay';
		await sleep(ctx, fault.ms);
		fault = null;
	}
	if (fault) entry.fault = fault.kind;
	const reason = fault?.kind === 'status' ? http.STATUS_CODES[fault.status] : undefined;
	if (fault && sendCommonFault(ex, fault, reason ?? 'Error')) return;
	if (req.method !== 'GET' && req.method !== 'HEAD') return sendRaw(ex, 405, TEXT_PLAIN, 'Method Not Allowed');
	if (!servable || !hosted || fault?.kind === 'notFoundUntilReady') return sendRaw(ex, 404, TEXT_PLAIN, 'Not Found');

	const { size, chunks } = hosted.content();
	let contentType: string | null = hosted.contentType;
	if (fault?.kind === 'contentType') contentType = fault.value;
	const headers: http.OutgoingHttpHeaders = { 'cache-control': 'public, max-age=86400' };
	// without Content-Length Node sends the body chunked
	if (!ctx.config.cdnChunked) headers['content-length'] = size;
	if (contentType) headers['content-type'] = contentType;
	entry.status = 200;
	entry.bytes = 0;
	res.writeHead(200, headers);
	if (req.method === 'HEAD') return void res.end();
	const cut = fault?.kind === 'truncate';
	sendChunks(res, chunks, entry, cut ? Math.floor(size / 2) : size, cut);
}

/**
 * Writes the first `limit` bytes of `chunks`, waiting whenever the socket is full, then ends the answer;
 * `cut`: destroys the socket instead, once those bytes are out (a download cut short). `entry.bytes`
 * counts what was written so far, so a client that hangs up early is seen to have stopped the download.
 */
function sendChunks(res: http.ServerResponse, chunks: Iterable<Buffer>, entry: { bytes?: number }, limit: number, cut: boolean): void {
	const it = chunks[Symbol.iterator]();
	let sent = 0;
	const next = (): void => {
		while (!res.destroyed) {
			const { value, done } = it.next();
			const part = done ? Buffer.alloc(0) : value.subarray(0, limit - sent);
			sent += part.length;
			entry.bytes = sent;
			if (done || sent >= limit) {
				if (cut) res.write(part, () => res.destroy());
				else res.end(part);
				return;
			}
			if (!res.write(part)) return void res.once('drain', next);
		}
	};
	next();
}
