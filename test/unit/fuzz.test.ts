import { enterpriseText2img, text2img } from '../../nodes/ModelsLab/actions/image';
import { validateParameters } from '../../nodes/ModelsLab/helpers/validateParameters';
import { toRequestBody } from '../../nodes/ModelsLab/schemas/requestBody';
import { enterpriseText2imgSchema, text2imgSchema } from '../../nodes/ModelsLab/schemas/text2img';

/** Hostile values an expression can produce; none may crash validation or slip through unnamed. */
const HOSTILE: unknown[] = [
	NaN,
	Infinity,
	-Infinity,
	-1,
	-0,
	1e308,
	2 ** 53 + 1,
	'',
	' ',
	'NaN',
	'1e3',
	'0x10',
	'12px',
	'９',
	'🙂'.repeat(3),
	'\u0000',
	'<script>alert(1)</script>',
	'x'.repeat(1024 * 1024),
	null,
	undefined,
	true,
	false,
	[],
	[1, 2],
	{},
	{ toString: 'x' },
	{ __proto__: { polluted: true } },
	{ lora: 'not-a-list' },
	{ lora: [{ model: {}, strength: [] }] },
];

/** Deterministic PRNG, so a failure can be replayed. */
function prng(seed: number) {
	let state = seed;
	return () => {
		state = (state * 1664525 + 1013904223) % 2 ** 32;
		return state / 2 ** 32;
	};
}

const FIELDS = ['modelId', 'prompt', 'negativePrompt', 'width', 'height', 'samples'];
const OPTIONS = [
	'numInferenceSteps', 'guidanceScale', 'seed', 'scheduler', 'safetyChecker', 'safetyCheckerType', 'enhancePrompt',
	'loras', 'clipSkip', 'tomesd', 'useKarrasSigmas', 'vae', 'panorama', 'selfAttention', 'upscale', 'highresFix',
	'algorithmType', 'temp', 'webhook', 'trackId', 'base64', 'injectedNoiseAlpha', 'sigmaThreshold', 'trueCfgScale',
	'useCfgZeroStar', 'useZeroInit', 'zeroSteps',
];

const valid = { modelId: 'flux', prompt: 'a cat', negativePrompt: '', width: 512, height: 512, samples: 1, options: {} };

describe.each([
	['Text2Img', text2imgSchema, text2img.description],
	['Enterprise Text2Img', enterpriseText2imgSchema, enterpriseText2img.description],
])('%s validation under hostile input', (_name, schema, properties) => {
	const labels = new Set(properties.map((property) => property.displayName));
	const optionLabels = new Set(
		(properties.find((property) => property.name === 'options')?.options ?? []).map((option) =>
			'displayName' in option ? option.displayName : '',
		),
	);

	function expectNamedProblems(input: unknown) {
		const result = validateParameters(schema, input, properties);
		if (result.ok) {
			// whatever passes must still build a body of plain JSON values
			expect(() => JSON.stringify(toRequestBody(result.data))).not.toThrow();
			return;
		}
		expect(result.problems.length).toBeGreaterThan(0);
		for (const problem of result.problems) {
			const named = [...labels, ...optionLabels].some((label) => problem.startsWith(label));
			if (!named) throw new Error(`problem does not name its field: ${problem}`);
			expect(problem.length).toBeLessThan(400);
		}
	}

	it('every hostile value in every top-level field', () => {
		for (const field of FIELDS) {
			for (const value of HOSTILE) expectNamedProblems({ ...valid, [field]: value });
		}
	});

	it('every hostile value in every option', () => {
		for (const option of OPTIONS) {
			for (const value of HOSTILE) expectNamedProblems({ ...valid, options: { [option]: value } });
		}
	});

	it('random combinations (fixed seed)', () => {
		const random = prng(20261123);
		const pick = () => HOSTILE[Math.floor(random() * HOSTILE.length)];
		for (let run = 0; run < 300; run++) {
			const input: Record<string, unknown> = { ...valid, options: {} };
			for (const field of FIELDS) if (random() < 0.3) input[field] = pick();
			for (const option of OPTIONS) if (random() < 0.15) (input.options as Record<string, unknown>)[option] = pick();
			expectNamedProblems(input);
		}
	});

	it('a non-object options value is refused by name', () => {
		for (const options of ['x', 5, null, [], true]) expectNamedProblems({ ...valid, options });
	});
});
