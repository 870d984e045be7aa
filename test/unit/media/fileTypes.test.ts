import { chosenFileName, imageFileName, linkFileName } from '../../../nodes/ModelsLab/media/fileNames';
import { detectImageMimeType, imageMimeType, imageSize, isCompleteFile } from '../../../nodes/ModelsLab/media/fileTypes';
import { classifyImageEntry, decodeBase64 } from '../../../nodes/ModelsLab/media/outputEntries';
import { HOSTILE, expectSafeFileName } from '../../hostileValues';
import { renderPng } from '../../../sandbox/images/png';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const JPEG = Buffer.from('ffd8ffe000104a464946', 'hex');
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]);

describe('image entries', () => {
	it('tells links, .base64 links, data URIs and raw base64 apart', () => {
		expect(classifyImageEntry('https://cdn.example/a-0.png')).toEqual({ kind: 'url', url: 'https://cdn.example/a-0.png' });
		expect(classifyImageEntry('https://cdn.example/a-0.base64?x=1')).toEqual({
			kind: 'base64Link',
			url: 'https://cdn.example/a-0.base64?x=1',
		});
		expect(classifyImageEntry('data:image/jpeg;base64,/9j/4AAQ')).toEqual({
			kind: 'inline',
			base64: '/9j/4AAQ',
			mimeType: 'image/jpeg',
		});
		expect(classifyImageEntry(' iVBORw0KGgo= ')).toEqual({ kind: 'inline', base64: 'iVBORw0KGgo=' });
	});

	it('decodes base64 in every documented form and refuses what is not base64', () => {
		const text = PNG.toString('base64');
		expect(decodeBase64(text)).toEqual(PNG);
		expect(decodeBase64(`data:image/png;base64,${text}`)).toEqual(PNG);
		expect(decodeBase64(`${text.slice(0, 8)}\n${text.slice(8)}\n`)).toEqual(PNG);
		expect(decodeBase64('<html>not found</html>')).toBeUndefined();
		expect(decodeBase64('')).toBeUndefined();
	});

	it('reads the type from the bytes, whatever the server claimed', () => {
		expect(detectImageMimeType(PNG)).toBe('image/png');
		expect(detectImageMimeType(JPEG)).toBe('image/jpeg');
		expect(detectImageMimeType(WEBP)).toBe('image/webp');
		expect(detectImageMimeType(Buffer.from('GIF89a....'))).toBe('image/gif');
		expect(detectImageMimeType(Buffer.from('<html>'))).toBeUndefined();
	});

	it('refuses links with any scheme but http(s) and base64 data URIs', () => {
		expect(classifyImageEntry('ftp://cdn.example/a.png')).toEqual({ kind: 'unsupported', scheme: 'ftp:' });
		expect(classifyImageEntry('FILE:///etc/passwd')).toEqual({ kind: 'unsupported', scheme: 'file:' });
		expect(classifyImageEntry('data:text/html,<b>x</b>')).toEqual({ kind: 'unsupported', scheme: 'data:' });
	});

	it('takes a declared type only when the bytes cannot say, and never against them', () => {
		const unknown = Buffer.from('....ftypavif');
		expect(imageMimeType(PNG, 'text/plain')).toBe('image/png');
		expect(imageMimeType(unknown, 'image/avif; charset=binary')).toBe('image/avif');
		expect(imageMimeType(unknown, 'image/png')).toBeUndefined();
		expect(imageMimeType(Buffer.from('<html>'), 'text/html')).toBeUndefined();
		expect(imageMimeType(unknown)).toBeUndefined();
	});

	it('tells a whole image from one cut short', () => {
		const png = renderPng({ width: 8, height: 8, seed: 1, prompt: 'x' });
		expect(isCompleteFile(png, 'image/png')).toBe(true);
		expect(isCompleteFile(png.subarray(0, png.length - 1), 'image/png')).toBe(false);
		const jpeg = Buffer.concat([JPEG, Buffer.from('ffd9', 'hex')]);
		expect(isCompleteFile(jpeg, 'image/jpeg')).toBe(true);
		expect(isCompleteFile(Buffer.concat([jpeg, Buffer.alloc(3)]), 'image/jpeg')).toBe(true);
		expect(isCompleteFile(JPEG, 'image/jpeg')).toBe(false);
		const webp = Buffer.from(WEBP);
		webp.writeUInt32LE(webp.length - 8, 4);
		expect(isCompleteFile(webp, 'image/webp')).toBe(true);
		expect(isCompleteFile(webp.subarray(0, -1), 'image/webp')).toBe(false);
		expect(isCompleteFile(Buffer.from('GIF89a;'), 'image/gif')).toBe(true);
		expect(isCompleteFile(Buffer.from('GIF89a'), 'image/gif')).toBe(false);
	});

	it('names files modelslab-<id>-<index>.<ext>', () => {
		expect(imageFileName('13441520', 0, 'image/png')).toBe('modelslab-13441520-0.png');
		expect(imageFileName('abc', 3, 'image/jpeg')).toBe('modelslab-abc-3.jpg');
	});
});

