// Small but valid MP4 files for video jobs: `ftyp` (isom), a `moov` whose `mvhd` and one video `trak`
// carry the duration and the frame size (an H.264 sample entry with a real SPS/PPS for that size), then an
// `mdat` of seeded bytes. The sample tables list no frames (the payload is opaque bytes, not an encoded
// stream), so every box is well formed, parsers read the file's facts, and nothing is ever decoded.
// The `mdat` payload is produced in chunks, so a file of hundreds of megabytes is never held whole.
import type { JobFile } from '../core/job';
import { mulberry32 } from '../core/random';

export const MP4_CONTENT_TYPE = 'video/mp4';
/** The movie's (and track's) time unit: milliseconds. */
export const MP4_TIMESCALE = 1000;
/** How many payload bytes one chunk holds. */
const CHUNK_BYTES = 64 * 1024;

export interface Mp4Spec {
	width: number;
	height: number;
	durationMs: number;
	/** seeds the `mdat` payload */
	seed: number;
	/** the `mdat` payload's length */
	payloadBytes: number;
	/** a version 1 `mvhd` cut after its timescale (no duration), for readers that must survive a bad header */
	malformedMvhd?: boolean;
}

/** A box: 32-bit size, four-letter type, then the children (or fields) as they are. */
function box(type: string, ...parts: Buffer[]): Buffer {
	const header = Buffer.alloc(8);
	const body = Buffer.concat(parts);
	header.writeUInt32BE(8 + body.length, 0);
	header.write(type, 4, 'latin1');
	return Buffer.concat([header, body]);
}

/** A full box: a box whose first field is version (8 bits) and flags (24 bits). */
function fullBox(type: string, version: number, flags: number, ...parts: Buffer[]): Buffer {
	const vf = Buffer.alloc(4);
	vf.writeUInt32BE(((version & 0xff) << 24) | (flags & 0xffffff), 0);
	return box(type, vf, ...parts);
}

function u32(...values: number[]): Buffer {
	const b = Buffer.alloc(4 * values.length);
	values.forEach((v, i) => b.writeUInt32BE(v >>> 0, 4 * i));
	return b;
}

function u16(...values: number[]): Buffer {
	const b = Buffer.alloc(2 * values.length);
	values.forEach((v, i) => b.writeUInt16BE(v & 0xffff, 2 * i));
	return b;
}

/** The identity transformation matrix of mvhd and tkhd (16.16 and 2.30 fixed point). */
const MATRIX = u32(0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000);

function ftyp(): Buffer {
	return box('ftyp', Buffer.from('isom', 'latin1'), u32(0x200), Buffer.from('isomiso2avc1mp41', 'latin1'));
}

function mvhd(durationMs: number, malformed = false): Buffer {
	// version 1 needs 108 bytes after version and flags; this one ends after creation, modification and timescale
	if (malformed) return fullBox('mvhd', 1, 0, u32(0, 0, 0, 0, MP4_TIMESCALE));
	// creation, modification, timescale, duration, rate 1.0, volume 1.0 + reserved, matrix, pre_defined, next track id
	return fullBox('mvhd', 0, 0, u32(0, 0, MP4_TIMESCALE, durationMs, 0x00010000), u16(0x0100, 0), u32(0, 0), MATRIX, Buffer.alloc(24), u32(2));
}

function tkhd(spec: Mp4Spec): Buffer {
	// flags 3: enabled, in the movie. creation, modification, track id, reserved, duration, reserved x2,
	// layer, alternate group, volume (0 for video), reserved, matrix, width and height as 16.16
	const size = u32(spec.width * 0x10000, spec.height * 0x10000);
	return fullBox('tkhd', 0, 3, u32(0, 0, 1, 0, spec.durationMs, 0, 0), u16(0, 0, 0, 0), MATRIX, size);
}

/** Bits written most significant first, with the exp-Golomb codes of H.264 parameter sets. */
class BitWriter {
	private readonly bits: number[] = [];

	u(n: number, value: number): this {
		for (let i = n - 1; i >= 0; i--) this.bits.push((value >>> i) & 1);
		return this;
	}

	/** unsigned exp-Golomb */
	ue(value: number): this {
		const len = Math.floor(Math.log2(value + 1));
		return this.u(len, 0).u(len + 1, value + 1);
	}

	/** the NAL unit: its header byte, the bits, the stop bit and padding, with emulation prevention */
	nal(header: number): Buffer {
		this.u(1, 1);
		while (this.bits.length % 8 !== 0) this.bits.push(0);
		const out = [header];
		let zeros = 0;
		for (let i = 0; i < this.bits.length; i += 8) {
			const byte = this.bits.slice(i, i + 8).reduce((a, b) => (a << 1) | b, 0);
			if (zeros >= 2 && byte <= 3) {
				out.push(3);
				zeros = 0;
			}
			out.push(byte);
			zeros = byte === 0 ? zeros + 1 : 0;
		}
		return Buffer.from(out);
	}
}

const PROFILE_BASELINE = 66;
const CONSTRAINED_BASELINE_FLAGS = 0xc0;
const LEVEL_4_0 = 40;

/** A constrained-baseline sequence parameter set for a `width` x `height` frame (cropped from whole macroblocks). */
function sps(width: number, height: number): Buffer {
	const mbWide = Math.ceil(width / 16);
	const mbHigh = Math.ceil(height / 16);
	const bits = new BitWriter().u(8, PROFILE_BASELINE).u(8, CONSTRAINED_BASELINE_FLAGS).u(8, LEVEL_4_0);
	// sps id, log2_max_frame_num - 4, pic_order_cnt_type 2, one reference frame, no gaps
	bits.ue(0).ue(0).ue(2).ue(1).u(1, 0);
	// size in macroblocks, frames only, direct 8x8 inference
	bits.ue(mbWide - 1).ue(mbHigh - 1).u(1, 1).u(1, 1);
	const cropRight = (mbWide * 16 - width) / 2; // 4:2:0 crops in units of 2 pixels
	const cropBottom = (mbHigh * 16 - height) / 2;
	if (cropRight > 0 || cropBottom > 0) bits.u(1, 1).ue(0).ue(cropRight).ue(0).ue(cropBottom);
	else bits.u(1, 0);
	return bits.u(1, 0).nal(0x67); // no VUI
}

