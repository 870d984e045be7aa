// A job as the sandbox keeps it, and the clock questions every family asks about it.
import type { JobRecord, Tier } from './types';

/**
 * The one file a job makes when it is not drawn images (a video): what the image host serves at its link,
 * produced in chunks so a large file is never held whole.
 */
export interface JobFile {
	/** the link's extension (`mp4`) */
	ext: string;
	contentType: string;
	/** the byte length */
	size: number;
	/** the bytes, chunk by chunk; each call starts again from the first byte */
	chunks: () => Iterable<Buffer>;
}

export interface Job {
	id: number;
	uuid: string;
	tier: Tier;
	/** the fetch family that serves it */
	family: string;
	accountKey: string;
	createdAt: number;
	readyAt: number;
	duration: number;
	seed: number;
	width: number;
	height: number;
	samples: number;
	prompt: string;
	base64: boolean;
	base64Form: 'raw' | 'dataUri' | 'link';
	/** noise bits of its drawn images (config `imageNoiseBits` when it was created) */
	noiseBits: number;
	webhook: string | null;
	trackId: string | number | null;
	meta: Record<string, unknown>;
	generationTime: number;
	failed: boolean;
	failMessage: string;
	/** path (without origin) that processing answers name in fetch_result */
	fetchPath: string;
	/** the bytes image `index` serves (shared cached buffer: do not mutate) */
	render: (index: number) => Buffer;
	/** a job whose output is one file other than drawn images (a video); null for image jobs */
	file: JobFile | null;
	finalized: boolean;
	timer: NodeJS.Timeout | null;
	/** the public view, also in stats.jobs */
	record: JobRecord;
}

export function isReady(job: Job): boolean {
	return Date.now() >= job.readyAt;
}

/** Whole seconds until the job is ready, at least 1. */
export function remainingEta(job: Job): number {
	return Math.max(1, Math.ceil((job.readyAt - Date.now()) / 1000));
}

/** The eta a create reports: the configured one, or the job's duration in whole seconds. */
export function createEta(config: { etaSeconds: number | null }, job: Job): number {
	return config.etaSeconds ?? Math.max(1, Math.ceil(job.duration / 1000));
}

/** The eta a processing fetch reports: the time truly left, or the create's eta counted down (etaCountsDown). */
export function fetchEta(config: { etaSeconds: number | null; etaCountsDown: boolean }, job: Job): number {
	if (!config.etaCountsDown) return remainingEta(job);
	return Math.max(1, Math.ceil(createEta(config, job) - (Date.now() - job.createdAt) / 1000));
}

/** How far the job is, 0-100: the share of its processing time gone by (100 once it is ready). */
export function progress(job: Job): number {
	if (isReady(job)) return 100;
	return Math.min(99, Math.max(0, Math.floor(((Date.now() - job.createdAt) * 100) / job.duration)));
}
