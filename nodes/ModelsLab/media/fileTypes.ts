/**
 * What a file ModelsLab made (or a user gave) is, read from its bytes: its type (PNG, JPEG, WebP,
 * GIF, AVIF, HEIC; MP4, QuickTime, WebM and Matroska), whether it is whole, its extension, and an
 * image's pixel size.
 */

export type MediaKind = 'image' | 'video';

/** A WebM or Matroska file: an EBML header whose DocType names it (in the first bytes). */
function ebmlDocType(b: Buffer): string | undefined {
	if (b.length < 8 || b.readUInt32BE(0) !== 0x1a45dfa3) return undefined;
	const head = b.subarray(0, 64).toString('latin1');
	// DocType is element 0x4282, then a one-byte size (0x80 | length), then the text
	const at = head.indexOf('\x42\x82');
	if (at < 0) return undefined;
	const length = head.charCodeAt(at + 2) & 0x7f;
	return head.slice(at + 3, at + 3 + length);
}

/** Formats with a fixed magic number: their bytes alone confirm or contradict a claimed type. */
const SIGNATURES: Array<{ mimeType: string; test: (bytes: Buffer) => boolean }> = [
	{
		mimeType: 'image/png',
		test: (b) => b.length > 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a,
	},
	{ mimeType: 'image/jpeg', test: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
	{
		mimeType: 'image/webp',
		test: (b) => b.length > 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP',
	},
	{ mimeType: 'image/gif', test: (b) => b.length > 6 && b.toString('latin1', 0, 4) === 'GIF8' },
	{ mimeType: 'video/webm', test: (b) => ebmlDocType(b) === 'webm' },
	{ mimeType: 'video/x-matroska', test: (b) => ebmlDocType(b) === 'matroska' },
];

/** `ftyp` brands of HEIF images (AVIF and HEIC are HEIF): an ISO-BMFF file with one is no video. */
const IMAGE_BRANDS = new Map([
	...['avif', 'avis'].map((brand) => [brand, 'image/avif'] as const),
	...['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx'].map((brand) => [brand, 'image/heic'] as const),
]);

/** HEIF's codec-neutral brands: a compatible brand tells AVIF from HEIC, else HEIF is filed as HEIC. */
const GENERIC_IMAGE_BRANDS = new Set(['mif1', 'msf1']);

/** `ftyp` brands that mean QuickTime rather than MPEG-4. */
const QUICKTIME_BRANDS = new Set(['qt  ']);

/**
 * The brands of the `ftyp` box at the start, major first, or none unless its header is whole (size,
 * type, major brand, minor version): an image brand is read only from a real box, not stray bytes.
 */
function ftypBrands(b: Buffer): string[] {
	if (b.length < 16 || b.readUInt32BE(0) < 16) return [];
	const end = Math.min(b.readUInt32BE(0), b.length);
	const brands = [b.toString('latin1', 8, 12)];
	for (let at = 16; at + 4 <= end; at += 4) brands.push(b.toString('latin1', at, at + 4));
	return brands;
}

/** An ISO-BMFF file's type from its brands: AVIF or HEIC images, QuickTime, and MP4 for any other brand. */
function isoBmffType(b: Buffer): string | undefined {
	if (b.length < 12 || b.toString('latin1', 4, 8) !== 'ftyp') return undefined;
	const [major = '', ...compatible] = ftypBrands(b);
	const image = GENERIC_IMAGE_BRANDS.has(major)
		? (compatible.map((brand) => IMAGE_BRANDS.get(brand)).find(Boolean) ?? 'image/heic')
		: IMAGE_BRANDS.get(major);
	if (image) return image;
	return QUICKTIME_BRANDS.has(b.toString('latin1', 8, 12)) ? 'video/quicktime' : 'video/mp4';
}

/** The type read from the bytes themselves, image or video: servers send wrong or missing content types. */
export function detectMimeType(bytes: Buffer): string | undefined {
	return SIGNATURES.find((signature) => signature.test(bytes))?.mimeType ?? isoBmffType(bytes);
}

export function kindOf(mimeType: string): MediaKind | undefined {
	if (mimeType.startsWith('image/')) return 'image';
	if (mimeType.startsWith('video/')) return 'video';
	return undefined;
}

/** The image type read from the bytes themselves: undefined for anything else, a video included. */
export function detectImageMimeType(bytes: Buffer): string | undefined {
	const type = detectMimeType(bytes);
	return type && kindOf(type) === 'image' ? type : undefined;
}

/**
 * The type of an image: from its bytes, else from a declared `image/*` type the node cannot
 * recognise itself (BMP …, or an AVIF/HEIC without a readable `ftyp` box). Undefined when the bytes
 * are no image: an error page, a message, or a PNG/JPEG/WebP/GIF claim that the bytes contradict.
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

/** Whether MP4 boxes run exactly to the end of the bytes: a download cut short ends inside its last box. */
function mp4BoxesComplete(bytes: Buffer): boolean {
	let offset = 0;
	while (offset + 8 <= bytes.length) {
		let size = bytes.readUInt32BE(offset);
		if (size === 1) {
			if (offset + 16 > bytes.length) return false;
			size = Number(bytes.readBigUInt64BE(offset + 8));
		} else if (size === 0) {
			return true; // the last box runs to the end of the file
		}
		if (size < 8) return false;
		offset += size;
	}
	return offset === bytes.length;
}

const PNG_END = Buffer.from('0000000049454e44ae426082', 'hex');

/** Whether the bytes end where their format says: a download cut short does not. */
export function isCompleteFile(bytes: Buffer, mimeType: string): boolean {
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
		case 'video/mp4':
		case 'video/quicktime':
			return mp4BoxesComplete(bytes);
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
	'video/mp4': 'mp4',
	'video/quicktime': 'mov',
	'video/webm': 'webm',
	'video/x-matroska': 'mkv',
};

export function extensionFor(mimeType: string): string {
	return EXTENSIONS[mimeType] ?? 'bin';
}

/**
 * A file ModelsLab made, checked against what the operation makes: its type from the bytes (else a
 * declared type of that kind the node cannot recognise), and whole. A reason when it is not usable:
 * an error page, a cut-short download, or a file of the other kind (a video where an image is due).
 */
export function checkOutputFile(bytes: Buffer, declaredType: string | undefined, expected: MediaKind): { bytes: Buffer; mimeType: string } | string {
	const wanted = expected === 'image' ? 'an image' : 'a video';
	const detected = detectMimeType(bytes);
	if (detected && kindOf(detected) !== expected) return `a ${detected} file, not ${wanted}`;
	const mimeType = expected === 'image' ? imageMimeType(bytes, declaredType) : detected;
	if (!mimeType) return `not ${wanted}${declaredType ? ` (${declaredType})` : ''}`;
	if (!isCompleteFile(bytes, mimeType)) return `incomplete ${mimeType} (${bytes.length} bytes)`;
	return { bytes, mimeType };
}

interface ImageSize {
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
	switch (bytes.toString('latin1', 12, 16)) {
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
			size = bytes.length >= 24 && bytes.toString('latin1', 12, 16) === 'IHDR'
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
