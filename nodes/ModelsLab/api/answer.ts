/**
 * Reading ModelsLab answers. HTTP 200 often carries an error, the message field is spelled
 * `message` or `messege`, and it may be a string or a field -> messages object: read them all.
 */

type ApiStatus = 'success' | 'processing' | 'error' | 'failed';

/**
 * An answer as it may really come (see observed-answers.md): every field may be missing, null, or of
 * another type than the docs say, so each is read by a function below and never used as typed.
 */
export interface ApiAnswer {
	[field: string]: unknown;
	status?: unknown;
	id?: unknown;
	eta?: unknown;
	output?: unknown;
	proxy_links?: unknown;
	future_links?: unknown;
	fetch_result?: unknown;
	generationTime?: unknown;
	meta?: unknown;
	message?: unknown;
	messege?: unknown;
}

export function isApiAnswer(body: unknown): body is ApiAnswer {
	return typeof body === 'object' && body !== null && !Array.isArray(body);
}

const STATUSES: readonly string[] = ['success', 'processing', 'error', 'failed'];

/** One of the four statuses, or undefined for anything else (an object, a list, a number, nothing). */
export function readStatus(answer: ApiAnswer): ApiStatus | undefined {
	const status = typeof answer.status === 'string' ? answer.status.trim().toLowerCase() : '';
	return STATUSES.includes(status) ? (status as ApiStatus) : undefined;
}

/** The status as the answer gave it, for an error: JSON, cut short; "no status" when absent. */
export function describeStatus(answer: ApiAnswer): string {
	if (answer.status === undefined) return 'no status';
	const json = JSON.stringify(answer.status) ?? String(answer.status);
	return json.length > 60 ? `${json.slice(0, 57)}...` : json;
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

function usableId(id: unknown): string | undefined {
	if (typeof id === 'number') return Number.isSafeInteger(id) && id >= 0 ? String(id) : undefined;
	if (typeof id !== 'string') return undefined;
	const text = id.trim();
	return /^[\w.-]{1,100}$/.test(text) ? text : undefined;
}

/**
 * The answer's request id: an integer or an id-like string. "", null, objects and anything else
 * are no id. Fetch answers are not reliable about it: callers keep the create answer's.
 */
export function readRequestId(answer: ApiAnswer): string | undefined {
	return usableId(answer.id) ?? usableId(answer.request_id);
}

/** The id a processing answer's `fetch_result` link ends with (`…/fetch/{id}`), when its `id` is unusable. */
export function readFetchLinkId(answer: ApiAnswer): string | undefined {
	if (typeof answer.fetch_result !== 'string') return undefined;
	const match = /\/fetch\/([\w.-]+)\/?(?:[?#].*)?$/.exec(answer.fetch_result);
	return match ? usableId(match[1]) : undefined;
}

/** Seconds as the API reports them (number or numeric string); undefined when absent or invalid. */
export function readEtaSeconds(answer: ApiAnswer): number | undefined {
	const eta = Number(answer.eta);
	return answer.eta !== undefined && answer.eta !== null && Number.isFinite(eta) && eta >= 0
		? eta
		: undefined;
}

/** Links as a list, whether they came as a list, one string, or an object `{"0": url}`; "" and null are none. */
export function readLinks(value: unknown): string[] {
	const entries =
		typeof value === 'string'
			? [value]
			: Array.isArray(value)
				? value
				: typeof value === 'object' && value !== null
					? Object.values(value)
					: [];
	return entries.filter((link): link is string => typeof link === 'string' && link.trim() !== '');
}

/** A finite number, or null: `generationTime` and similar fields may be missing or strings. */
export function readNumber(value: unknown): number | null {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof number === 'number' && Number.isFinite(number) ? number : null;
}

/**
 * "Request not found": what a fetch gets for an unknown or expired id, and also, for a few seconds,
 * for a job ModelsLab has only just accepted.
 */
export function isNotFound(answer: ApiAnswer): boolean {
	const status = readStatus(answer);
	return (status === 'error' || status === 'failed') && /request not found/i.test(readMessage(answer));
}

const RATE_LIMIT_TEXT = /rate limit|spam filter|too many requests/i;
const WAIT_TEXT = /(\d+(?:\.\d+)?)\s*(seconds?|secs?|s|minutes?|mins?)\b/i;

/** Seconds named in a text ("please wait for 30 seconds", "retry in 2 minutes"); undefined when none. */
export function secondsInText(text: string): number | undefined {
	const match = WAIT_TEXT.exec(text);
	if (!match) return undefined;
	const amount = Number(match[1]);
	return /^m/i.test(match[2]) ? amount * 60 : amount;
}

/** All the free text of an answer: message in either spelling, and the tips (tip, tips, tip_1 …). */
export function answerText(answer: ApiAnswer): string {
	const tips = Object.keys(answer)
		.filter((field) => /^tips?(_\d+)?$/.test(field))
		.map((field) => flattenMessage(answer[field]));
	return [readMessage(answer), ...tips].filter(Boolean).join(' ');
}

/** `retry_after` in seconds, when the answer gives a usable one. */
export function readRetryAfter(answer: ApiAnswer): number | undefined {
	const seconds = readNumber(answer.retry_after);
	return seconds !== null && seconds >= 0 ? seconds : undefined;
}

/**
 * A refusal that says to come back later (the spam filter's "Rate limit exceeded … wait for 30
 * seconds", or any error answer with `retry_after`): nothing was created, so it may be sent again.
 * Gives the seconds it asks for (undefined: it names none), or false for any other answer.
 */
export function comeBackLater(answer: ApiAnswer): { seconds?: number } | false {
	if (readStatus(answer) !== 'error') return false;
	const retryAfter = readRetryAfter(answer);
	if (retryAfter !== undefined) return { seconds: retryAfter };
	const text = answerText(answer);
	return RATE_LIMIT_TEXT.test(text) ? { seconds: secondsInText(text) } : false;
}