/** The picture parameter set: CAVLC, one slice group, default QP, deblocking control present. */
function pps(): Buffer {
	// pps id, sps id, CAVLC, no field order, one slice group, one reference each way, no weighted prediction
	const bits = new BitWriter().ue(0).ue(0).u(1, 0).u(1, 0).ue(0).ue(0).ue(0).u(1, 0).u(2, 0);
	// QP, QS and chroma QP offsets 0 (se(0) is ue(0)), deblocking control, no constrained intra, no redundant pictures
	return bits.ue(0).ue(0).ue(0).u(1, 1).u(1, 0).u(1, 0).nal(0x68);
}

/** The `avc1` sample entry: the frame size and the decoder configuration (`avcC`) with one SPS and one PPS. */
function avc1(width: number, height: number): Buffer {
	const seqParams = sps(width, height);
	const picParams = pps();
	const avcC = box(
		'avcC',
		Buffer.from([1, PROFILE_BASELINE, CONSTRAINED_BASELINE_FLAGS, LEVEL_4_0, 0xff, 0xe1]), // 4-byte NAL lengths, one SPS
		u16(seqParams.length),
		seqParams,
		Buffer.from([1]), // one PPS
		u16(picParams.length),
		picParams,
	);
	// reserved, data reference 1; pre-defined and reserved; size; 72 dpi twice; reserved; one frame a sample;
	// no compressor name; depth 24; pre-defined -1
	return box('avc1', Buffer.alloc(6), u16(1), Buffer.alloc(16), u16(width, height), u32(0x00480000, 0x00480000, 0), u16(1), Buffer.alloc(32), u16(0x18, 0xffff), avcC);
}

/** The sample table: the frame's description, and no samples (the payload is not described as frames). */
function stbl(width: number, height: number): Buffer {
	const empty = (type: string) => fullBox(type, 0, 0, u32(0));
	const stsd = fullBox('stsd', 0, 0, u32(1), avc1(width, height));
	return box('stbl', stsd, empty('stts'), empty('stsc'), fullBox('stsz', 0, 0, u32(0, 0)), empty('stco'));
}

function mdia({ width, height, durationMs }: Mp4Spec): Buffer {
	const language = u16(0x55c4, 0); // 'und', pre_defined
	const mdhd = fullBox('mdhd', 0, 0, u32(0, 0, MP4_TIMESCALE, durationMs), language);
	const name = Buffer.from('VideoHandler\0', 'latin1');
	const hdlr = fullBox('hdlr', 0, 0, u32(0), Buffer.from('vide', 'latin1'), u32(0, 0, 0), name);
	const vmhd = fullBox('vmhd', 0, 1, u16(0, 0, 0, 0));
	const dinf = box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1)));
	return box('mdia', mdhd, hdlr, box('minf', vmhd, dinf, stbl(width, height)));
}

/** ftyp and moov: everything before the `mdat`. */
function head(spec: Mp4Spec): Buffer {
	return Buffer.concat([ftyp(), box('moov', mvhd(spec.durationMs, spec.malformedMvhd), box('trak', tkhd(spec), mdia(spec)))]);
}

/** The `mdat` header: a 32-bit size, or size 1 and a 64-bit size when the box is 4 GiB or more. */
function mdatHeader(payloadBytes: number): Buffer {
	if (8 + payloadBytes <= 0xffffffff) return Buffer.concat([u32(8 + payloadBytes), Buffer.from('mdat', 'latin1')]);
	const b = Buffer.alloc(16);
	b.writeUInt32BE(1, 0);
	b.write('mdat', 4, 'latin1');
	b.writeBigUInt64BE(BigInt(16 + payloadBytes), 8);
	return b;
}

/** The file's byte length. */
export function mp4Size(spec: Mp4Spec): number {
	return head(spec).length + mdatHeader(spec.payloadBytes).length + spec.payloadBytes;
}

/** The file, chunk by chunk: the header boxes, then the payload in CHUNK_BYTES pieces drawn from the seed. */
export function* mp4Chunks(spec: Mp4Spec): Generator<Buffer> {
	yield Buffer.concat([head(spec), mdatHeader(spec.payloadBytes)]);
	const rand = mulberry32(spec.seed);
	for (let left = spec.payloadBytes; left > 0; left -= CHUNK_BYTES) {
		const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, left)); // its own memory, so aligned for 32-bit words
		const words = new Uint32Array(chunk.buffer, chunk.byteOffset, chunk.length >>> 2);
		for (let i = 0; i < words.length; i++) words[i] = rand() * 4294967296;
		for (let i = words.length * 4; i < chunk.length; i++) chunk[i] = rand() * 256;
		yield chunk;
	}
}

/** The whole file at once (for small files: tests and `sb.jobBytes`). */
export function mp4Bytes(spec: Mp4Spec): Buffer {
	return Buffer.concat([...mp4Chunks(spec)]);
}

/** The file as a job's output: the image host streams it at the job's `.mp4` link. */
export function mp4File(spec: Mp4Spec): JobFile {
	return { ext: 'mp4', contentType: MP4_CONTENT_TYPE, size: mp4Size(spec), chunks: () => mp4Chunks(spec) };
}
