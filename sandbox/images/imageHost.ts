// The image host ("CDN"): a separate origin that serves each job's PNGs and the uploaded files without
// a key. The sandbox reads links to it (and only to it) when they come back as input images.
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import { type HostedFile, type SandboxContext, sleep } from '../core/context';
import { recordCdnRequest } from '../core/counters';
import { sendCommonFault, takeFault } from '../core/faults';
import { type Exchange, readBody, sendRaw, TEXT_PLAIN } from '../core/http';
import { isReady, type Job } from '../core/job';

const IMAGE_PATH = /^\/generations\/([0-9a-f-]{36})-(\d+)\.(png|base64)$/;
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
	bytes: () => Buffer;
	contentType: string;
}

function resolvePath(ctx: SandboxContext, path: string): Hosted | null {
	const upload = UPLOAD_PATH.exec(path);
	const file: HostedFile | undefined = upload ? ctx.uploads.get(upload[1]) : undefined;
	if (file) return { exists: true, ready: true, bytes: () => file.bytes, contentType: file.contentType };
	const m = IMAGE_PATH.exec(path);
	const job = m ? ctx.jobsByUuid.get(m[1]) : undefined;
	if (!m || !job) return null;
	const index = Number(m[2]);
	const ready = isReady(job);
	const png = m[3] === 'png';
	return {
		job,
		exists: index < job.samples && !(ready && job.failed),
		ready,
		bytes: () => (png ? imageBytes(job, index) : Buffer.from(imageBytes(job, index).toString('base64'))),
		contentType: png ? 'image/png' : TEXT_PLAIN,
	};
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

	const payload = hosted.bytes();
	let contentType: string | null = hosted.contentType;
	if (fault?.kind === 'contentType') contentType = fault.value;
	const headers: http.OutgoingHttpHeaders = { 'content-length': payload.length, 'cache-control': 'public, max-age=86400' };
	if (contentType) headers['content-type'] = contentType;
	entry.status = 200;
	entry.bytes = payload.length;
	res.writeHead(200, headers);
	if (req.method === 'HEAD') return void res.end();
	if (fault?.kind === 'truncate') {
		entry.bytes = Math.floor(payload.length / 2);
		res.write(payload.subarray(0, entry.bytes), () => res.destroy());
		return;
	}
	res.end(payload);
}
