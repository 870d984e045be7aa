/**
 * Pure image helpers: what an `output` entry is (a link, base64, or a link to a `.base64` text
 * file), the real type of some bytes, and file names.
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

const SIGNATURES: Array<{ mimeType: string; test: (bytes: Buffer) => boolean }> = [
	{
		mimeType: 'image/png',
		test: (b) => b.length > 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a,
	},
	{ mimeType: 'image/jpeg', test: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
	{
		mimeType: 'image/webp',
		test: (b) => b.length > 12 && b.toString('ascii', 0, 4) === 'RIFF' && b.toString('ascii', 8, 12) === 'WEBP',
	},
	{ mimeType: 'image/gif', test: (b) => b.length > 6 && b.toString('ascii', 0, 4) === 'GIF8' },
];

/** The image type read from the bytes themselves: servers send wrong or missing content types. */
export function detectImageMimeType(bytes: Buffer): string | undefined {
	return SIGNATURES.find((signature) => signature.test(bytes))?.mimeType;
}

/**
 * The type of an image: from its bytes, else from a declared `image/*` type the node cannot
 * recognise itself (AVIF, BMP …). Undefined when the bytes are no image: an error page, a
 * message, or a PNG/JPEG/WebP/GIF claim that the bytes contradict.
 */
export function imageMimeType(bytes: Buffer, declared?: string): string | undefined {
	const detected = detectImageMimeType(bytes);
	if (detected) return detected;
	const type = declared?.split(';')[0].trim().toLowerCase();
	if (!type || !/^image\/[\w.+-]+$/.test(type) || SIGNATURES.some((signature) => signature.mimeType === type)) {
		return undefined;
	}
	return type;
}

const PNG_END = Buffer.from('0000000049454e44ae426082', 'hex');

/** Whether the bytes end where their format says: a download cut short does not. */
export function isCompleteImage(bytes: Buffer, mimeType: string): boolean {
	switch (mimeType) {
		case 'image/png':
			return bytes.subarray(-PNG_END.length).equals(PNG_END);
		case 'image/jpeg': {
			let end = bytes.length;
			while (end > 2 && bytes[end - 1] === 0) end--;
			return bytes[end - 2] === 0xff && bytes[end - 1] === 0xd9;
		}
		case 'image/webp':
			return bytes.length >= 8 + bytes.readUInt32LE(4);
		case 'image/gif':
			return bytes[bytes.length - 1] === 0x3b;
		default:
			return true;
	}
}

const EXTENSIONS: Record<string, string> = {
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'image/webp': 'webp',
	'image/gif': 'gif',
	'image/avif': 'avif',
	'image/bmp': 'bmp',
	'image/tiff': 'tif',
	'image/heic': 'heic',
};

export function extensionFor(mimeType: string): string {
	return EXTENSIONS[mimeType] ?? 'bin';
}

export function imageFileName(requestId: string, imageIndex: number, mimeType: string): string {
	return `modelslab-${requestId}-${imageIndex}.${extensionFor(mimeType)}`;
}

/**
 * The file name of an image whose answer had no usable request id: the link's own name and the
 * image index (`<name>-<imageIndex>.<ext>`); `modelslab-<imageIndex>` for base64 data without a link.
 */
export function linkFileName(url: string | null, imageIndex: number, mimeType: string): string {
	let name = '';
	try {
		const last = url ? (new URL(url).pathname.split('/').pop() ?? '') : '';
		name = decodeURIComponent(last).replace(/\.[^.]*$/, '');
	} catch {
		name = '';
	}
	const safe = name.replace(/[^\w.-]+/g, '_').replace(/^[._]+/, '').slice(0, 100);
	return `${safe || 'modelslab'}-${imageIndex}.${extensionFor(mimeType)}`;
}

