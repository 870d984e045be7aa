// Field checks in the vendor's style: Laravel-like messages per field, collected rather than thrown,
// with the checked values kept for the job's `meta`. Every family that validates a body uses them.

export type Body = Record<string, unknown>;

export function isAbsent(v: unknown): v is undefined | null | '' {
	return v === undefined || v === null || v === '';
}

/** A number, or a string that is one; NaN otherwise. */
export function toNumber(v: unknown): number {
	if (typeof v === 'number') return Number.isFinite(v) ? v : NaN;
	if (typeof v === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)\s*$/.test(v)) return Number(v);
	return NaN;
}

function toYesNo(v: unknown): 'yes' | 'no' | undefined {
	if (v === true || v === 'yes' || v === 'true') return 'yes';
	if (v === false || v === 'no' || v === 'false') return 'no';
	return undefined;
}

/** `num_inference_steps` -> `num inference steps`, as the vendor's messages name fields. */
export function label(field: string): string {
	return field.replace(/_/g, ' ');
}

/** A list given as an array, a number or a comma-separated string; null if it is none of them. */
export function splitList(v: unknown): unknown[] | null {
	if (isAbsent(v)) return [];
	if (Array.isArray(v)) return v.filter((x) => !isAbsent(x)).map((x) => (typeof x === 'string' ? x.trim() : x));
	if (typeof v === 'number') return [v];
	if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter((s) => s !== '');
	return null;
}

export interface NumberRule {
	int?: boolean;
	min?: number;
	max?: number;
	def?: number;
	nullable?: boolean;
}

export class FieldChecker {
	readonly errors: Record<string, string[]> = {};
	readonly meta: Record<string, unknown> = {};

	constructor(readonly body: Body) {}

	add(field: string, message: string): void {
		(this.errors[field] ??= []).push(message);
	}

	get hasErrors(): boolean {
		return Object.keys(this.errors).length > 0;
	}

	/** The field as a number within the rule, else `def`; an absent field puts `def` (or an explicit null) in meta. */
	num(field: string, { int = false, min, max, def, nullable = true }: NumberRule): number | undefined {
		const v = this.body[field];
		if (isAbsent(v)) {
			if (def !== undefined) this.meta[field] = def;
			else if (v === null && nullable) this.meta[field] = null;
			return def;
		}
		const n = toNumber(v);
		if (Number.isNaN(n)) {
			this.add(field, `The ${label(field)} must be ${int ? 'an integer' : 'a number'}.`);
			return def;
		}
		if (int && !Number.isInteger(n)) {
			this.add(field, `The ${label(field)} must be an integer.`);
			return def;
		}
		if ((min !== undefined && n < min) || (max !== undefined && n > max)) {
			this.add(field, `The ${label(field)} must be between ${min} and ${max}.`);
			return def;
		}
		this.meta[field] = n;
		return n;
	}

	/** A required, non-blank string prompt ('' when it is not one). */
	prompt(): string {
		const { prompt } = this.body;
		if (isAbsent(prompt) || (typeof prompt === 'string' && prompt.trim() === '')) this.add('prompt', 'The prompt field is required.');
		else if (typeof prompt !== 'string') this.add('prompt', 'The prompt must be a string.');
		else return prompt;
		return '';
	}

	/** Complains when the field is present and not a string; returns it when it is one. */
	optionalString(field: string): string | undefined {
		const v = this.body[field];
		if (!isAbsent(v) && typeof v !== 'string') this.add(field, `The ${label(field)} must be a string.`);
		return typeof v === 'string' ? v : undefined;
	}

	oneOf(field: string, allowed: readonly string[]): void {
		const v = this.body[field];
		if (!isAbsent(v) && !allowed.includes(v as string)) this.add(field, `The selected ${label(field)} is invalid.`);
	}

	seed(): number | null {
		const { seed } = this.body;
		if (isAbsent(seed)) return null;
		const n = toNumber(seed);
		if (!Number.isInteger(n) || n < 0 || n > Number.MAX_SAFE_INTEGER - 4) this.add('seed', 'The seed must be a non-negative integer or null.');
		else return n;
		return null;
	}

	/** Flags sent as yes/no, true/false or booleans; kept in meta as 'yes'/'no'. */
	yesNo(fields: readonly string[]): void {
		for (const f of fields) {
			const v = this.body[f];
			if (isAbsent(v)) continue;
			const yn = toYesNo(v);
			if (yn === undefined) this.add(f, `The ${label(f)} field must be yes or no.`);
			else this.meta[f] = yn;
		}
	}

	/** An http(s) URL or null; kept in meta. */
	webhook(): string | null {
		const { webhook } = this.body;
		let checked: string | null = null;
		if (!isAbsent(webhook)) {
			let ok = typeof webhook === 'string';
			if (ok) {
				try {
					ok = ['http:', 'https:'].includes(new URL(webhook as string).protocol);
				} catch {
					ok = false;
				}
			}
			if (ok) checked = webhook as string;
			else this.add('webhook', 'The webhook must be a valid URL.');
		}
		this.meta.webhook = checked;
		return checked;
	}

	/** A string or number echoed back in answers and webhooks; kept in meta. */
	trackId(): string | number | null {
		const trackId = this.body.track_id;
		let checked: string | number | null = null;
		if (!isAbsent(trackId)) {
			if (typeof trackId === 'string' || typeof trackId === 'number') checked = trackId;
			else this.add('track_id', 'The track id must be a string.');
		}
		this.meta.track_id = checked;
		return checked;
	}
}
