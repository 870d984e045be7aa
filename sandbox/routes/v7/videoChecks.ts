// The v7 video-fusion family's checks: each create body against its model's entry in the video catalog
// (input image, aspect ratio, duration, resolution, audio), and the MP4 its job makes: frame size and
// duration. Field errors as the images family gives them, under `message`.
import type { SandboxContext } from '../../core/context';
import { type Body, type FieldChecker, isAbsent, label } from '../../core/validation';
import { mp4File } from '../../images/mp4';
import type { Checked } from '../../jobs/create';
import type { V7References } from './catalog';
import { checkReferences, checkV7Create, hostedSize, listedString, parseRatio, prohibit, type Size, urlField } from './fields';
import { type V7VideoDirection, type V7VideoImage, type V7VideoOption, V7_VIDEO_MODELS, V7_VIDEO_REQUIRED } from './videoCatalog';

export const V7_VIDEO_PATHS: Readonly<Record<V7VideoDirection, string>> = {
	imageToVideo: '/api/v7/video-fusion/image-to-video',
	textToVideo: '/api/v7/video-fusion/text-to-video',
};

/** The long side of a video's frame (the short side is rounded to an even number). */
export const VIDEO_LONG_SIDE = 1280;
/** The frame's shape when neither an aspect ratio nor an input image the sandbox hosts tells it. */
const DEFAULT_SHAPE: Size = { width: 16, height: 9 };
/** How long a video is when the request names no duration. */
export const DEFAULT_DURATION_SECONDS = 5;

/** The input image in the form the reference-image rules read: one link, a list, or exactly [start, end]. */
function inputImages(image: V7VideoImage | undefined): V7References | undefined {
	if (!image) return undefined;
	if (image.sentAs === 'single') return { min: 1, max: 1, sentAs: 'single' };
	return image.lastFrame ? { min: 2, max: 2, sentAs: 'list' } : { min: 1, max: Infinity, sentAs: 'list' };
}

/** An option the model lists: one of its values, as a string (present where required); an option it does not list is refused. */
function option(c: FieldChecker, field: string, values: readonly string[] | undefined, required: readonly string[]): string | undefined {
	if (!values) return void prohibit(c, [field]);
	if (required.includes(field) && isAbsent(c.body[field])) return void c.add(field, `The ${label(field)} field is required.`);
	return listedString(c, field, values);
}

/** A model's own optional field, when sent: a boolean, or a string within its length. */
function checkOwnOption(c: FieldChecker, own: V7VideoOption): void {
	const value = c.body[own.field];
	if (isAbsent(value)) return;
	if (own.kind === 'boolean' && typeof value !== 'boolean') c.add(own.field, `The ${label(own.field)} field must be true or false.`);
	if (own.kind === 'text' && (typeof value !== 'string' || value.length > own.maxLength)) c.add(own.field, `The ${label(own.field)} must be a string of at most ${own.maxLength} characters.`);
}

const even = (x: number) => Math.max(2, Math.round(x / 2) * 2);

/**
 * The frame of a `w`:`h` shape: its long side VIDEO_LONG_SIDE, or at a resolution (`480p`, `720p`,
 * `1080p`) its short side that many pixels; the other side in proportion, rounded to an even number.
 */
export function videoSize(w: number, h: number, resolution?: string): Size {
	const short = resolution === undefined ? undefined : parseInt(resolution, 10);
	if (short === undefined) return w >= h ? { width: VIDEO_LONG_SIDE, height: even((VIDEO_LONG_SIDE * h) / w) } : { width: even((VIDEO_LONG_SIDE * w) / h), height: VIDEO_LONG_SIDE };
	return w >= h ? { width: even((short * w) / h), height: short } : { width: short, height: even((short * h) / w) };
}

/** A v7 video create body: field errors, or the job and its MP4 (frame size and duration as asked). */
export function checkV7Video(ctx: SandboxContext, body: Body, direction: V7VideoDirection): Checked {
	return checkV7Create(body, { models: V7_VIDEO_MODELS, direction, paths: V7_VIDEO_PATHS }, (c, model) => {
		const firstImage = checkReferences(c, inputImages(model.image));
		const required = V7_VIDEO_REQUIRED[model.id] ?? [];
		const ratio = option(c, 'aspect_ratio', model.aspectRatios, required);
		const duration = option(c, 'duration', model.durations, required);
		const resolution = option(c, 'resolution', model.resolutions, required);
		for (const own of model.options ?? []) checkOwnOption(c, own);
		if (model.audio) urlField(c, 'init_audio', false);
		else prohibit(c, ['init_audio']);
		const durationMs = 1000 * (duration === undefined ? DEFAULT_DURATION_SECONDS : Number(duration));
		const { videoPayloadBytes: payloadBytes, videoMalformedMvhd: malformedMvhd } = ctx.config;
		const size = () => {
			const listed = ratio === undefined ? null : parseRatio(ratio);
			const shape = listed ? { width: listed.w, height: listed.h } : (hostedSize(ctx, firstImage) ?? DEFAULT_SHAPE);
			return videoSize(shape.width, shape.height, resolution);
		};
		return { size, file: (job) => mp4File({ width: job.width, height: job.height, durationMs, seed: job.seed, payloadBytes, malformedMvhd }) };
	});
}
