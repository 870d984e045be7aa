/**
 * MP4 facts without holding the video: a box walker fed chunk by chunk keeps only the `moov` box
 * (a few kilobytes: the track sizes and the duration) and skips the media data, so a 100 MB video
 * streams through it. It also tells whether the boxes ran exactly to the end (a whole file).
 */

export interface VideoInfo {
	width: number;
	height: number;
	durationSeconds: number | null;
}

/** `moov` above this is not a real movie header: the walker stops collecting it. */
const MAX_MOOV_BYTES = 16 * 1024 * 1024;

export class Mp4Walker {
	private head = Buffer.alloc(0);
	/** Bytes of the current box still to come. */
	private left = 0;
	private moovParts: Buffer[] | undefined;
	private moov: Buffer | undefined;
	/** A box of size 0 runs to the end of the file. */
	private toEnd = false;
	private broken = false;

	push(chunk: Buffer): void {
		let offset = 0;
		while (offset < chunk.length && !this.broken && !this.toEnd) {
			if (this.left > 0) {
				const take = Math.min(this.left, chunk.length - offset);
				this.moovParts?.push(chunk.subarray(offset, offset + take));
				this.left -= take;
				offset += take;
				if (this.left === 0 && this.moovParts) this.closeMoov();
				continue;
			}
			// a header is 8 bytes, or 16 when its 32-bit size is 1 (a 64-bit size follows)
			const headerLength = this.head.length >= 8 && this.head.readUInt32BE(0) === 1 ? 16 : 8;
			const take = Math.min(headerLength - this.head.length, chunk.length - offset);
			this.head = Buffer.concat([this.head, chunk.subarray(offset, offset + take)]);
			offset += take;
			if (this.head.length < 8 || (this.head.readUInt32BE(0) === 1 && this.head.length < 16)) continue;
			const size = this.head.readUInt32BE(0) === 1 ? Number(this.head.readBigUInt64BE(8)) : this.head.readUInt32BE(0);
			const type = this.head.toString('latin1', 4, 8);
			const length = this.head.length;
			this.head = Buffer.alloc(0);
			if (size === 0) {
				this.toEnd = true;
				return;
			}
			if (size < length) {
				this.broken = true;
				return;
			}
			this.left = size - length;
			this.moovParts = type === 'moov' && !this.moov && this.left <= MAX_MOOV_BYTES ? [] : undefined;
			if (this.left === 0 && this.moovParts) this.closeMoov();
		}
	}

	/** Whether the boxes ended exactly where the bytes did (or the last one runs to the end). */
	get complete(): boolean {
		return !this.broken && (this.toEnd || (this.left === 0 && this.head.length === 0));
	}

	/** The size of the first video track and the movie's duration, from `moov`. */
	info(): VideoInfo | undefined {
		if (!this.moov) return undefined;
		// a header this reader cannot parse gives no facts: the video itself downloaded fine
		try {
			return readMoov(this.moov);
		} catch {
			return undefined;
		}
	}

	private closeMoov(): void {
		this.moov = Buffer.concat(this.moovParts!);
		this.moovParts = undefined;
	}
}

/** The child boxes of a container's body: [type, body]. */
function* children(body: Buffer): Generator<[string, Buffer]> {
	let offset = 0;
	while (offset + 8 <= body.length) {
		const size = body.readUInt32BE(offset);
		if (size < 8 || offset + size > body.length) return;
		yield [body.toString('latin1', offset + 4, offset + 8), body.subarray(offset + 8, offset + size)];
		offset += size;
	}
}

function readMoov(moov: Buffer): VideoInfo | undefined {
	let durationSeconds: number | null = null;
	let size: { width: number; height: number } | undefined;
	for (const [type, body] of children(moov)) {
		if (type === 'mvhd') {
			const v1 = body[0] === 1;
			// version 1's 64-bit times put the duration's end at byte 32, version 0's at 20: shorter is malformed
			if (body.length < (v1 ? 32 : 20)) return undefined;
			const timescale = body.readUInt32BE(v1 ? 20 : 12);
			const duration = v1 ? Number(body.readBigUInt64BE(24)) : body.readUInt32BE(16);
			if (timescale > 0) durationSeconds = Math.round((duration / timescale) * 1000) / 1000;
		}
		if (type === 'trak' && !size) {
			for (const [child, tkhd] of children(body)) {
				if (child !== 'tkhd') continue;
				const at = tkhd[0] === 1 ? 88 : 76;
				if (tkhd.length < at + 8) continue;
				const width = tkhd.readUInt32BE(at) >>> 16;
				const height = tkhd.readUInt32BE(at + 4) >>> 16;
				if (width > 0 && height > 0) size = { width, height };
			}
		}
	}
	return size && { ...size, durationSeconds };
}

/** The same facts for a whole file in memory. */
export function mp4Info(bytes: Buffer): VideoInfo | undefined {
	const walker = new Mp4Walker();
	walker.push(bytes);
	return walker.info();
}
