import { readHeader } from '../../sandbox/images/imageFormat';
import { imageSize } from '../../sandbox/images/imageSize';

// Headers built by hand, byte by byte, from the format specifications (not from any encoder).

/** Bytes from numbers (one byte each), strings (latin1) and byte lists. */
const bytes = (...parts: Array<number | string | number[] | Buffer>) =>
	Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(typeof p === 'number' ? [p] : p))));
const u16be = (v: number) => [v >> 8, v & 0xff];
const u16le = (v: number) => [v & 0xff, v >> 8];
const u24le = (v: number) => [v & 0xff, (v >> 8) & 0xff, v >> 16];
const u32be = (v: number) => [v >>> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
const u32le = (v: number) => u32be(v).reverse();

// PNG: signature, then IHDR (length 13, type, width, height, depth, colour, compression, filter, interlace, CRC)
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const png = (width: number, height: number, type = 'IHDR') => bytes(PNG_MAGIC, u32be(13), type, u32be(width), u32be(height), [8, 6, 0, 0, 0], u32be(0));

// JPEG: markers and segments (length counts its own two bytes)
const SOI = [0xff, 0xd8];
const EOI = [0xff, 0xd9];
const segment = (marker: number, body: number[] | string) => {
	const data = typeof body === 'string' ? [...Buffer.from(body, 'latin1')] : body;
	return [0xff, marker, ...u16be(data.length + 2), ...data];
};
const APP0_JFIF = segment(0xe0, 'JFIF\0\x01\x02\x00\x00\x48\x00\x48\x00\x00');
const APP1_EXIF = segment(0xe1, 'Exif\0\0MM\0\x2a\0\0\0\x08\0\0');
const APP14 = segment(0xee, 'Adobe\0\x64\0\0\0\0\x01');
const DQT = segment(0xdb, [0, ...new Array<number>(64).fill(1)]);
const DHT = segment(0xc4, [0x00, ...new Array<number>(16).fill(0)]);
const COM = segment(0xfe, 'made by hand');
/** A frame header: precision 8, height, width, one component. */
const sof = (marker: number, width: number, height: number) => segment(marker, [8, ...u16be(height), ...u16be(width), 1, 1, 0x11, 0]);
const SOS = segment(0xda, [1, 1, 0, 0, 0x3f, 0]);
const jpeg = (...segments: number[][]) => bytes(SOI, ...segments, SOS, [0x12, 0x34, 0x56], EOI);

// WebP: "RIFF", size, "WEBP", then the first chunk (type, size, data)
const riff = (chunk: string, data: number[]) => bytes('RIFF', u32le(4 + 8 + data.length), 'WEBP', chunk, u32le(data.length), data);
/** Lossy: frame tag (key frame), start code, 14-bit width and height with 2 scale bits each. */
const vp8 = (width: number, height: number, scale = 0) =>
	riff('VP8 ', [0x30, 0x01, 0x00, 0x9d, 0x01, 0x2a, ...u16le(width | (scale << 14)), ...u16le(height | (scale << 14)), 0, 0, 0, 0]);
/** Lossless: signature 0x2F, then width - 1 and height - 1 in 14 bits each, alpha bit, version 0. */
const vp8l = (width: number, height: number) => riff('VP8L', [0x2f, ...u32le(((width - 1) | ((height - 1) << 14) | (1 << 28)) >>> 0), 0, 0, 0, 0, 0]);
/** Extended: flags (alpha), 3 reserved bytes, canvas width - 1 and height - 1 in 24 bits each. */
const vp8x = (width: number, height: number) => riff('VP8X', [0x10, 0, 0, 0, ...u24le(width - 1), ...u24le(height - 1)]);

// GIF: signature and version, logical screen width and height, flags, background, aspect, trailer
const gif = (version: string, width: number, height: number) => bytes('GIF', version, u16le(width), u16le(height), [0, 0, 0], 0x3b);

const GARBAGE = Buffer.from('<!DOCTYPE html><html><body>Bad gateway, please try again later</body></html>');

describe('PNG: the IHDR chunk', () => {
	it('reads width and height, up to 32 bits', () => {
		expect(imageSize(png(640, 480), 'png')).toEqual({ width: 640, height: 480 });
		expect(imageSize(png(1, 70000), 'png')).toEqual({ width: 1, height: 70000 });
	});

	it('is undefined when cut short, not a PNG, without IHDR first, or with a side of 0', () => {
		expect(imageSize(png(640, 480).subarray(0, 23), 'png')).toBeUndefined();
		expect(imageSize(bytes(PNG_MAGIC), 'png')).toBeUndefined();
		expect(imageSize(bytes('GIF89a', png(640, 480).subarray(6)), 'png')).toBeUndefined();
		expect(imageSize(png(640, 480, 'IDAT'), 'png')).toBeUndefined();
		expect(imageSize(png(0, 480), 'png')).toBeUndefined();
		expect(imageSize(GARBAGE, 'png')).toBeUndefined();
	});
});

describe('JPEG: the first frame header (SOFn), other segments skipped', () => {
	it('reads a baseline JPEG with APP0, APP1 and APP14 segments, tables and a comment before the frame', () => {
		expect(imageSize(jpeg(APP0_JFIF, APP1_EXIF, APP14, COM, DQT, DHT, sof(0xc0, 1920, 1080)), 'jpeg')).toEqual({ width: 1920, height: 1080 });
	});

	it('reads every SOFn but DHT, JPG and DAC: extended, progressive, lossless, arithmetic', () => {
		for (const marker of [0xc1, 0xc2, 0xc3, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]) {
			expect(imageSize(jpeg(APP0_JFIF, sof(marker, 17, 9)), 'jpeg')).toEqual({ width: 17, height: 9 });
		}
		// DHT, JPG and DAC segments shaped like a frame header are skipped, the real frame after them read
		for (const marker of [0xc4, 0xc8, 0xcc]) {
			expect(imageSize(jpeg(segment(marker, [8, 0, 5, 0, 7, 1, 1, 0x11, 0]), sof(0xc0, 300, 200)), 'jpeg')).toEqual({ width: 300, height: 200 });
		}
	});

	it('skips fill bytes and markers that stand alone (RSTn, TEM)', () => {
		const filled = jpeg(APP0_JFIF, [0xff, 0xff, 0xff], [0xff, 0xd0], [0xff, 0xd7], [0xff, 0x01], sof(0xc0, 65535, 1));
		expect(imageSize(filled, 'jpeg')).toEqual({ width: 65535, height: 1 });
	});

	it('is undefined when cut short, broken, or without a frame before the scan', () => {
		const whole = jpeg(APP0_JFIF, APP1_EXIF, sof(0xc0, 640, 480));
		const frameAt = whole.indexOf(Buffer.from([0xff, 0xc0]));
		expect(imageSize(whole.subarray(0, frameAt + 8), 'jpeg')).toBeUndefined();
		expect(imageSize(whole.subarray(0, frameAt + 9), 'jpeg')).toEqual({ width: 640, height: 480 });
		expect(imageSize(whole.subarray(0, 10), 'jpeg')).toBeUndefined();
		expect(imageSize(bytes(SOI), 'jpeg')).toBeUndefined();
		expect(imageSize(bytes(SOI, APP0_JFIF, SOS, [0x12, 0x34], sof(0xc0, 640, 480)), 'jpeg')).toBeUndefined();
		expect(imageSize(bytes(SOI, APP0_JFIF, EOI, sof(0xc0, 640, 480)), 'jpeg')).toBeUndefined();
		expect(imageSize(bytes(SOI, APP0_JFIF, SOI, [0, 2], sof(0xc0, 640, 480)), 'jpeg')).toBeUndefined(); // a second start
		expect(imageSize(bytes(SOI, [0xff, 0xe0, 0, 1], sof(0xc0, 640, 480)), 'jpeg')).toBeUndefined(); // a length below 2
		expect(imageSize(bytes(SOI, [0xff, 0xe0, 0, 0], sof(0xc0, 640, 480)), 'jpeg')).toBeUndefined();
		expect(imageSize(bytes(SOI, [0x00, 0x11, 0x22, 0x33], sof(0xc0, 640, 480)), 'jpeg')).toBeUndefined(); // no marker where one must be
		expect(imageSize(jpeg(APP0_JFIF, sof(0xc0, 640, 0)), 'jpeg')).toBeUndefined(); // height given later (DNL): no size here
		expect(imageSize(bytes([0xff, 0xd9], APP0_JFIF, sof(0xc0, 640, 480)), 'jpeg')).toBeUndefined(); // no SOI first
		expect(imageSize(GARBAGE, 'jpeg')).toBeUndefined();
	});
});

describe('WebP: lossy, lossless and extended', () => {
	it('reads the lossy (VP8) frame size, without its scale bits', () => {
		expect(imageSize(vp8(1024, 768), 'webp')).toEqual({ width: 1024, height: 768 });
		expect(imageSize(vp8(16383, 3, 3), 'webp')).toEqual({ width: 16383, height: 3 });
	});

	it('reads the lossless (VP8L) size, stored minus one', () => {
		expect(imageSize(vp8l(1, 1), 'webp')).toEqual({ width: 1, height: 1 });
		expect(imageSize(vp8l(500, 321), 'webp')).toEqual({ width: 500, height: 321 });
		expect(imageSize(vp8l(16384, 16384), 'webp')).toEqual({ width: 16384, height: 16384 });
	});

	it('reads the extended (VP8X) canvas size, 24 bits minus one', () => {
		expect(imageSize(vp8x(1, 1), 'webp')).toEqual({ width: 1, height: 1 });
		expect(imageSize(vp8x(5000, 3000), 'webp')).toEqual({ width: 5000, height: 3000 });
		expect(imageSize(vp8x(1 << 24, 70000), 'webp')).toEqual({ width: 1 << 24, height: 70000 });
	});

	it('is undefined when cut short, broken, or of another kind', () => {
		for (const whole of [vp8(1024, 768), vp8l(500, 321), vp8x(5000, 3000)]) {
			expect(imageSize(whole.subarray(0, 29), 'webp')).toBeUndefined();
			expect(imageSize(whole.subarray(0, 16), 'webp')).toBeUndefined();
		}
		for (const at of [23, 24, 25]) {
			const badStartCode = vp8(1024, 768);
			badStartCode[at] ^= 0x01;
			expect(imageSize(badStartCode, 'webp')).toBeUndefined();
		}
		const badSignature = vp8l(500, 321);
		badSignature[20] = 0x2e;
		expect(imageSize(badSignature, 'webp')).toBeUndefined();
		expect(imageSize(riff('ALPH', new Array<number>(12).fill(0)), 'webp')).toBeUndefined();
		expect(imageSize(riff('VP8\xd8', [0x10, 0, 0, 0, ...u24le(99), ...u24le(49)]), 'webp')).toBeUndefined(); // not VP8X
		expect(imageSize(bytes('RIFF', u32le(30), 'WAVE', vp8x(5000, 3000).subarray(12)), 'webp')).toBeUndefined();
		expect(imageSize(vp8(0, 768), 'webp')).toBeUndefined();
		expect(imageSize(GARBAGE, 'webp')).toBeUndefined();
	});
});

describe('GIF: the logical screen', () => {
	it('reads both versions', () => {
		expect(imageSize(gif('89a', 320, 200), 'gif')).toEqual({ width: 320, height: 200 });
		expect(imageSize(gif('87a', 65535, 2), 'gif')).toEqual({ width: 65535, height: 2 });
	});

	it('is undefined when cut short, of another version, or with a side of 0', () => {
		expect(imageSize(gif('89a', 320, 200).subarray(0, 9), 'gif')).toBeUndefined();
		expect(imageSize(gif('88a', 320, 200), 'gif')).toBeUndefined();
		expect(imageSize(gif('89a', 0, 200), 'gif')).toBeUndefined();
		expect(imageSize(GARBAGE, 'gif')).toBeUndefined();
	});
});

describe('readHeader, which the sandbox reads input images with', () => {
	it('gives the format and the size of PNG, JPEG and WebP; null for GIF (not an input format) and garbage', () => {
		expect(readHeader(png(64, 48))).toEqual({ format: 'png', width: 64, height: 48 });
		expect(readHeader(jpeg(APP0_JFIF, APP1_EXIF, sof(0xc2, 800, 600)))).toEqual({ format: 'jpeg', width: 800, height: 600 });
		expect([vp8(90, 60), vp8l(50, 30), vp8x(100, 50)].map((b) => readHeader(b))).toEqual([
			{ format: 'webp', width: 90, height: 60 },
			{ format: 'webp', width: 50, height: 30 },
			{ format: 'webp', width: 100, height: 50 },
		]);
		expect(readHeader(gif('89a', 320, 200))).toBeNull();
		expect(readHeader(GARBAGE)).toBeNull();
		expect(readHeader(Buffer.alloc(0))).toBeNull();
	});
});
