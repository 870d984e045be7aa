import { imageProblem, readImageInfo } from '../../../nodes/ModelsLab/media/inputImages';
import { readHeader } from '../../../sandbox/images/imageFormat';
import { encodePng } from '../../../sandbox/images/png';
import { box, ftyp } from './isoBmff';

/** A RIFF/WEBP file with one chunk of the given type and payload. */
function riff(type: string, payload: number[]): Buffer {
	const chunk = Buffer.from(payload);
	const head = Buffer.alloc(20);
	head.write('RIFF', 0, 'ascii');
	head.writeUInt32LE(12 + chunk.length, 4);
	head.write('WEBP', 8, 'ascii');
	head.write(type, 12, 'ascii');
	head.writeUInt32LE(chunk.length, 16);
	return Buffer.concat([head, chunk]);
}

/** A JPEG: SOI, an APP0 segment, optionally a DHT, then a start-of-frame marker with the size. */
function jpeg(width: number, height: number, sof = 0xc0, withTables = true): Buffer {
	const app0 = [0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
	const dht = withTables ? [0xff, 0xc4, 0, 4, 0, 0] : [];
	const frame = [0xff, sof, 0, 17, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
	return Buffer.from([0xff, 0xd8, ...app0, ...dht, ...frame, 0xff, 0xd9]);
}

const vp8l = (width: number, height: number) => {
	const bits = (width - 1) | ((height - 1) << 14);
	return riff('VP8L', [0x2f, bits & 0xff, (bits >> 8) & 0xff, (bits >> 16) & 0xff, (bits >>> 24) & 0xff, 0, 0, 0, 0, 0]);
};
const vp8 = (width: number, height: number) =>
	riff('VP8 ', [0x50, 0x02, 0, 0x9d, 0x01, 0x2a, width & 0xff, width >> 8, height & 0xff, height >> 8, 0, 0, 0, 0, 0, 0]);
const vp8x = (width: number, height: number) =>
	riff('VP8X', [0x10, 0, 0, 0, (width - 1) & 0xff, (width - 1) >> 8, 0, (height - 1) & 0xff, (height - 1) >> 8, 0, 0, 0]);

describe('readImageInfo: type and size from the bytes', () => {
	it('reads PNG, JPEG (baseline and progressive, after other segments) and the three WebP forms', () => {
		const png = encodePng(37, 23, Buffer.alloc(37 * 23 * 3));
		expect(readImageInfo(png)).toEqual({ mimeType: 'image/png', width: 37, height: 23 });
		expect(readImageInfo(jpeg(1920, 1080))).toEqual({ mimeType: 'image/jpeg', width: 1920, height: 1080 });
		expect(readImageInfo(jpeg(300, 200, 0xc2, false))).toEqual({ mimeType: 'image/jpeg', width: 300, height: 200 });
		expect(readImageInfo(vp8(90, 60))).toEqual({ mimeType: 'image/webp', width: 90, height: 60 });
		expect(readImageInfo(vp8l(50, 30))).toEqual({ mimeType: 'image/webp', width: 50, height: 30 });
		expect(readImageInfo(vp8x(4000, 3000))).toEqual({ mimeType: 'image/webp', width: 4000, height: 3000 });
	});

	it('agrees with the sandbox reader (an independent implementation) on every fixture', () => {
		for (const bytes of [jpeg(640, 480), jpeg(17, 9, 0xc1), vp8(90, 60), vp8l(50, 30), vp8x(100, 50), encodePng(5, 7, Buffer.alloc(105))]) {
			const header = readHeader(bytes)!;
			expect(readImageInfo(bytes)).toMatchObject({ width: header.width, height: header.height });
		}
	});

	it('skips the DHT marker (0xC4), which sits in the SOF range but holds no size', () => {
		const tablesOnly = Buffer.from([0xff, 0xd8, 0xff, 0xc4, 0, 4, 0, 0, 0xff, 0xd9]);
		expect(readImageInfo(tablesOnly)).toBeUndefined();
	});

	it('gives nothing for GIF, text, truncated headers, a WebP without a frame or a zero size', () => {
		expect(readImageInfo(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'))).toBeUndefined();
		expect(readImageInfo(Buffer.from('<html>not found</html>'))).toBeUndefined();
		expect(readImageInfo(encodePng(3, 3, Buffer.alloc(27)).subarray(0, 20))).toBeUndefined();
		expect(readImageInfo(jpeg(300, 200).subarray(0, 12))).toBeUndefined();
		expect(readImageInfo(riff('ALPH', new Array(16).fill(0)))).toBeUndefined();
		expect(readImageInfo(jpeg(0, 200))).toBeUndefined();
	});
});

describe('imageProblem: what makes a file unusable as an input', () => {
	const png = encodePng(4, 4, Buffer.alloc(48));

	it('accepts PNG, JPEG and WebP', () => {
		for (const bytes of [png, jpeg(8, 8), vp8(8, 8)]) expect(imageProblem(bytes)).toBeUndefined();
	});

	it('refuses empty, over 5 MB (counted on the file), other types and unreadable sizes', () => {
		expect(imageProblem(Buffer.alloc(0))).toBe('is empty');
		const limit = 5 * 1024 * 1024;
		expect(imageProblem(Buffer.concat([png, Buffer.alloc(limit - png.length)]))).toBeUndefined();
		expect(imageProblem(Buffer.concat([png, Buffer.alloc(limit - png.length + 1)]))).toBe(
			'is 5.00 MB; ModelsLab takes images of up to 5 MB',
		);
		expect(imageProblem(Buffer.from('GIF89a\x01\x00\x01\x00;', 'latin1'))).toBe('is not a PNG, JPEG or WebP image (it is image/gif)');
		expect(imageProblem(Buffer.from('%PDF-1.7'))).toBe('is not a PNG, JPEG or WebP image');
		expect(imageProblem(Buffer.from([0xff, 0xd8, 0xff, 0xd9]))).toBe('is image data (image/jpeg) whose size cannot be read (a damaged file?)');
	});

	it('names the type of a video or an AVIF given as an input image', () => {
		const mp4 = Buffer.concat([ftyp('isom', 'isom', 'iso2', 'avc1', 'mp41'), box('mdat', Buffer.alloc(16))]);
		expect(imageProblem(mp4)).toBe('is not a PNG, JPEG or WebP image (it is video/mp4)');
		const avif = Buffer.concat([ftyp('avif', 'avif', 'mif1'), box('mdat', Buffer.alloc(16))]);
		expect(imageProblem(avif)).toBe('is not a PNG, JPEG or WebP image (it is image/avif)');
	});
});
