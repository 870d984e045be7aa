// What each editing operation does to the pixels: simple, deterministic stand-ins for the real models,
// so an answer's image has the documented size and depends on the input, the seed and the prompt.
import { createHash } from 'node:crypto';
import { decodePng, type ImageHeader, type Raster } from './imageFormat';
import { encodePng, renderPixels } from './png';

/** A mask pixel at or above this grey level (Rec. 601 luma, RGBA's alpha ignored) is white: "change". */
const WHITE_LEVEL = 128;

function fromRgb(width: number, height: number, rgb: Buffer): Raster {
	const data = Buffer.alloc(width * height * 4);
	for (let i = 0, o = 0; i < rgb.length; i += 3, o += 4) {
		rgb.copy(data, o, i, i + 3);
		data[o + 3] = 255;
	}
	return { width, height, data, alpha: false };
}

/** The generated look: the same pattern text2img draws for (size, seed, prompt). */
export function pattern(width: number, height: number, seed: number, prompt: string): Raster {
	return fromRgb(width, height, renderPixels(width, height, seed, prompt));
}

/**
 * The pixels of an input image: a PNG's own; for JPEG, WebP and interlaced PNG a pattern of the
 * image's size seeded from the bytes' SHA-256, since the sandbox does not decode those.
 */
export function sourceRaster(bytes: Buffer, header: ImageHeader): Raster {
	const decoded = header.format === 'png' ? decodePng(bytes) : null;
	if (decoded) return decoded;
	const seed = createHash('sha256').update(bytes).digest().readUInt32BE(0);
	return pattern(header.width, header.height, seed, header.format);
}

export function encodeRaster(r: Raster, keepAlpha: boolean): Buffer {
	if (keepAlpha && r.alpha) return encodePng(r.width, r.height, r.data, 4);
	const rgb = Buffer.alloc(r.width * r.height * 3);
	for (let i = 0, o = 0; o < rgb.length; i += 4, o += 3) r.data.copy(rgb, o, i, i + 3);
	return encodePng(r.width, r.height, rgb, 3);
}

/** Nearest-neighbour resize. */
export function resize(r: Raster, width: number, height: number): Raster {
	if (r.width === width && r.height === height) return r;
	const data = Buffer.alloc(width * height * 4);
	for (let y = 0; y < height; y++) {
		const sy = Math.min(r.height - 1, Math.floor((y * r.height) / height));
		for (let x = 0; x < width; x++) {
			const sx = Math.min(r.width - 1, Math.floor((x * r.width) / width));
			r.data.copy(data, (y * width + x) * 4, (sy * r.width + sx) * 4, (sy * r.width + sx) * 4 + 4);
		}
	}
	return { width, height, data, alpha: r.alpha };
}

/** Which pixels a mask marks white, after stretching the mask to the image's size. */
function whiteAt(mask: Raster, width: number, height: number): Uint8Array {
	const m = resize(mask, width, height).data;
	const out = new Uint8Array(width * height);
	for (let p = 0; p < out.length; p++) {
		const luma = 0.299 * m[p * 4] + 0.587 * m[p * 4 + 1] + 0.114 * m[p * 4 + 2];
		out[p] = luma >= WHITE_LEVEL ? 1 : 0;
	}
	return out;
}

/** `src` moved towards `towards` by `t` (0..1) where `where` allows (everywhere by default); opaque. */
function blend(src: Raster, towards: Raster, t: number, where?: Uint8Array): Raster {
	const data = Buffer.alloc(src.data.length);
	for (let p = 0; p < src.width * src.height; p++) {
		const k = !where || where[p] ? t : 0;
		for (let c = 0; c < 3; c++) data[p * 4 + c] = Math.round(src.data[p * 4 + c] * (1 - k) + towards.data[p * 4 + c] * k);
		data[p * 4 + 3] = 255;
	}
	return { width: src.width, height: src.height, data, alpha: false };
}

/** Image to Image: the input blended towards the generated pattern by `strength`. */
export function img2img(src: Raster, seed: number, prompt: string, strength: number): Raster {
	return blend(src, pattern(src.width, src.height, seed, prompt), strength);
}

/** Inpaint: the same, only where the mask is white. */
export function inpaint(src: Raster, mask: Raster, seed: number, prompt: string, strength: number): Raster {
	return blend(src, pattern(src.width, src.height, seed, prompt), strength, whiteAt(mask, src.width, src.height));
}

/** Remove Object: white pixels take the mean colour of the kept (black) ones. */
export function removeObject(src: Raster, mask: Raster): Raster {
	const white = whiteAt(mask, src.width, src.height);
	const sum = [0, 0, 0];
	let kept = 0;
	for (let p = 0; p < white.length; p++) {
		if (white[p]) continue;
		kept++;
		for (let c = 0; c < 3; c++) sum[c] += src.data[p * 4 + c];
	}
	const fill = { width: 1, height: 1, data: Buffer.from([...sum.map((v) => (kept ? Math.round(v / kept) : 128)), 255]), alpha: false };
	return blend(src, resize(fill, src.width, src.height), 1, white);
}

export interface RemoveBgOptions {
	onlyMask: boolean;
	inverseMask: boolean;
}

/**
 * Remove Background. The subject is what lies inside the ellipse inscribed in the image and differs
 * from the mean colour of the image's border by more than 16 on some channel; the rest is background
 * (alpha 0), so the corners are always transparent. `onlyMask`: the mask as RGB (subject white).
 */
export function removeBackground(src: Raster, { onlyMask, inverseMask }: RemoveBgOptions): Raster {
	const { width, height } = src;
	const border = [0, 0, 0];
	let n = 0;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			if (y !== 0 && y !== height - 1 && x !== 0 && x !== width - 1) continue;
			n++;
			for (let c = 0; c < 3; c++) border[c] += src.data[(y * width + x) * 4 + c];
		}
	}
	const bg = border.map((v) => v / n);
	const data = Buffer.from(src.data);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const o = (y * width + x) * 4;
			const dx = (x + 0.5 - width / 2) / (width / 2);
			const dy = (y + 0.5 - height / 2) / (height / 2);
			const differs = [0, 1, 2].some((c) => Math.abs(src.data[o + c] - bg[c]) > 16);
			const subject = dx * dx + dy * dy <= 1 && differs;
			const keep = subject !== inverseMask;
			if (onlyMask) data.fill(keep ? 255 : 0, o, o + 3);
			data[o + 3] = onlyMask ? 255 : keep ? 255 : 0;
		}
	}
	return { width, height, data, alpha: !onlyMask };
}

/** Outpaint: the input centred on a generated canvas, scaled down (aspect kept) when it does not fit. */
export function outpaint(src: Raster, width: number, height: number, seed: number, prompt: string): Raster {
	const canvas = pattern(width, height, seed, prompt);
	const fit = Math.min(1, width / src.width, height / src.height);
	const inner = resize(src, Math.max(1, Math.floor(src.width * fit)), Math.max(1, Math.floor(src.height * fit)));
	const left = Math.floor((width - inner.width) / 2);
	const top = Math.floor((height - inner.height) / 2);
	for (let y = 0; y < inner.height; y++) {
		inner.data.copy(canvas.data, ((top + y) * width + left) * 4, y * inner.width * 4, (y + 1) * inner.width * 4);
	}
	for (let p = 3; p < canvas.data.length; p += 4) canvas.data[p] = 255;
	return canvas;
}
