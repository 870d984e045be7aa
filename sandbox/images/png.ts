// Deterministic PNG encoder for the sandbox: pixels depend only on (width, height, seed, prompt),
// so tests can recompute the exact bytes a job should serve.
import * as zlib from 'node:zlib';
import { mulberry32 } from '../core/random';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface RenderPngArgs {
	width: number;
	height: number;
	seed: number;
	prompt?: string;
	/** low bits of every channel replaced by seeded noise (0-8): 6 makes a 1024x1024 PNG of about 2.4 MB, as real ones are */
	noiseBits?: number;
}

const CRC_TABLE = (() => {
	const table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c >>> 0;
	}
	return table;
})();

/** CRC-32 (ISO-HDLC, as used by PNG). `previous` lets callers chain buffers. */
export function crc32(buf: Uint8Array, previous = 0): number {
	let c = (previous ^ 0xffffffff) >>> 0;
	for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
	const head = Buffer.alloc(8);
	head.writeUInt32BE(data.length, 0);
	head.write(type, 4, 'ascii');
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
	return Buffer.concat([head, data, crc]);
}

/** Encode 8-bit RGB (3 channels) or RGBA (4) pixels, row-major, as a PNG. */
export function encodePng(width: number, height: number, rgb: Buffer, channels: 3 | 4 = 3): Buffer {
	if (rgb.length !== width * height * channels) throw new RangeError(`pixel length does not match width*height*${channels}`);
	const stride = width * channels;
	// filter type 0 (None) on every row: simplest and deterministic
	const raw = Buffer.alloc((stride + 1) * height);
	for (let y = 0; y < height; y++) rgb.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = channels === 4 ? 6 : 2; // colour type: truecolour RGB, or with alpha
	ihdr[10] = 0; // deflate
	ihdr[11] = 0; // adaptive filtering
	ihdr[12] = 0; // no interlace
	const idat = zlib.deflateSync(raw, { level: 1 });
	return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

function fnv1a(str: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < str.length; i++) {
		h ^= str.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}

type Rgb = [number, number, number];

function hslToRgb(h: number, s: number, l: number): Rgb {
	const k = (n: number) => (n + h * 12) % 12;
	const a = s * Math.min(l, 1 - l);
	const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1));
	return [Math.round(f(0) * 255), Math.round(f(8) * 255), Math.round(f(4) * 255)];
}

/** Replaces the low `bits` of every byte by seeded noise, so the pixels no longer compress. */
function addNoise(rgb: Buffer, bits: number, seed: number): void {
	if (bits <= 0) return;
	// xorshift32, four noise bytes per step: a 1024x1024 image takes milliseconds
	let x = (seed ^ 0x5bd1e995) >>> 0 || 1;
	const mask = (1 << bits) - 1;
	for (let i = 0; i < rgb.length; i += 4) {
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		for (let b = 0; b < 4 && i + b < rgb.length; b++) rgb[i + b] = (rgb[i + b] & ~mask & 0xff) | ((x >>> (8 * b)) & mask);
	}
}

/** The RGB pixels renderPng encodes (width*height*3 bytes). */
export function renderPixels(width: number, height: number, seed: number, prompt: string, noiseBits = 0): Buffer {
	const rand = mulberry32(fnv1a(`${seed}\u0000${prompt}`));
	const hue = rand();
	const c0 = hslToRgb(hue, 0.65, 0.35);
	const c1 = hslToRgb((hue + 0.25 + rand() * 0.5) % 1, 0.7, 0.6);
	const period = 8 + Math.floor(rand() * 56);
	const dirX = 1 + Math.floor(rand() * 3);
	const dirY = Math.floor(rand() * 3);
	const stripe = 18 + Math.floor(rand() * 30);
	const rgb = Buffer.alloc(width * height * 3);
	const span = Math.max(1, width + height - 2);
	let o = 0;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const t = (x + y) / span;
			const on = Math.floor((x * dirX + y * dirY) / period) & 1 ? stripe : 0;
			for (let c = 0; c < 3; c++) {
				const v = c0[c] + (c1[c] - c0[c]) * t + on;
				rgb[o++] = v > 255 ? 255 : v;
			}
		}
	}
	addNoise(rgb, noiseBits, fnv1a(`${seed}\u0001${prompt}`));
	return rgb;
}

// Small LRU: a 1024x1024 image is ~1-3 MB, so keep the cache bounded by bytes too.
const CACHE_MAX_ENTRIES = 64;
const CACHE_MAX_BYTES = 96 * 1024 * 1024;
const cache = new Map<string, Buffer>();
let cacheBytes = 0;

function checkArgs(args: RenderPngArgs): void {
	const { width, height, seed, prompt } = args;
	if (!Number.isInteger(width) || width < 1 || width > 8192) throw new RangeError(`invalid width: ${width}`);
	if (!Number.isInteger(height) || height < 1 || height > 8192) throw new RangeError(`invalid height: ${height}`);
	if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new TypeError(`invalid seed: ${seed}`);
	if (prompt !== undefined && typeof prompt !== 'string') throw new TypeError('prompt must be a string');
	if (args.noiseBits !== undefined && !(Number.isInteger(args.noiseBits) && args.noiseBits >= 0 && args.noiseBits <= 8)) {
		throw new RangeError(`invalid noiseBits: ${args.noiseBits}`);
	}
}

/** Same bytes as renderPng but the shared cached Buffer: do not mutate (the server uses this). */
export function renderPngShared(args: RenderPngArgs): Buffer {
	checkArgs(args);
	const { width, height, seed } = args;
	const prompt = args.prompt ?? '';
	const noiseBits = args.noiseBits ?? 0;
	const key = `${width}x${height}|${seed}|${noiseBits}|${prompt}`;
	const hit = cache.get(key);
	if (hit) {
		cache.delete(key);
		cache.set(key, hit);
		return hit;
	}
	const png = encodePng(width, height, renderPixels(width, height, seed, prompt, noiseBits));
	cache.set(key, png);
	cacheBytes += png.length;
	while (cache.size > CACHE_MAX_ENTRIES || (cacheBytes > CACHE_MAX_BYTES && cache.size > 1)) {
		const [oldKey, old] = cache.entries().next().value as [string, Buffer];
		cache.delete(oldKey);
		cacheBytes -= old.length;
	}
	return png;
}

/** A valid 8-bit RGB PNG whose pixels depend only on the arguments; returns a fresh copy. */
export function renderPng(args: RenderPngArgs): Buffer {
	return Buffer.from(renderPngShared(args));
}