/** Image extensions a name may already end with (one or more); the node's own one replaces them. */
const TYPED_EXTENSIONS = /(\.(png|jpe?g|jpe|jfif|webp|gif|avif|bmp|tiff?|heic|heif|svg|bin))+$/i;
/**
 * Path separators, control characters (C0 and C1), text-direction overrides that disguise an
 * extension, and half an emoji (a lone surrogate).
 */
const UNSAFE_IN_NAME = /[/\\\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]|\p{Cs}/gu;
export const MAX_FILE_NAME_LENGTH = 200;

/**
 * The File Name option made safe: path separators and control characters become "_", an image
 * extension typed by the user is replaced by the bytes' own, "-<imageIndex>" is added when the
 * item has several images, and the whole is at most 200 characters. Undefined when nothing
 * usable is left, so the node's own name is used.
 */
export function chosenFileName(name: string, imageIndex: number | undefined, mimeType: string): string | undefined {
	// a longer name is cut anyway, and the trims below stay cheap on a megabyte from an expression;
	// leading dots would hide the file on Unix, dots and spaces before the extension are noise
	const base = name
		.slice(0, 2 * MAX_FILE_NAME_LENGTH)
		.replace(UNSAFE_IN_NAME, '_')
		.trim()
		.replace(TYPED_EXTENSIONS, '')
		.replace(/^[.\s]+|[.\s]+$/g, '');
	if (base.replace(/[_.\s]/g, '') === '') return undefined;
	const ending = `${imageIndex === undefined ? '' : `-${imageIndex}`}.${extensionFor(mimeType)}`;
	// a cut between the two halves of an emoji would leave half a character
	const kept = base
		.slice(0, MAX_FILE_NAME_LENGTH - ending.length)
		.replace(/[\uD800-\uDBFF]$/, '')
		.replace(/[.\s]+$/, '');
	return `${kept}${ending}`;
}

export interface ImageSize {
	width: number;
	height: number;
}

/** The first start-of-frame marker (SOF0–SOF15 but DHT, JPG and DAC) holds the size. */
function jpegSize(bytes: Buffer): ImageSize | undefined {
	let offset = 2;
	while (offset + 9 <= bytes.length) {
		if (bytes[offset] !== 0xff) return undefined;
		const marker = bytes[offset + 1];
		// a fill byte
		if (marker === 0xff) {
			offset++;
			continue;
		}
		// markers without a length: TEM, RST0–7
		if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
			offset += 2;
			continue;
		}
		const length = bytes.readUInt16BE(offset + 2);
		if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
			return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
		}
		if (length < 2) return undefined;
		offset += 2 + length;
	}
	return undefined;
}

function webpSize(bytes: Buffer): ImageSize | undefined {
	if (bytes.length < 30) return undefined;
	switch (bytes.toString('ascii', 12, 16)) {
		case 'VP8 ':
			// lossy: a key frame's start code, then 14-bit width and height
			if (bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a) return undefined;
			return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
		case 'VP8L': {
			if (bytes[20] !== 0x2f) return undefined;
			const bits = bytes.readUInt32LE(21);
			return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
		}
		case 'VP8X':
			return { width: bytes.readUIntLE(24, 3) + 1, height: bytes.readUIntLE(27, 3) + 1 };
		default:
			return undefined;
	}
}

/** The pixel size written in an image's header (output images, input images), or undefined for a type or header the node cannot read. */
export function imageSize(bytes: Buffer, mimeType: string): ImageSize | undefined {
	let size: ImageSize | undefined;
	switch (mimeType) {
		case 'image/png':
			size = bytes.length >= 24 && bytes.toString('ascii', 12, 16) === 'IHDR'
				? { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
				: undefined;
			break;
		case 'image/gif':
			size = bytes.length >= 10 ? { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) } : undefined;
			break;
		case 'image/jpeg':
			size = jpegSize(bytes);
			break;
		case 'image/webp':
			size = webpSize(bytes);
			break;
	}
	return size && size.width > 0 && size.height > 0 ? size : undefined;
}
