import type { INodeProperties } from 'n8n-workflow';
import type { ZodTypeAny, z } from 'zod';

import { operations } from '../../../nodes/ModelsLab/actions/image';
import * as enterpriseText2img from '../../../nodes/ModelsLab/actions/image/enterpriseText2img.operation';
import * as img2img from '../../../nodes/ModelsLab/actions/image/img2img.operation';
import * as inpaint from '../../../nodes/ModelsLab/actions/image/inpaint.operation';
import * as outpaint from '../../../nodes/ModelsLab/actions/image/outpaint.operation';
import * as removeBackground from '../../../nodes/ModelsLab/actions/image/removeBackground.operation';
import * as upscale from '../../../nodes/ModelsLab/actions/image/upscale.operation';
import {
	img2imgSchema,
	outpaintSchema,
	removeBackgroundSchema,
	upscaleSchema,
	withImageInputs,
} from '../../../nodes/ModelsLab/schemas/imageEditing';
import * as text2img from '../../../nodes/ModelsLab/actions/image/text2img.operation';
import { findOperation } from '../../../nodes/ModelsLab/actions/operation';
import { allOperations } from '../../../nodes/ModelsLab/actions/resources';
import { IMAGE_MODELS } from '../../../nodes/ModelsLab/catalogs/images';
import { VIDEO_MODELS } from '../../../nodes/ModelsLab/catalogs/videos';
import { modelSchema } from '../../../nodes/ModelsLab/schemas/modelRules';
import { videoSchema } from '../../../nodes/ModelsLab/schemas/videoRules';
import { concurrencyField, waitAndOutputFields } from '../../../nodes/ModelsLab/parameters/outputFields';
import { chosenFileName } from '../../../nodes/ModelsLab/media/fileNames';
import { validateParameters } from '../../../nodes/ModelsLab/parameters/validate';
import { toRequestBody } from '../../../nodes/ModelsLab/schemas/requestBody';
import { concurrencySchema, fetchApiSchema, jobSettingsSchema } from '../../../nodes/ModelsLab/schemas/settings';
import { enterpriseText2imgSchema, text2imgSchema } from '../../../nodes/ModelsLab/schemas/text2img';
import { HOSTILE, expectSafeFileName, prng } from '../../hostileValues';

const FIELDS = ['modelId', 'prompt', 'negativePrompt', 'format', 'width', 'height', 'samples'];
const OPTIONS = [
	'numInferenceSteps', 'guidanceScale', 'seed', 'scheduler', 'safetyChecker', 'safetyCheckerType', 'enhancePrompt',
	'loras', 'clipSkip', 'tomesd', 'useKarrasSigmas', 'vae', 'panorama', 'selfAttention', 'upscale', 'highresFix',
	'algorithmType', 'temp', 'webhook', 'trackId', 'base64', 'injectedNoiseAlpha', 'sigmaThreshold', 'trueCfgScale',
	'useCfgZeroStar', 'useZeroInit', 'zeroSteps',
];

const valid = { modelId: 'flux', prompt: 'a cat', negativePrompt: '', format: 'custom', width: 512, height: 512, samples: 1, options: {} };

/** Validation either passes, or every problem starts with the label the user sees, briefly. */
function expectNamedProblems<Schema extends ZodTypeAny>(
	schema: Schema,
	input: unknown,
	properties: INodeProperties[],
	onValid?: (data: z.output<Schema>) => void,
) {
	const labels = properties.flatMap((property) => [
		property.displayName,
		...(property.options ?? []).map((option) => ('displayName' in option ? option.displayName : property.displayName)),
	]);
	const result = validateParameters(schema, input, properties);
	if (result.ok) {
		onValid?.(result.data);
		return;
	}
	expect(result.problems.length).toBeGreaterThan(0);
	for (const problem of result.problems) {
		if (!labels.some((label) => problem.startsWith(label))) throw new Error(`problem does not name its field: ${problem}`);
		expect(problem.length).toBeLessThan(400);
	}
}

