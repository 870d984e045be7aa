// Reading the images clients send: which format the bytes are (PNG, JPEG, WebP), their size from the
// header (imageSize.ts), and the pixels of a PNG. JPEG and WebP are not decoded: their pixels are a
// stand-in drawn from the bytes' hash (see imageOps.ts), so the answer still has the right size and
// depends on the input.
import * as zlib from 'node:zlib';
import { imageSize } from './imageSize';
import { PNG_SIGNATURE } from './png';

export type ImageFormat = 'png' | 'jpeg' | 'webp';

export const CONTENT_TYPES: Record<ImageFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

/** Pixels as RGBA, row-major; `alpha` says whether the source had transparency to keep. */
export interface Raster {
	width: number;
	height: number;
	data: Buffer;
	alpha: boolean;
}

export interface ImageHeader {
	format: ImageFormat;
	width: number;
	height: number;
}

export function sniffFormat(b: Buffer): ImageFormat | null {
	if (b.length >= 8 && b.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
	if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
	if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'webp';
	return null;
}

interface PngParts {
	width: number;
	height: number;
	depth: number;
	colour: number;
	interlace: number;
	palette: Buffer | null;
	trns: Buffer | null;
	idat: Buffer[];
}

function pngParts(b: Buffer): PngParts | null {
	if (b.length < 33 || b.toString('latin1', 12, 16) !== 'IHDR') return null;
	const parts: PngParts = {
		width: b.readUInt32BE(16),
		height: b.readUInt32BE(20),
		depth: b[24],
		colour: b[25],
		interlace: b[28],
		palette: null,
		trns: null,
		idat: [],
	};
	for (let off = 33; off + 8 <= b.length; ) {
		const len = b.readUInt32BE(off);
		const type = b.toString('latin1', off + 4, off + 8);
		const data = b.subarray(off + 8, off + 8 + len);
		if (type === 'PLTE') parts.palette = data;
		else if (type === 'tRNS') parts.trns = data;
		else if (type === 'IDAT') parts.idat.push(data);
		else if (type === 'IEND') break;
		off += 12 + len;
	}
	return parts;
}

/** Format and size from the header; null when the bytes are none of the three formats or too short. */
export function readHeader(b: Buffer): ImageHeader | null {
	const format = sniffFormat(b);
	const size = format && imageSize(b, format);
	return format && size ? { format, ...size } : null;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function paeth(a: number, b: number, c: number): number {
	const p = a + b - c;
	const pa = Math.abs(p - a);
	const pb = Math.abs(p - b);
	const pc = Math.abs(p - c);
	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Undoes the five PNG row filters in place; returns the rows without their filter bytes. */
function unfilter(raw: Buffer, rowBytes: number, height: number, bpp: number): Buffer {
	const out = Buffer.alloc(rowBytes * height);
	for (let y = 0; y < height; y++) {
		const filter = raw[y * (rowBytes + 1)];
		const src = y * (rowBytes + 1) + 1;
		const row = y * rowBytes;
		for (let i = 0; i < rowBytes; i++) {
			const a = i >= bpp ? out[row + i - bpp] : 0;
			const up = y > 0 ? out[row + i - rowBytes] : 0;
			const c = i >= bpp && y > 0 ? out[row + i - rowBytes - bpp] : 0;
			let pred: number;
			switch (filter) {
				case 0:
					pred = 0;
					break;
				case 1:
					pred = a;
					break;
				case 2:
					pred = up;
					break;
				case 3:
					pred = (a + up) >> 1;
					break;
				case 4:
					pred = paeth(a, up, c);
					break;
				default:
					throw new Error(`bad PNG filter ${filter}`);
			}
			out[row + i] = (raw[src + i] + pred) & 0xff;
		}
	}
	return out;
}

/**
 * The pixels of a non-interlaced PNG (every colour type and bit depth), or null when it cannot be
 * decoded here (interlaced). Throws on a broken file.
 */
export function decodePng(b: Buffer): Raster | null {
	const p = pngParts(b);
	const channels = p ? CHANNELS[p.colour] : undefined;
	if (!p || !channels || ![1, 2, 4, 8, 16].includes(p.depth)) throw new Error('not a PNG this sandbox can read');
	if (p.interlace !== 0) return null;
	const { width, height, depth, colour, palette, trns } = p;
	const rowBytes = Math.ceil((width * channels * depth) / 8);
	const raw = zlib.inflateSync(Buffer.concat(p.idat));
	if (raw.length < (rowBytes + 1) * height) throw new Error('PNG data too short');
	const rows = unfilter(raw, rowBytes, height, Math.max(1, (channels * depth) >> 3));
	const max = (1 << Math.min(depth, 8)) - 1;
	const sample = (y: number, i: number): number => {
		if (depth === 8) return rows[y * rowBytes + i];
		if (depth === 16) return rows[y * rowBytes + i * 2];
		const bit = i * depth;
		return (rows[y * rowBytes + (bit >> 3)] >> (8 - depth - (bit & 7))) & max;
	};
	const scale = (v: number) => (colour === 3 ? v : Math.round((v * 255) / max));
	const data = Buffer.alloc(width * height * 4);
	// a tRNS colour key on grey or RGB is rare: such an image counts as opaque
	const alpha = colour === 4 || colour === 6 || (colour === 3 && trns !== null);
	for (let y = 0, o = 0; y < height; y++) {
		for (let x = 0; x < width; x++, o += 4) {
			const at = (c: number) => scale(sample(y, x * channels + c));
			if (colour === 3) {
				const idx = at(0);
				if (!palette || idx * 3 + 2 >= palette.length) throw new Error('PNG palette index out of range');
				palette.copy(data, o, idx * 3, idx * 3 + 3);
				data[o + 3] = trns && idx < trns.length ? trns[idx] : 255;
			} else {
				const grey = channels < 3;
				data[o] = at(0);
				data[o + 1] = at(grey ? 0 : 1);
				data[o + 2] = at(grey ? 0 : 2);
				data[o + 3] = channels === 2 || channels === 4 ? at(channels - 1) : 255;
			}
		}
	}
	return { width, height, data, alpha };
}
