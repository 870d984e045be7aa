/** Keeping the credential's key out of everything the node outputs, throws or logs. */
import type { IDataObject } from 'n8n-workflow';

/** The text with every occurrence of the key replaced by `***`; keys under 4 characters are no real key. */
export function redactSecret(text: string, secret: unknown): string {
	return typeof secret === 'string' && secret.length >= 4 ? text.split(secret).join('***') : text;
}

const SECRET_KEYS = /^(key|api_?key|apikey|token|secret|password|authorization)$/i;

/** The API's meta minus anything secret: key-like fields and any value holding the key. */
export function sanitizeMeta(meta: unknown, secret?: unknown): IDataObject {
	if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return {};
	const clean: IDataObject = {};
	for (const [name, value] of Object.entries(meta as IDataObject)) {
		if (SECRET_KEYS.test(name)) continue;
		if (typeof value === 'string' && redactSecret(value, secret) !== value) continue;
		clean[name] = value;
	}
	return clean;
}
