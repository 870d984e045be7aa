/**
 * What an `output` entry of a ModelsLab answer is: a link, base64 data, or a link to a `.base64`
 * text file; and base64 decoding.
 */

export type ImageSource =
	| { kind: 'url'; url: string }
	| { kind: 'base64Link'; url: string }
	| { kind: 'inline'; base64: string; mimeType?: string }
	/** A link with another scheme (file:, ftp:, a data: URI that is not base64 …): never fetched. */
	| { kind: 'unsupported'; scheme: string };

const DATA_URI = /^data:([\w/+.-]+)?(?:;[\w=-]+)*;base64,(.*)$/s;
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

export function classifyImageEntry(entry: string): ImageSource {
	const value = entry.trim();
	const dataUri = DATA_URI.exec(value);
	if (dataUri) return { kind: 'inline', base64: dataUri[2], mimeType: dataUri[1] };
	if (/^https?:\/\//i.test(value)) {
		const path = value.split(/[?#]/)[0];
		return path.toLowerCase().endsWith('.base64')
			? { kind: 'base64Link', url: value }
			: { kind: 'url', url: value };
	}
	// base64 has no ":", so anything with a scheme is a link the node must not follow
	const scheme = SCHEME.exec(value);
	if (scheme) return { kind: 'unsupported', scheme: `${scheme[1].toLowerCase()}:` };
	return { kind: 'inline', base64: value };
}

/** Decodes base64 text, which may itself be a data URI, and refuses what is not base64. */
export function decodeBase64(text: string): Buffer | undefined {
	const dataUri = DATA_URI.exec(text.trim());
	const payload = (dataUri ? dataUri[2] : text).replace(/\s+/g, '');
	if (payload === '' || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(payload)) return undefined;
	return Buffer.from(payload, 'base64');
}
