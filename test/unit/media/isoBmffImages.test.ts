import { imageFileName } from '../../../nodes/ModelsLab/media/fileNames';
import { checkOutputFile, detectMimeType, extensionFor } from '../../../nodes/ModelsLab/media/fileTypes';
import { box, ftyp } from './isoBmff';

/** An image file after its `ftyp`: the item boxes in `meta`, then the coded data in `mdat`. */
const heif = (ftypBox: Buffer) => Buffer.concat([ftypBox, box('meta', Buffer.alloc(4), box('hdlr', Buffer.alloc(24))), box('mdat', Buffer.alloc(32, 9))]);

// the brands libavif writes, an iPhone's HEIC, and a HEIF whose major brand names no codec
const AVIF = heif(ftyp('avif', 'avif', 'mif1', 'miaf', 'MA1B'));
const HEIC = heif(ftyp('heic', 'mif1', 'heic'));
const MIF1_AVIF = heif(ftyp('mif1', 'mif1', 'miaf', 'avif'));

describe('AVIF and HEIC: ISO-BMFF images told from videos by their ftyp brands', () => {
	it.each([
		['AVIF (major avif)', AVIF, 'image/avif', 'avif'],
		['HEIC (major heic)', HEIC, 'image/heic', 'heic'],
		['HEIF with major mif1 and compatible avif', MIF1_AVIF, 'image/avif', 'avif'],
	])('an image operation takes %s', (_name, bytes, mimeType, extension) => {
		expect(checkOutputFile(bytes, undefined, 'image')).toEqual({ bytes, mimeType });
		expect(checkOutputFile(bytes, 'application/octet-stream', 'image')).toEqual({ bytes, mimeType });
		expect(extensionFor(mimeType)).toBe(extension);
		expect(imageFileName('77', 0, mimeType)).toBe(`modelslab-77-0.${extension}`);
	});

	it('reads a generic major brand\'s codec from the compatible brands, and files a HEIF without one as HEIC', () => {
		expect(detectMimeType(heif(ftyp('mif1', 'mif1', 'heic')))).toBe('image/heic');
		expect(detectMimeType(heif(ftyp('msf1', 'msf1', 'hevc')))).toBe('image/heic');
		expect(detectMimeType(heif(ftyp('msf1', 'avis')))).toBe('image/avif');
		expect(detectMimeType(heif(ftyp('mif1', 'mif1', 'miaf')))).toBe('image/heic');
	});

	it('keeps videos as they were: the major brand decides, QuickTime\'s or any other', () => {
		expect(detectMimeType(heif(ftyp('isom', 'isom', 'avif')))).toBe('video/mp4');
		expect(detectMimeType(heif(ftyp('qt  ', 'qt  ', 'heic')))).toBe('video/quicktime');
		expect(detectMimeType(heif(ftyp('mp42', 'mp42', 'isom')))).toBe('video/mp4');
	});

	it('a video operation refuses an AVIF or HEIC, naming its type', () => {
		expect(checkOutputFile(AVIF, undefined, 'video')).toBe('a image/avif file, not a video');
		expect(checkOutputFile(HEIC, 'video/mp4', 'video')).toBe('a image/heic file, not a video');
	});
});
