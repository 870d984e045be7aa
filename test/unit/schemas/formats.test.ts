import type { INodeProperties } from 'n8n-workflow';

import * as enterpriseText2img from '../../../nodes/ModelsLab/actions/image/enterpriseText2img.operation';
import * as outpaint from '../../../nodes/ModelsLab/actions/image/outpaint.operation';
import * as text2img from '../../../nodes/ModelsLab/actions/image/text2img.operation';
import { validateParameters } from '../../../nodes/ModelsLab/parameters/validate';
import { FORMAT_NAMES, FORMAT_PRESETS, withFormatSize } from '../../../nodes/ModelsLab/schemas/formats';
import { outpaintSchema, withImageInputs } from '../../../nodes/ModelsLab/schemas/imageEditing';
import { enterpriseText2imgSchema, text2imgSchema } from '../../../nodes/ModelsLab/schemas/text2img';

/** The table of issue 15, as product decided it: value, label, size sent. */
const TABLE = [
	['custom', 'Custom', null],
	['square', 'Square 1:1 (Instagram / Facebook post)', [1024, 1024]],
	['portrait', 'Portrait 4:5 (Instagram portrait post)', [816, 1024]],
	['story', 'Story / Reel 9:16', [576, 1024]],
	['landscape', 'Landscape 16:9 (YouTube thumbnail, X)', [1024, 576]],
	['linkPreview', 'Link preview 1.91:1 (LinkedIn, Facebook link)', [1024, 536]],
	['pin', 'Pin 2:3 (Pinterest)', [680, 1024]],
] as const;

const ROUTES = [
	['Text to Image', text2imgSchema, text2img.description, { modelId: 'flux', prompt: 'p', samples: 1, options: {} }],
	['Enterprise Text to Image', enterpriseText2imgSchema, enterpriseText2img.description, { modelId: 'sdxl', prompt: 'p', samples: 1, options: {} }],
	['Outpaint', withImageInputs(outpaintSchema, ['image']), outpaint.description, { prompt: 'p', overlapWidth: 10, options: {}, imageSource: 'binary', inputBinaryField: 'data' }],
] as const;

const field = (properties: INodeProperties[], name: string) => properties.find((property) => property.name === name)!;

describe('Format presets', () => {
	it('are the table: values, labels and sizes, Custom first and the default', () => {
		expect(FORMAT_NAMES).toEqual(TABLE.map(([value]) => value));
		expect(FORMAT_PRESETS.map(({ value, displayName, width, height }) => [value, displayName, [width, height]])).toEqual(
			TABLE.slice(1),
		);
	});

	it('each description names the size sent and the platform size it stands for', () => {
		const options = field(text2img.description, 'format').options as Array<{ value: string; description: string }>;
		expect(options.find((option) => option.value === 'story')?.description).toBe(
			'576 × 1024, for 1080 × 1920 stories and reels (Instagram, Facebook, TikTok) (Upscale ×2, then resize)',
		);
		for (const preset of FORMAT_PRESETS) {
			const description = options.find((option) => option.value === preset.value)?.description ?? '';
			expect(description).toMatch(new RegExp(`^${preset.width} × ${preset.height}, for \\d+ × \\d+ `));
		}
	});

	it('Upscale ×2 reaches every platform size a preset names, whose ratio it keeps within 1 %', () => {
		for (const preset of FORMAT_PRESETS) {
			const platformSizes = [...preset.platformSize.matchAll(/(\d+) × (\d+)/g)].map((match) => [Number(match[1]), Number(match[2])]);
			expect(platformSizes.length).toBeGreaterThan(0);
			for (const [width, height] of platformSizes) {
				expect(2 * preset.width).toBeGreaterThanOrEqual(width);
				expect(2 * preset.height).toBeGreaterThanOrEqual(height);
				expect(Math.abs(preset.width / preset.height / (width / height) - 1)).toBeLessThan(0.01);
			}
		}
	});

	it.each(ROUTES)('%s: every preset is within its limits and in multiples of 8, and is what validation passes on', (_name, schema, properties, fields) => {
		expect(field(properties as INodeProperties[], 'format')).toMatchObject({ type: 'options', default: 'custom' });
		for (const preset of FORMAT_PRESETS) {
			expect(preset.width % 8).toBe(0);
			expect(preset.height % 8).toBe(0);
			const width = field(properties as INodeProperties[], 'width').typeOptions!;
			expect(preset.width).toBeGreaterThanOrEqual(width.minValue as number);
			expect(preset.width).toBeLessThanOrEqual(width.maxValue as number);
			const result = validateParameters(schema, withFormatSize({ ...fields, format: preset.value, width: 5000, height: 1 }), properties as INodeProperties[]);
			expect(result).toMatchObject({ ok: true, data: { format: preset.value, width: preset.width, height: preset.height } });
		}
	});

	it.each(ROUTES)('%s: Width and Height show only for Custom', (_name, _schema, properties) => {
		for (const name of ['width', 'height']) {
			expect(field(properties as INodeProperties[], name).displayOptions).toEqual({ show: { format: ['custom'] } });
		}
	});

	it('custom keeps its own Width and Height', () => {
		expect(withFormatSize({ format: 'custom', width: 640, height: 384 })).toEqual({ format: 'custom', width: 640, height: 384 });
		const custom = validateParameters(text2imgSchema, { ...ROUTES[0][3], format: 'custom', width: 640, height: 384 }, text2img.description);
		expect(custom).toMatchObject({ ok: true, data: { format: 'custom', width: 640, height: 384 } });
	});

	it('an expression that gives nothing (a row without the column) is refused, not taken as Custom', () => {
		// a workflow saved without a format reads n8n's default, custom (test/integration/formatsAndFileNames.test.ts)
		const input = withFormatSize({ ...ROUTES[0][3], format: undefined, width: 640, height: 384 });
		expect(validateParameters(text2imgSchema, input, text2img.description)).toEqual({
			ok: false,
			problems: ['Format must be one of custom, square, portrait, story, landscape, linkPreview, pin, got nothing'],
		});
	});

	it('an unknown format is refused by name, listing the formats, and its hidden Width does not count', () => {
		const input = withFormatSize({ ...ROUTES[0][3], format: 'reel', width: 512, height: 512 });
		expect(validateParameters(text2imgSchema, input, text2img.description)).toEqual({
			ok: false,
			problems: ['Format must be one of custom, square, portrait, story, landscape, linkPreview, pin, got "reel"'],
		});
	});
});
