// The pixel size an image file states in its header, read from the bytes: PNG, JPEG, WebP and GIF.
// The sandbox has its own reader on purpose: a stand-in for the vendor must not share the code of the
// client it tests, or both would agree on the same mistake.
import { PNG_SIGNATURE } from './png';

export type SizedFormat = 'png' | 'jpeg' | 'webp' | 'gif';

export interface PixelSize {
	width: number;
	height: number;
}

/** PNG: the signature, then the IHDR chunk (length, type), whose data starts with width and height (u32 BE). */
function pngSize(b: Buffer): PixelSize | undefined {
	if (b.length < 24 || !b.subarray(0, 8).equals(PNG_SIGNATURE) || b.toString('latin1', 12, 16) !== 'IHDR') return undefined;
	return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** GIF: "GIF87a" or "GIF89a", then the logical screen's width and height (u16 LE). */
function gifSize(b: Buffer): PixelSize | undefined {
	const signature = b.toString('latin1', 0, 6);
	if (b.length < 10 || (signature !== 'GIF87a' && signature !== 'GIF89a')) return undefined;
	return { width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
}

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;

/** TEM and RST0–RST7 stand alone: no length follows them. */
const standsAlone = (marker: number) => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);
/** SOF0–SOF15: the Cn markers but DHT (C4), JPG (C8) and DAC (CC). */
const isFrameHeader = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/**
 * JPEG: after SOI, segments `FF <marker> <length u16 BE, counting itself>` up to the first frame header
 * (SOFn), which holds precision (1 byte), height and width (u16 BE). 0xFF fill bytes may precede a
 * marker. The scan, the end or a second SOI before any frame header means there is no size to read.
 */
function jpegSize(b: Buffer): PixelSize | undefined {
	if (b.length < 2 || b[0] !== 0xff || b[1] !== SOI) return undefined;
	let at = 2;
	while (at + 4 <= b.length) {
		if (b[at] !== 0xff) return undefined;
		const marker = b[at + 1];
		if (marker === 0xff) {
			at += 1;
		} else if (standsAlone(marker)) {
			at += 2;
		} else if (marker === SOS || marker === EOI || marker === SOI) {
			return undefined;
		} else if (isFrameHeader(marker)) {
			return at + 9 <= b.length ? { width: b.readUInt16BE(at + 7), height: b.readUInt16BE(at + 5) } : undefined;
		} else {
			at += 2 + b.readUInt16BE(at + 2); // a length below 2 lands inside itself, on no marker
		}
	}
	return undefined;
}

/** Sizes are read from a WebP's first 30 bytes (the VP8 and VP8X headers end there); a shorter file counts as cut short, whatever its kind. */
const WEBP_HEAD_BYTES = 30;
/** Where the first chunk's data starts: after "RIFF", the file size, "WEBP", the chunk's type and its size. */
const CHUNK_DATA = 20;

/**
 * WebP: a RIFF file whose first chunk says the kind. Lossy (`VP8 `): a 3-byte frame tag, the start code
 * 9D 01 2A, then width and height (u16 LE, 14 bits each; the top two bits are scaling). Lossless
 * (`VP8L`): the signature byte 0x2F, then 14 bits of width - 1 and 14 of height - 1 (LE bit order).
 * Extended (`VP8X`): 4 bytes of flags, then canvas width - 1 and height - 1 (u24 LE each).
 */
function webpSize(b: Buffer): PixelSize | undefined {
	if (b.length < WEBP_HEAD_BYTES || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WEBP') return undefined;
	const data = CHUNK_DATA;
	switch (b.toString('latin1', 12, 16)) {
		case 'VP8 ': {
			const startCode = b[data + 3] === 0x9d && b[data + 4] === 0x01 && b[data + 5] === 0x2a;
			return startCode ? { width: b.readUInt16LE(data + 6) & 0x3fff, height: b.readUInt16LE(data + 8) & 0x3fff } : undefined;
		}
		case 'VP8L': {
			if (b[data] !== 0x2f) return undefined;
			const bits = b.readUInt32LE(data + 1);
			return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
		}
		case 'VP8X':
			return { width: b.readUIntLE(data + 4, 3) + 1, height: b.readUIntLE(data + 7, 3) + 1 };
		default:
			return undefined;
	}
}

const READERS: Record<SizedFormat, (b: Buffer) => PixelSize | undefined> = { png: pngSize, jpeg: jpegSize, webp: webpSize, gif: gifSize };

/** The size the header of `bytes` states as a `format` file; undefined when it is not one, is cut short, or states a side of 0. */
export function imageSize(bytes: Buffer, format: SizedFormat): PixelSize | undefined {
	const size = READERS[format](bytes);
	return size && size.width > 0 && size.height > 0 ? size : undefined;
}