describe('file names without a request id (issue 12)', () => {
	it("the link's own name and the image index", () => {
		expect(linkFileName('https://cdn.example/generations/4118bb93-0.png?x=1', 0, 'image/png')).toBe('4118bb93-0-0.png');
		expect(linkFileName('https://cdn.example/a%20b/My%20Image.webp', 2, 'image/jpeg')).toBe('My_Image-2.jpg');
		expect(linkFileName(null, 1, 'image/png')).toBe('modelslab-1.png');
		expect(linkFileName('https://cdn.example/', 0, 'image/png')).toBe('modelslab-0.png');
	});
});

describe('the File Name option (issue 15)', () => {
	it('the name, then the extension read from the bytes', () => {
		expect(chosenFileName('SKU-123-story', undefined, 'image/png')).toBe('SKU-123-story.png');
		expect(chosenFileName('12345', undefined, 'image/jpeg')).toBe('12345.jpg');
	});

	it('"-<imageIndex>" before the extension when an item gives several images', () => {
		expect(chosenFileName('SKU-123-story', 0, 'image/png')).toBe('SKU-123-story-0.png');
		expect(chosenFileName('SKU-123-story', 3, 'image/webp')).toBe('SKU-123-story-3.webp');
	});

	it("replaces an image extension the user typed with the bytes' own, and keeps other dots", () => {
		expect(chosenFileName('banner.png', undefined, 'image/jpeg')).toBe('banner.jpg');
		expect(chosenFileName('banner.JPEG', 1, 'image/png')).toBe('banner-1.png');
		expect(chosenFileName('spring.v2', undefined, 'image/png')).toBe('spring.v2.png');
		expect(chosenFileName('x.png.png', undefined, 'image/png')).toBe('x.png');
		expect(chosenFileName('report.pdf', undefined, 'image/png')).toBe('report.pdf.png');
		expect(chosenFileName('photo.avif', undefined, 'image/avif')).toBe('photo.avif');
	});

	it('path separators and control characters become "_"', () => {
		expect(chosenFileName('../../etc/passwd', undefined, 'image/png')).toBe('_.._etc_passwd.png');
		expect(chosenFileName('C:\\temp\\x', undefined, 'image/png')).toBe('C:_temp_x.png');
		expect(chosenFileName('a\u0000b\nc\u007fd\te', undefined, 'image/png')).toBe('a_b_c_d_e.png');
		// C1 controls, text-direction overrides that would disguise the extension, half an emoji
		expect(chosenFileName('a\u0085b\u009fc', undefined, 'image/png')).toBe('a_b_c.png');
		expect(chosenFileName('invoice\u202egnp.exe', undefined, 'image/png')).toBe('invoice_gnp.exe.png');
		expect(chosenFileName('a\ud800b\udc00c', undefined, 'image/png')).toBe('a_b_c.png');
		// whole emoji, accents and other scripts are kept
		expect(chosenFileName('café-🙂-商品', undefined, 'image/png')).toBe('café-🙂-商品.png');
	});

	it('is cut to 200 characters, extension and index included', () => {
		const name = chosenFileName('x'.repeat(1024 * 1024), 2, 'image/png')!;
		expect(name).toHaveLength(200);
		expect(name.endsWith('x-2.png')).toBe(true);
		// 98 whole emoji (196 code units): the 99th would be cut in half
		expect(chosenFileName('🙂'.repeat(300), undefined, 'image/png')).toBe(`${'🙂'.repeat(97)}🙂.png`);
		expect(chosenFileName(`x${'🙂'.repeat(300)}`, undefined, 'image/png')).toBe(`x${'🙂'.repeat(97)}.png`);
	});

	it('no hidden file and no dots or spaces before the extension', () => {
		expect(chosenFileName('.hidden', undefined, 'image/png')).toBe('hidden.png');
		expect(chosenFileName('sale .png', undefined, 'image/png')).toBe('sale.png');
		expect(chosenFileName('sale..', 2, 'image/png')).toBe('sale-2.png');
		expect(chosenFileName(`${'x'.repeat(195)} y`, undefined, 'image/png')).toBe(`${'x'.repeat(195)}.png`);
	});

	it("nothing usable left: undefined, so the node's own name is used", () => {
		for (const name of ['', ' ', '\u0000', '/', '.png', '//', '_', ' .. ']) {
			expect(chosenFileName(name, 0, 'image/png')).toBeUndefined();
		}
	});

	it('hostile text: always a safe name or undefined', () => {
		for (const value of HOSTILE.filter((v): v is string => typeof v === 'string')) {
			const name = chosenFileName(value, 1, 'image/png');
			if (name === undefined) continue;
			expectSafeFileName(name, '-1.png');
		}
	});
});

