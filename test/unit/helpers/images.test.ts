import {
	classifyImageEntry,
	decodeBase64,
	detectImageMimeType,
	imageFileName,
	imageMimeType,
	isCompleteImage,
	linkFileName,
} from '../../../nodes/ModelsLab/helpers/images';
import { renderPng } from '../../../sandbox/png';

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
		expect(isCompleteImage(png, 'image/png')).toBe(true);
		expect(isCompleteImage(png.subarray(0, png.length - 1), 'image/png')).toBe(false);
		const jpeg = Buffer.concat([JPEG, Buffer.from('ffd9', 'hex')]);
		expect(isCompleteImage(jpeg, 'image/jpeg')).toBe(true);
		expect(isCompleteImage(Buffer.concat([jpeg, Buffer.alloc(3)]), 'image/jpeg')).toBe(true);
		expect(isCompleteImage(JPEG, 'image/jpeg')).toBe(false);
		const webp = Buffer.from(WEBP);
		webp.writeUInt32LE(webp.length - 8, 4);
		expect(isCompleteImage(webp, 'image/webp')).toBe(true);
		expect(isCompleteImage(webp.subarray(0, -1), 'image/webp')).toBe(false);
		expect(isCompleteImage(Buffer.from('GIF89a;'), 'image/gif')).toBe(true);
		expect(isCompleteImage(Buffer.from('GIF89a'), 'image/gif')).toBe(false);
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
