/** Hand-built ISO-BMFF (MP4, AVIF, HEIC) pieces for the media tests. */

/** A box: 32-bit size, type, then its parts. */
export const box = (type: string, ...parts: Buffer[]): Buffer => {
	const body = Buffer.concat(parts);
	const head = Buffer.alloc(8);
	head.writeUInt32BE(8 + body.length, 0);
	head.write(type, 4, 'latin1');
	return Buffer.concat([head, body]);
};

/** An `ftyp` box: major brand, minor version 0, compatible brands. */
export const ftyp = (major: string, ...compatible: string[]): Buffer =>
	box('ftyp', Buffer.from(major, 'latin1'), Buffer.alloc(4), Buffer.from(compatible.join(''), 'latin1'));
