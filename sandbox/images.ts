// The image host ("CDN"): a separate origin that serves each job's PNGs without a key.
import * as http from 'node:http';
import { type SandboxContext, sleep } from './context';
import { recordCdnRequest } from './counters';
import { sendCommonFault, takeFault } from './faults';
import { type Exchange, readBody, sendRaw, TEXT_PLAIN } from './http';
import { isReady, type Job } from './job';

const IMAGE_PATH = /^\/generations\/([0-9a-f-]{36})-(\d+)\.(png|base64)$/;

export function cdnLink(ctx: SandboxContext, job: Job, i: number, ext: string): string {
	return `${ctx.cdnUrl}/generations/${job.uuid}-${i}.${ext}`;
}

/** The shared cached bytes of image `i`: do not mutate. */
export function imageBytes(job: Job, i: number): Buffer {
	return job.render(i);
}

export async function handleCdn(ctx: SandboxContext, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
	const entry = recordCdnRequest(ctx.stats, req);
	const ex: Exchange = { req, res, entry };
	try {
		entry.body = (await readBody(req)).toString('utf8');
	} catch {
		return sendRaw(ex, 413, TEXT_PLAIN, 'Payload Too Large');
	}
	const m = IMAGE_PATH.exec(entry.path);
	const job = m ? ctx.jobsByUuid.get(m[1]) : undefined;
	const index = m ? Number(m[2]) : -1;
	const ready = job ? isReady(job) : false;
	const exists = Boolean(job && index < job.samples && !(ready && job.failed));
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
	if (!servable || !job || !m || fault?.kind === 'notFoundUntilReady') return sendRaw(ex, 404, TEXT_PLAIN, 'Not Found');

	const png = imageBytes(job, index);
	const payload = m[3] === 'png' ? png : Buffer.from(png.toString('base64'));
	let contentType: string | null = m[3] === 'png' ? 'image/png' : TEXT_PLAIN;
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
