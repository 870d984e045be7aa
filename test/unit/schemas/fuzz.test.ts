import type { INodeProperties } from 'n8n-workflow';
import type { ZodTypeAny, z } from 'zod';

import * as enterpriseText2img from '../../../nodes/ModelsLab/actions/image/enterpriseText2img.operation';
import * as fetchResult from '../../../nodes/ModelsLab/actions/image/fetchResult.operation';
import * as text2img from '../../../nodes/ModelsLab/actions/image/text2img.operation';
import { concurrencyField, waitAndOutputFields } from '../../../nodes/ModelsLab/descriptions/outputFields';
import { validateParameters } from '../../../nodes/ModelsLab/helpers/validateParameters';
import { toRequestBody } from '../../../nodes/ModelsLab/schemas/requestBody';
import { concurrencySchema, fetchApiSchema, jobSettingsSchema } from '../../../nodes/ModelsLab/schemas/settings';
import { enterpriseText2imgSchema, text2imgSchema } from '../../../nodes/ModelsLab/schemas/text2img';
import { HOSTILE, prng } from '../../hostileValues';

const FIELDS = ['modelId', 'prompt', 'negativePrompt', 'width', 'height', 'samples'];
const OPTIONS = [
	'numInferenceSteps', 'guidanceScale', 'seed', 'scheduler', 'safetyChecker', 'safetyCheckerType', 'enhancePrompt',
	'loras', 'clipSkip', 'tomesd', 'useKarrasSigmas', 'vae', 'panorama', 'selfAttention', 'upscale', 'highresFix',
	'algorithmType', 'temp', 'webhook', 'trackId', 'base64', 'injectedNoiseAlpha', 'sigmaThreshold', 'trueCfgScale',
	'useCfgZeroStar', 'useZeroInit', 'zeroSteps',
];

const valid = { modelId: 'flux', prompt: 'a cat', negativePrompt: '', width: 512, height: 512, samples: 1, options: {} };

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
	const settings = { waitForCompletion: true, maxWaitTime: 300, output: 'binary', binaryPropertyName: 'data', maxImageSize: 50 };

	it.each(Object.keys(settings))('every hostile value in %s', (field) => {
		for (const value of HOSTILE) expectNamedProblems(jobSettingsSchema, { ...settings, [field]: value }, waitAndOutputFields);
	});

	it('every hostile value in Concurrency and in Fetch Result\'s API', () => {
		for (const value of HOSTILE) {
			expectNamedProblems(concurrencySchema, { concurrency: value }, [concurrencyField]);
			expectNamedProblems(fetchApiSchema, { api: value }, fetchResult.description);
		}
	});
});