/** A JPEG's marker segment: FF, marker, length (itself included), payload. */
const segment = (marker: number, payload: Buffer) =>
	Buffer.concat([Buffer.from([0xff, marker]), Buffer.from([(payload.length + 2) >> 8, (payload.length + 2) & 0xff]), payload]);
const u16 = (value: number) => Buffer.from([value >> 8, value & 0xff]);
const le = (value: number, bytes: number) => {
	const buffer = Buffer.alloc(bytes);
	buffer.writeUIntLE(value, 0, bytes);
	return buffer;
};
const riff = (chunk: string, data: Buffer) =>
	Buffer.concat([Buffer.from('RIFF'), le(data.length + 12, 4), Buffer.from('WEBP'), Buffer.from(chunk), le(data.length, 4), data]);

describe('the size of an image, from its header (issue 15)', () => {
	it('PNG: IHDR', () => {
		expect(imageSize(renderPng({ width: 576, height: 1024, seed: 1 }), 'image/png')).toEqual({ width: 576, height: 1024 });
	});

	it('JPEG: the frame header, past APP0, DQT, DHT and fill bytes; baseline and progressive', () => {
		for (const sof of [0xc0, 0xc2]) {
			const jpeg = Buffer.concat([
				Buffer.from([0xff, 0xd8]),
				segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
				segment(0xdb, Buffer.alloc(65, 1)),
				// DHT shares the SOF range and holds no size
				segment(0xc4, Buffer.concat([u16(9), u16(9), Buffer.alloc(16)])),
				Buffer.from([0xff]),
				segment(sof, Buffer.concat([Buffer.from([8]), u16(1350), u16(1080), Buffer.from([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1])])),
				Buffer.from([0xff, 0xd9]),
			]);
			expect(imageSize(jpeg, 'image/jpeg')).toEqual({ width: 1080, height: 1350 });
		}
	});

	it('WebP: lossy (VP8), lossless (VP8L) and extended (VP8X)', () => {
		const vp8 = riff('VP8 ', Buffer.concat([Buffer.alloc(3), Buffer.from([0x9d, 0x01, 0x2a]), le(1024, 2), le(576, 2), Buffer.alloc(8)]));
		expect(imageSize(vp8, 'image/webp')).toEqual({ width: 1024, height: 576 });
		const vp8l = riff('VP8L', Buffer.concat([Buffer.from([0x2f]), le((680 - 1) | ((1024 - 1) << 14), 4), Buffer.alloc(8)]));
		expect(imageSize(vp8l, 'image/webp')).toEqual({ width: 680, height: 1024 });
		const vp8x = riff('VP8X', Buffer.concat([Buffer.alloc(4), le(1200 - 1, 3), le(627 - 1, 3), Buffer.alloc(8)]));
		expect(imageSize(vp8x, 'image/webp')).toEqual({ width: 1200, height: 627 });
	});

	it('GIF: the logical screen', () => {
		expect(imageSize(Buffer.concat([Buffer.from('GIF89a'), le(816, 2), le(1024, 2), Buffer.from([0, 0, 0, 0x3b])]), 'image/gif')).toEqual({
			width: 816,
			height: 1024,
		});
	});

	it('a header it cannot read, a zero size or a type it does not know: undefined', () => {
		expect(imageSize(renderPng({ width: 8, height: 8, seed: 1 }).subarray(0, 20), 'image/png')).toBeUndefined();
		expect(imageSize(Buffer.from([0xff, 0xd8, 0xff, 0xd9]), 'image/jpeg')).toBeUndefined();
		expect(imageSize(Buffer.from([0xff, 0xd8, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]), 'image/jpeg')).toBeUndefined();
		expect(imageSize(riff('VP8 ', Buffer.alloc(20)), 'image/webp')).toBeUndefined();
		expect(imageSize(Buffer.concat([Buffer.from('GIF89a'), le(0, 2), le(5, 2)]), 'image/gif')).toBeUndefined();
		expect(imageSize(Buffer.alloc(64, 7), 'image/avif')).toBeUndefined();
	});
});
