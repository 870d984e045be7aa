/**
 * Reading ModelsLab answers. HTTP 200 often carries an error, the message field is spelled
 * `message` or `messege`, and it may be a string or a field -> messages object: read them all.
 */

export type ApiStatus = 'success' | 'processing' | 'error' | 'failed';

export interface ApiAnswer {
	[field: string]: unknown;
	status?: string;
	id?: string | number;
	eta?: number | string;
	output?: unknown[];
	proxy_links?: unknown[];
	future_links?: unknown[];
	fetch_result?: string;
	generationTime?: number;
	meta?: Record<string, unknown>;
	message?: unknown;
	messege?: unknown;
}

export function isApiAnswer(body: unknown): body is ApiAnswer {
	return typeof body === 'object' && body !== null && !Array.isArray(body);
}

export function readStatus(answer: ApiAnswer): ApiStatus | undefined {
	const status = String(answer.status ?? '').toLowerCase();
	return ['success', 'processing', 'error', 'failed'].includes(status)
		? (status as ApiStatus)
		: undefined;
}

function flattenMessage(value: unknown): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string') return value.trim();
	if (Array.isArray(value)) return value.map(flattenMessage).filter(Boolean).join(' ');
	if (typeof value === 'object') {
		return Object.entries(value as Record<string, unknown>)
			.map(([field, messages]) => `${field}: ${flattenMessage(messages)}`)
			.join('; ');
	}
	return String(value);
}

/** The answer's human message, whichever spelling and shape it came in. */
export function readMessage(answer: ApiAnswer): string {
	return flattenMessage(answer.message) || flattenMessage(answer.messege) || flattenMessage(answer.error);
}

export function readRequestId(answer: ApiAnswer): string | undefined {
	const id = answer.id ?? answer.request_id;
	return id === undefined || id === null || id === '' ? undefined : String(id);
}

/** Seconds as the API reports them (number or numeric string); undefined when absent or invalid. */
export function readEtaSeconds(answer: ApiAnswer): number | undefined {
	const eta = Number(answer.eta);
	return answer.eta !== undefined && answer.eta !== null && Number.isFinite(eta) && eta >= 0
		? eta
		: undefined;
}

export function readLinks(value: unknown): string[] {
	return Array.isArray(value) ? value.filter((link): link is string => typeof link === 'string') : [];
}
