import { chosenFileName, imageFileName } from '../../../nodes/ModelsLab/media/fileNames';
import {
	checkOutputFile,
	detectImageMimeType,
	detectMimeType,
	extensionFor,
	isCompleteFile,
} from '../../../nodes/ModelsLab/media/fileTypes';
import { encodePng } from '../../../sandbox/images/png';
import { box } from './isoBmff';

const PNG = encodePng(2, 2, Buffer.alloc(12, 200));

// the `ftyp` box ffmpeg writes for an H.264 .mp4: major brand isom, minor version 0x200, brands isom iso2 avc1 mp41
const FTYP_ISOM = Buffer.from('0000002066747970' + '69736f6d' + '00000200' + '69736f6d69736f32617663316d703431', 'hex');
// a QuickTime .mov from a phone: major brand "qt  "
const FTYP_QT = Buffer.from('0000001466747970717420202005030071742020', 'hex');
const MP4 = Buffer.concat([FTYP_ISOM, box('moov', box('mvhd', Buffer.alloc(100))), box('mdat', Buffer.alloc(64, 7))]);
// the EBML header ffmpeg writes for .webm (DocType "webm") and for .mkv (DocType "matroska"): the element
// ID and size, EBMLVersion, EBMLReadVersion, EBMLMaxIDLength, EBMLMaxSizeLength, DocType, DocTypeVersion,
// DocTypeReadVersion
const ebml = (size: string, docType: string) =>
	Buffer.concat([
		Buffer.from(`1a45dfa3${size}`, 'hex'),
		Buffer.from('4286810142f7810142f2810442f38108', 'hex'),
		Buffer.from([0x42, 0x82, 0x80 | docType.length]),
		Buffer.from(docType, 'latin1'),
		Buffer.from('4287810442858102', 'hex'),
	]);
const WEBM = ebml('9f', 'webm');
const MKV = ebml('a3', 'matroska');

describe('video types from the bytes', () => {
	it('reads MP4 (any ftyp brand but QuickTime\'s), QuickTime, WebM and Matroska, and images as before', () => {
		expect(detectMimeType(MP4)).toBe('video/mp4');
		expect(detectMimeType(Buffer.concat([FTYP_QT, box('mdat', Buffer.alloc(8))]))).toBe('video/quicktime');
		expect(detectMimeType(WEBM)).toBe('video/webm');
		expect(detectMimeType(MKV)).toBe('video/x-matroska');
		expect(detectMimeType(PNG)).toBe('image/png');
		// an image check never takes a video for an image
		expect(detectImageMimeType(MP4)).toBeUndefined();
		expect(detectMimeType(Buffer.from('<html>not a file</html>'))).toBeUndefined();
		expect(detectMimeType(Buffer.from('1a45dfa3', 'hex'))).toBeUndefined();
	});

	it('an MP4 is whole when its boxes run exactly to its end; a download cut short is not', () => {
		expect(isCompleteFile(MP4, 'video/mp4')).toBe(true);
		expect(isCompleteFile(MP4.subarray(0, MP4.length - 1), 'video/mp4')).toBe(false);
		expect(isCompleteFile(MP4.subarray(0, FTYP_ISOM.length + 4), 'video/mp4')).toBe(false);
		// a last box of size 0 runs to the end of the file
		const open = Buffer.concat([FTYP_ISOM, Buffer.from('000000006d646174', 'hex'), Buffer.alloc(10)]);
		expect(isCompleteFile(open, 'video/mp4')).toBe(true);
	});

	it('gives videos their extension, in the node\'s names and in File Name', () => {
		expect([extensionFor('video/mp4'), extensionFor('video/webm'), extensionFor('video/quicktime')]).toEqual(['mp4', 'webm', 'mov']);
		expect(imageFileName('77', 0, 'video/mp4')).toBe('modelslab-77-0.mp4');
		expect(chosenFileName('SKU-1-reel', undefined, 'video/mp4')).toBe('SKU-1-reel.mp4');
		expect(chosenFileName('SKU-1-reel.webm', undefined, 'video/mp4')).toBe('SKU-1-reel.mp4');
	});

	it('an image operation refuses a video, naming its type; a video operation takes it', () => {
		expect(checkOutputFile(MP4, 'image/png', 'image')).toBe('a video/mp4 file, not an image');
		expect(checkOutputFile(WEBM, undefined, 'image')).toBe('a video/webm file, not an image');
		expect(checkOutputFile(MP4, undefined, 'video')).toEqual({ bytes: MP4, mimeType: 'video/mp4' });
		expect(checkOutputFile(PNG, undefined, 'video')).toBe('a image/png file, not a video');
		expect(checkOutputFile(MP4.subarray(0, 50), undefined, 'video')).toBe('incomplete video/mp4 (50 bytes)');
		expect(checkOutputFile(Buffer.from('<html>'), 'text/html', 'image')).toBe('not an image (text/html)');
	});
});
