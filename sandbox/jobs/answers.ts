// The JSON a job is described by in create, fetch and webhook answers, in the vendor's shapes.
import type { SandboxContext } from '../core/context';
import type { Job } from '../core/job';
import { cdnLink, imageBytes } from '../images/imageHost';

function linkExt(job: Job): string {
	if (job.file) return job.file.ext;
	return job.base64 && job.base64Form === 'link' ? 'base64' : 'png';
}

/** Links that will serve the images (they exist before the job is ready, like the vendor's). */
export function futureLinks(ctx: SandboxContext, job: Job): string[] {
	const ext = linkExt(job);
	return Array.from({ length: job.samples }, (_, i) => cdnLink(ctx, job, i, ext));
}

/** `output`: links, or the images themselves when the request asked for base64. */
export function outputEntries(ctx: SandboxContext, job: Job): string[] {
	if (!job.base64 || job.base64Form === 'link') return futureLinks(ctx, job);
	return Array.from({ length: job.samples }, (_, i) => {
		const b64 = imageBytes(job, i).toString('base64');
		return job.base64Form === 'dataUri' ? `data:image/png;base64,${b64}` : b64;
	});
}

export function successBody(ctx: SandboxContext, job: Job) {
	return {
		status: 'success',
		generationTime: job.generationTime,
		id: job.id,
		output: outputEntries(ctx, job),
		proxy_links: futureLinks(ctx, job),
		meta: job.meta,
		nsfw_content_detected: false,
	};
}

export function failedBody(job: Job, message?: string) {
	return { status: 'failed', id: job.id, message: message ?? job.failMessage, track_id: job.trackId };
}

function fetchResultUrl(ctx: SandboxContext, job: Job): string {
	const origin = (ctx.config.fetchResultOrigin ?? ctx.baseUrl).replace(/\/+$/, '');
	return `${origin}${job.fetchPath}`;
}

export function processingBody(ctx: SandboxContext, job: Job, eta: number) {
	const links = futureLinks(ctx, job);
	return {
		status: 'processing',
		eta,
		messege: 'Try to fetch request after seconds estimated',
		fetch_result: fetchResultUrl(ctx, job),
		id: job.id,
		output: [],
		future_links: links,
		proxy_links: links,
		meta: job.meta,
	};
}
