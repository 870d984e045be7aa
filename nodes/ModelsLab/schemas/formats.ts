/**
 * Social formats: a name a marketer knows, sent as a size every route that offers it accepts
 * (within its limits, multiples of 8). `custom` sends the Width and Height fields.
 */
import { oneOf } from './rules';

interface FormatPreset {
	value: string;
	displayName: string;
	width: number;
	height: number;
	/** The platform size it stands for: Upscale ×2, then a resize, reaches it. */
	platformSize: string;
}

export const CUSTOM_FORMAT = 'custom';

export const FORMAT_PRESETS = [
	{ value: 'square', displayName: 'Square 1:1 (Instagram / Facebook post)', width: 1024, height: 1024, platformSize: '1080 × 1080 Instagram and Facebook posts' },
	{ value: 'portrait', displayName: 'Portrait 4:5 (Instagram portrait post)', width: 816, height: 1024, platformSize: '1080 × 1350 Instagram portrait posts' },
	{ value: 'story', displayName: 'Story / Reel 9:16', width: 576, height: 1024, platformSize: '1080 × 1920 stories and reels (Instagram, Facebook, TikTok)' },
	{ value: 'landscape', displayName: 'Landscape 16:9 (YouTube thumbnail, X)', width: 1024, height: 576, platformSize: '1280 × 720 YouTube thumbnails and 1600 × 900 X images' },
	{ value: 'linkPreview', displayName: 'Link preview 1.91:1 (LinkedIn, Facebook link)', width: 1024, height: 536, platformSize: '1200 × 627 LinkedIn and 1200 × 630 Facebook link previews' },
	{ value: 'pin', displayName: 'Pin 2:3 (Pinterest)', width: 680, height: 1024, platformSize: '1000 × 1500 Pinterest pins' },
] as const satisfies readonly FormatPreset[];

type FormatName = typeof CUSTOM_FORMAT | (typeof FORMAT_PRESETS)[number]['value'];

export const FORMAT_NAMES = [CUSTOM_FORMAT, ...FORMAT_PRESETS.map((preset) => preset.value)] as [
	FormatName,
	...FormatName[],
];

export const formatSchema = oneOf(FORMAT_NAMES, `one of ${FORMAT_NAMES.join(', ')}`);

/** The preset named `format`, or undefined for `custom` and for a name that is none (validation names it). */
function formatPreset(format: unknown): FormatPreset | undefined {
	return FORMAT_PRESETS.find((preset) => preset.value === format);
}

/**
 * The fields as they go to validation: a preset's size replaces Width and Height, which the editor
 * hides for presets (their saved values stay in the workflow and must not count).
 */
export function withFormatSize<Input extends Record<string, unknown>>(input: Input): Input {
	const preset = formatPreset(input.format);
	return preset ? { ...input, width: preset.width, height: preset.height } : input;
}
