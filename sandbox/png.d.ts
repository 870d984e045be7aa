// Hand-written types for sandbox/png.js.

export interface RenderPngArgs {
	width: number;
	height: number;
	seed: number;
	prompt?: string;
}

/** A valid 8-bit RGB PNG whose pixels depend only on the arguments; returns a fresh copy. */
export declare function renderPng(args: RenderPngArgs): Buffer;
/** Same bytes as renderPng but the shared cached Buffer: do not mutate. */
export declare function renderPngShared(args: RenderPngArgs): Buffer;
export declare function encodePng(width: number, height: number, rgb: Buffer): Buffer;
export declare function crc32(buf: Uint8Array, previous?: number): number;
export declare const PNG_SIGNATURE: Buffer;