describe.each([
	['Text2Img', text2imgSchema, text2img.description],
	['Enterprise Text2Img', enterpriseText2imgSchema, enterpriseText2img.description],
])('%s validation under hostile input', (_name, schema, properties) => {
	// whatever passes must still build a body of plain JSON values
	const expectNamed = (input: unknown) =>
		expectNamedProblems(schema, input, properties, (data) => expect(() => JSON.stringify(toRequestBody(data))).not.toThrow());

	it('every hostile value in every top-level field', () => {
		for (const field of FIELDS) {
			for (const value of HOSTILE) expectNamed({ ...valid, [field]: value });
		}
	});

	it('every hostile value in every option', () => {
		for (const option of OPTIONS) {
			for (const value of HOSTILE) expectNamed({ ...valid, options: { [option]: value } });
		}
	});

	it('random combinations (fixed seed)', () => {
		const random = prng(20261123);
		const pick = () => HOSTILE[Math.floor(random() * HOSTILE.length)];
		for (let run = 0; run < 300; run++) {
			const input: Record<string, unknown> = { ...valid, options: {} };
			for (const field of FIELDS) if (random() < 0.3) input[field] = pick();
			for (const option of OPTIONS) if (random() < 0.15) (input.options as Record<string, unknown>)[option] = pick();
			expectNamed(input);
		}
	});

	it('a non-object options value is refused by name', () => {
		for (const options of ['x', 5, null, [], true]) expectNamed({ ...valid, options });
	});
});

describe('wait, output and node settings under hostile input', () => {
	const settings = { waitForCompletion: true, maxWaitTime: 300, output: 'binary', binaryPropertyName: 'data', fileName: 'sku-story', maxImageSize: 50 };

	it.each(Object.keys(settings))('every hostile value in %s', (field) => {
		for (const value of HOSTILE) expectNamedProblems(jobSettingsSchema, { ...settings, [field]: value }, waitAndOutputFields);
	});

	it('a File Name that passes always gives a safe file name, or the node\'s own', () => {
		let passed = 0;
		for (const value of HOSTILE) {
			expectNamedProblems(jobSettingsSchema, { ...settings, fileName: value }, waitAndOutputFields, ({ fileName }) => {
				passed++;
				const name = chosenFileName(fileName, 0, 'image/png');
				if (name === undefined) return;
				expectSafeFileName(name, '-0.png');
			});
		}
		expect(passed).toBeGreaterThan(0);
	});

	it('every hostile value in Concurrency and in Fetch Result\'s API', () => {
		for (const value of HOSTILE) {
			expectNamedProblems(concurrencySchema, { concurrency: value }, [concurrencyField]);
			expectNamedProblems(fetchApiSchema, { api: value }, findOperation(operations, 'fetchResult')!.description);
		}
	});
});

describe.each([
	['Image to Image', withImageInputs(img2imgSchema, ['image']), img2img.description, { modelId: 'sdxl', prompt: 'p', strength: 0.7, samples: 1, options: {} }],
	['Inpaint', withImageInputs(img2imgSchema, ['image', 'mask']), inpaint.description, { modelId: 'sdxl', prompt: 'p', strength: 0.7, samples: 1, options: {}, maskSource: 'binary', maskBinaryField: 'mask' }],
	['Upscale', withImageInputs(upscaleSchema, ['image']), upscale.description, { upscaleModel: 'realesr-general-x4v3', scale: 2, faceEnhance: false }],
	['Remove Background', withImageInputs(removeBackgroundSchema, ['image']), removeBackground.description, { options: {} }],
	['Outpaint', withImageInputs(outpaintSchema, ['image']), outpaint.description, { prompt: 'high quality', format: 'custom', width: 1280, height: 720, overlapWidth: 10, options: {} }],
] as const)('%s validation under hostile input', (_name, schema, properties, fields) => {
	const valid = { imageSource: 'binary', inputBinaryField: 'data', ...fields } as Record<string, unknown>;
	const optionsOf = (properties.find((property) => property.name === 'options')?.options ?? []).map((option) => option.name);

	it('every hostile value in every field, image input and option', () => {
		const names = [...Object.keys(valid).filter((name) => name !== 'options'), 'imageUrl', 'maskUrl'];
		for (const name of names) for (const value of HOSTILE) expectNamedProblems(schema, { ...valid, [name]: value }, properties);
		for (const option of optionsOf) {
			for (const value of HOSTILE) expectNamedProblems(schema, { ...valid, options: { [option]: value } }, properties);
		}
	});

	it('a URL source needs an http(s) link; no hostile value is one', () => {
		for (const value of HOSTILE) {
			const result = validateParameters(schema, { ...valid, imageSource: 'url', inputBinaryField: undefined, imageUrl: value }, properties);
			expect(result.ok).toBe(false);
		}
		expect(validateParameters(schema, { ...valid, imageSource: 'url', imageUrl: 'https://example.com/a.png' }, properties).ok).toBe(true);
	});

	it('random combinations (fixed seed)', () => {
		const random = prng(20261313);
		const pick = () => HOSTILE[Math.floor(random() * HOSTILE.length)];
		for (let run = 0; run < 200; run++) {
			const input: Record<string, unknown> = { ...valid, options: {} };
			for (const name of Object.keys(valid)) if (name !== 'options' && random() < 0.3) input[name] = pick();
			for (const option of optionsOf) if (random() < 0.2) (input.options as Record<string, unknown>)[option] = pick();
			expectNamedProblems(schema, input, properties);
		}
	});
});

