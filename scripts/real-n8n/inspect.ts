import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

import type { BinaryRef } from './types';

/** Where n8n 2.41's filesystem binary mode keeps a file: `<userFolder>/.n8n/storage/<id without mode>`. */
export function binaryFilePath(userFolder: string, ref: BinaryRef): string {
	const match = /^filesystem-v2:(.+)$/.exec(ref.id ?? '');
	if (!match) throw new Error(`not a filesystem binary reference: ${JSON.stringify(ref)}`);
	return path.join(userFolder, '.n8n', 'storage', match[1]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk; throws if the bytes are not a PNG. */
export function pngSize(bytes: Buffer): { width: number; height: number } {
	if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE) || bytes.toString('latin1', 12, 16) !== 'IHDR') {
		throw new Error('not a PNG file');
	}
	return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

export function filesUnder(folder: string): string[] {
	if (!existsSync(folder)) return [];
	return readdirSync(folder, { recursive: true, encoding: 'utf8' })
		.map((entry) => path.join(folder, entry))
		.filter((file) => statSync(file).isFile());
}

/**
 * Every place a secret appears, as it is, base64-encoded, UTF-16 or as hex (how `pg_dump` writes
 * bytea columns), in the given files and texts.
 */
export function findSecrets(secrets: string[], files: string[], texts: Array<{ label: string; text: string }>): string[] {
	const needles = secrets.flatMap((secret) => [
		{ secret, bytes: Buffer.from(secret, 'utf8') },
		{ secret: `${secret} (hex)`, bytes: Buffer.from(Buffer.from(secret, 'utf8').toString('hex'), 'utf8') },
		{ secret: `${secret} (base64)`, bytes: Buffer.from(Buffer.from(secret, 'utf8').toString('base64'), 'utf8') },
		{ secret: `${secret} (utf16)`, bytes: Buffer.from(secret, 'utf16le') },
	]);
	const hits: string[] = [];
	const scan = (label: string, haystack: Buffer) => {
		for (const needle of needles) if (haystack.includes(needle.bytes)) hits.push(`${needle.secret} in ${label}`);
	};
	for (const file of files) scan(file, readFileSync(file));
	for (const { label, text } of texts) scan(label, Buffer.from(text, 'utf8'));
	return hits;
}
