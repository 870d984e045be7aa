import { Mp4Walker, mp4Info } from '../../../nodes/ModelsLab/media/mp4';
import { box } from './isoBmff';

const u32 = (value: number) => {
	const bytes = Buffer.alloc(4);
	bytes.writeUInt32BE(value >>> 0, 0);
	return bytes;
};
const u64 = (value: number) => {
	const bytes = Buffer.alloc(8);
	bytes.writeBigUInt64BE(BigInt(value), 0);
	return bytes;
};
// header layouts from ISO/IEC 14496-12: mvhd and tkhd, versions 0 and 1
const mvhd = (timescale: number, duration: number, version: 0 | 1 = 0) =>
	version === 0
		? box('mvhd', u32(0), u32(0), u32(0), u32(timescale), u32(duration), Buffer.alloc(80))
		: box('mvhd', u32(0x01000000), u64(0), u64(0), u32(timescale), u64(duration), Buffer.alloc(80));
const tkhd = (width: number, height: number, version: 0 | 1 = 0) =>
	version === 0
		? box('tkhd', u32(3), u32(0), u32(0), u32(1), u32(0), u32(0), Buffer.alloc(8), Buffer.alloc(8), Buffer.alloc(36), u32(width * 65536), u32(height * 65536))
		: box('tkhd', u32(0x01000003), u64(0), u64(0), u32(1), u32(0), u64(0), Buffer.alloc(8), Buffer.alloc(8), Buffer.alloc(36), u32(width * 65536), u32(height * 65536));
const FTYP = box('ftyp', Buffer.from('isom'), u32(0x200), Buffer.from('isomiso2avc1mp41'));
const audioTrak = box('trak', tkhd(0, 0));
const movie = (version: 0 | 1 = 0) => box('moov', mvhd(1000, 5000, version), audioTrak, box('trak', tkhd(720, 1280, version)));
const MP4 = Buffer.concat([FTYP, movie(), box('mdat', Buffer.alloc(5000, 3))]);

function fedInChunks(bytes: Buffer, size: number): Mp4Walker {
	const walker = new Mp4Walker();
	for (let offset = 0; offset < bytes.length; offset += size) walker.push(bytes.subarray(offset, offset + size));
	return walker;
}

describe('MP4 header reader', () => {
	it('reads the first video track\'s width and height and the duration, whatever the chunk sizes', () => {
		for (const size of [1, 3, 7, 8, 9, 16, 100, MP4.length]) {
			const walker = fedInChunks(MP4, size);
			expect(walker.info()).toEqual({ width: 720, height: 1280, durationSeconds: 5 });
			expect(walker.complete).toBe(true);
		}
	});

	it('version 1 boxes, moov after mdat (no fast start), and a 64-bit mdat size', () => {
		const large = Buffer.concat([u32(1), Buffer.from('mdat'), u64(16 + 300), Buffer.alloc(300, 1)]);
		const bytes = Buffer.concat([FTYP, large, movie(1)]);
		const walker = fedInChunks(bytes, 5);
		expect(walker.info()).toEqual({ width: 720, height: 1280, durationSeconds: 5 });
		expect(walker.complete).toBe(true);
	});

	it('a file cut short is not complete; bytes that are no boxes are broken', () => {
		expect(fedInChunks(MP4.subarray(0, MP4.length - 10), 64).complete).toBe(false);
		expect(fedInChunks(MP4.subarray(0, FTYP.length + 3), 64).complete).toBe(false);
		const broken = new Mp4Walker();
		broken.push(Buffer.from('0000000466747970', 'hex'));
		expect(broken.complete).toBe(false);
		expect(mp4Info(Buffer.from('<html>not a video</html>'))).toBeUndefined();
	});

	// a v1 mvhd cut after its timescale (no duration), a v0 one cut short, a tkhd without its size, a child past moov's end
	const cut = (bytes: Buffer, length: number) => Buffer.concat([u32(length), bytes.subarray(4, length)]);
	it.each([
		['a version 1 mvhd of 24 bytes', box('moov', box('mvhd', u32(0x01000000), u64(0), u64(0), u32(1000)), box('trak', tkhd(720, 1280)))],
		['a version 0 mvhd of 16 bytes', box('moov', box('mvhd', u32(0), u32(0), u32(0), u32(1000)), box('trak', tkhd(720, 1280)))],
		['a tkhd cut before its size', box('moov', mvhd(1000, 5000), box('trak', cut(tkhd(720, 1280), 60)))],
		['a trak that runs past the moov', box('moov', mvhd(1000, 5000), u32(500), Buffer.from('trak'), tkhd(720, 1280))],
	])('%s: no facts, no error, and the boxes still add up', (_name, moov) => {
		const bytes = Buffer.concat([FTYP, moov, box('mdat', Buffer.alloc(100, 3))]);
		for (const size of [1, 7, bytes.length]) {
			const walker = fedInChunks(bytes, size);
			expect(() => walker.info()).not.toThrow();
			expect(walker.info()).toBeUndefined();
			expect(walker.complete).toBe(true);
		}
	});

	it('a last box of size 0 runs to the end of the file', () => {
		const bytes = Buffer.concat([FTYP, movie(), Buffer.from('000000006d646174', 'hex'), Buffer.alloc(50)]);
		const walker = fedInChunks(bytes, 13);
		expect(walker.complete).toBe(true);
		expect(walker.info()?.width).toBe(720);
	});
});