/**
 * A catalog model's schema under hostile input: every hostile value in each of `names` and in each
 * option, then random combinations (fixed seed); `onValid` checks what passes.
 */
function fuzzModelFields<Schema extends ZodTypeAny>(
	schema: Schema,
	properties: INodeProperties[],
	valid: Record<string, unknown>,
	names: string[],
	seed: number,
	onValid: (data: z.output<Schema>) => void,
) {
	expect(validateParameters(schema, valid, properties).ok).toBe(true);
	for (const name of names) for (const value of HOSTILE) expectNamedProblems(schema, { ...valid, [name]: value }, properties);
	for (const option of ['webhook', 'trackId']) for (const value of HOSTILE) expectNamedProblems(schema, { ...valid, options: { [option]: value } }, properties);
	const random = prng(seed);
	const pick = () => HOSTILE[Math.floor(random() * HOSTILE.length)];
	for (let run = 0; run < 50; run++) {
		const input: Record<string, unknown> = { ...valid, options: {} };
		for (const name of names) if (random() < 0.3) input[name] = pick();
		expectNamedProblems(schema, input, properties, onValid);
	}
}

describe('v7 models (Generate Image, Edit Image) under hostile input', () => {
	const fieldsOf = (direction: 'generate' | 'edit') => findOperation(operations, direction)!.description;
	const cases = IMAGE_MODELS.map((model) => [`${model.direction} ${model.id}`, model] as const);

	it.each(cases)('%s: every hostile value in every field it takes, and in random combinations', (_name, model) => {
		const schema = modelSchema(model);
		const properties = fieldsOf(model.direction);
		const valid: Record<string, unknown> = {
			prompt: 'a mug',
			options: {},
			...(model.size.by === 'none' ? {} : { format: model.size.by === 'pixels' ? 'custom' : 'square' }),
			...(model.size.by === 'pixels' ? { width: 768, height: 768 } : {}),
			...(model.samples ? { samples: 1 } : {}),
		};
		// the fields this operation has, also those the model does not take (a model from an expression)
		const names = [...new Set([...Object.keys(valid).filter((name) => name !== 'options'), 'width', 'height', 'samples', 'format'])].filter((name) => properties.some((property) => property.name === name));
		fuzzModelFields(schema, properties, valid, names, 20261206, (data) => {
			// what passes is within the model's own rules
			if (model.size.by === 'pixels' && data.format === 'custom') expect(data.width).toBeGreaterThanOrEqual(model.size.min);
			expect(data.prompt.trim()).not.toBe('');
		});
	});
});

describe('video models (Image to Video, Text to Video) under hostile input', () => {
	it.each(VIDEO_MODELS.map((model) => [`${model.direction} ${model.id}`, model] as const))('%s: every hostile value in every field it takes, and in random combinations', (_name, model) => {
		const schema = videoSchema(model);
		const properties = findOperation(allOperations, model.direction)!.description;
		const valid: Record<string, unknown> = {
			prompt: 'a mug turning',
			options: {},
			...(model.aspectRatios ? { format: model.aspectRatios[0] } : {}),
			...(model.durations ? { duration: model.durations[0] } : {}),
			...(model.resolutions ? { resolution: model.resolutions[0] } : {}),
		};
		const names = ['prompt', 'format', 'duration', 'resolution'].filter((name) => properties.some((property) => property.name === name));
		fuzzModelFields(schema, properties, valid, names, 20261207, (data) => {
			// what passes is one of the model's own values, sent as a string
			if (data.duration !== undefined) expect(model.durations).toContain(data.duration);
			if (data.format !== undefined) expect(model.aspectRatios).toContain(data.format);
		});
	});
});
