// Counters and logs: what tests and the benchmark read to prove how many calls were made and when.
import type * as http from 'node:http';
import type { CdnRecord, RequestRecord, SandboxStats } from './types';

type CountKey = 'creates' | 'createAttempts' | 'rejected429' | 'fetches' | 'uploads' | 'cdnRequests' | 'webhooks' | 'peakProcessing';
const COUNTS: readonly CountKey[] = ['creates', 'createAttempts', 'rejected429', 'fetches', 'uploads', 'cdnRequests', 'webhooks', 'peakProcessing'];
const LOGS = ['requests', 'cdnLog', 'webhookLog', 'jobs'] as const;

export function newStats(): SandboxStats {
	return {
		creates: 0,
		createAttempts: 0,
		rejected429: 0,
		fetches: 0,
		uploads: 0,
		cdnRequests: 0,
		webhooks: 0,
		inFlight: 0,
		peakInFlight: 0,
		peakProcessing: 0,
		requests: [],
		cdnLog: [],
		webhookLog: [],
		jobs: [],
	};
}

/** Zeroes counters and empties logs in place (callers hold the live object); requests in flight stay counted. */
export function resetStats(stats: SandboxStats): void {
	for (const k of COUNTS) stats[k] = 0;
	stats.peakInFlight = stats.inFlight;
	for (const k of LOGS) stats[k].length = 0;
}

function requestFields(req: http.IncomingMessage) {
	const url = req.url ?? '';
	return { t: Date.now(), method: req.method ?? '', path: url.split('?')[0], url, headers: { ...req.headers } };
}

/** Logs an API request and counts it in flight until its answer closes. */
export function recordApiRequest(stats: SandboxStats, req: http.IncomingMessage, res: http.ServerResponse): RequestRecord {
	stats.inFlight++;
	stats.peakInFlight = Math.max(stats.peakInFlight, stats.inFlight);
	res.on('close', () => stats.inFlight--);
	const entry: RequestRecord = { ...requestFields(req), body: null, status: 0, route: null };
	stats.requests.push(entry);
	return entry;
}

export function recordCdnRequest(stats: SandboxStats, req: http.IncomingMessage): CdnRecord {
	stats.cdnRequests++;
	const entry: CdnRecord = { ...requestFields(req), body: '', status: 0 };
	stats.cdnLog.push(entry);
	return entry;
}
