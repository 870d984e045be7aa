// A job as the sandbox keeps it, and the clock questions every family asks about it.
import type { JobRecord, Tier } from './types';

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
