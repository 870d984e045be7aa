import * as enterpriseText2img from '../../../nodes/ModelsLab/actions/image/enterpriseText2img.operation';
import * as text2img from '../../../nodes/ModelsLab/actions/image/text2img.operation';
import { validateParameters } from '../../../nodes/ModelsLab/parameters/validate';
import { toRequestBody } from '../../../nodes/ModelsLab/schemas/requestBody';
import { enterpriseText2imgSchema, text2imgSchema } from '../../../nodes/ModelsLab/schemas/text2img';

const base = { modelId: 'flux', prompt: 'a red fox', negativePrompt: '', format: 'custom', width: 512, height: 512, samples: 1, options: {} };

const standard = (input: object) => validateParameters(text2imgSchema, { ...base, ...input }, text2img.description);
const enterprise = (input: object) =>
	validateParameters(enterpriseText2imgSchema, { ...base, ...input }, enterpriseText2img.description);

function problems(result: ReturnType<typeof standard>): string[] {
	if (result.ok) throw new Error('expected a validation failure');
	return result.problems;
}

describe('text2img schema', () => {
	it('accepts the defaults and builds the documented body', () => {
		const result = standard({});
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(toRequestBody(result.data)).toEqual({
			model_id: 'flux',
			prompt: 'a red fox',
			width: 512,
			height: 512,
			samples: 1,
		});
	});

	it('maps every option to its snake_case API field, flags as "yes"/"no", LoRAs comma-joined', () => {
		const result = standard({
			negativePrompt: 'blurry',
			options: {
				numInferenceSteps: 31,
				guidanceScale: 7.5,
				seed: 42,
				scheduler: 'UniPCMultistepScheduler',
				safetyChecker: false,
				safetyCheckerType: 'blur',
				enhancePrompt: true,
				loras: { lora: [{ model: 'more_details', strength: 0.7 }, { model: 'animie', strength: 1 }] },
				clipSkip: 2,
				tomesd: true,
				useKarrasSigmas: false,
				vae: 'my-vae',
				panorama: false,
				selfAttention: true,
				upscale: false,
				highresFix: true,
				algorithmType: 'dpmsolver++',
				temp: true,
				webhook: 'https://example.com/hook',
				trackId: 'row-7',
				base64: false,
				injectedNoiseAlpha: 0.8,
				sigmaThreshold: 0.4,
				trueCfgScale: 2,
				useCfgZeroStar: true,
				useZeroInit: true,
				zeroSteps: 3,
			},
		});
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(toRequestBody(result.data)).toEqual({
			model_id: 'flux',
			prompt: 'a red fox',
			negative_prompt: 'blurry',
			width: 512,
			height: 512,
			samples: 1,
			num_inference_steps: 31,
			guidance_scale: 7.5,
			seed: 42,
			scheduler: 'UniPCMultistepScheduler',
			safety_checker: 'no',
			safety_checker_type: 'blur',
			enhance_prompt: 'yes',
			lora_model: 'more_details,animie',
			lora_strength: '0.7,1',
			clip_skip: 2,
			tomesd: 'yes',
			use_karras_sigmas: 'no',
			vae: 'my-vae',
			panorama: 'no',
			self_attention: 'yes',
			upscale: 'no',
			highres_fix: 'yes',
			algorithm_type: 'dpmsolver++',
			temp: 'yes',
			webhook: 'https://example.com/hook',
			track_id: 'row-7',
			base64: 'no',
			injected_noise_alpha: 0.8,
			sigma_threshold: 0.4,
			true_cfg_scale: 2,
			use_cfg_zero_star: 'yes',
			use_zero_init: 'yes',
			zero_steps: 3,
		});
	});

	it('accepts numeric strings and "yes"/"no" from expressions', () => {
		const result = standard({ width: '768', height: ' 1024 ', samples: '2', options: { guidanceScale: '9', safetyChecker: 'no' } });
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(toRequestBody(result.data)).toMatchObject({ width: 768, height: 1024, samples: 2, guidance_scale: 9, safety_checker: 'no' });
	});

	it('treats -1, empty and null seeds as random (seed: null)', () => {
		for (const seed of [-1, '', null, '-1']) {
			const result = standard({ options: { seed } });
			expect(result.ok && toRequestBody(result.data).seed).toBeNull();
		}
	});

	it.each([
		[{ width: 2048 }, 'Width must be between 256 and 1024, got 2048'],
		[{ height: 100 }, 'Height must be between 256 and 1024, got 100'],
		[{ width: 512.5 }, 'Width must be a whole number (256–1024), got 512.5'],
		[{ width: 'wide' }, 'Width must be a whole number (256–1024), got "wide"'],
		[{ samples: 5 }, 'Number of Images must be between 1 and 4, got 5'],
		[{ samples: 0 }, 'Number of Images must be between 1 and 4, got 0'],
		[{ prompt: '   ' }, 'Prompt is required and cannot be empty, got "   "'],
		[{ options: { numInferenceSteps: 51 } }, 'Inference Steps must be between 1 and 50, got 51'],
		[{ options: { guidanceScale: 0.5 } }, 'Guidance Scale must be between 1 and 20, got 0.5'],
		[{ options: { guidanceScale: 21 } }, 'Guidance Scale must be between 1 and 20, got 21'],
		[{ options: { clipSkip: 9 } }, 'Clip Skip must be between 1 and 8, got 9'],
		[{ options: { scheduler: 'FastScheduler' } }, 'Scheduler'],
		[{ options: { webhook: 'ftp://x' } }, 'Webhook URL must be an http(s) URL, got "ftp://x"'],
		[{ options: { injectedNoiseAlpha: 1.5 } }, 'Flux: Injected Noise Alpha must be between 0 and 1, got 1.5'],
		[{ options: { trueCfgScale: 11 } }, 'Flux: True CFG Scale must be between 0 and 10, got 11'],
		[{ options: { numInferenceSteps: 10, zeroSteps: 12 } }, 'Flux: Zero Steps must be between 0 and the step count (10), got 12'],
		[{ options: { loras: { lora: [{ model: 'a', strength: 1.5 }] } } }, 'LoRAs: strength of "a" must be between 0.1 and 1, got 1.5'],
		[{ options: { loras: { lora: [{ model: 'a,b', strength: '0.5' }] } } }, 'LoRAs: 2 model(s) but 1 strength(s); give one strength per LoRA model'],
		[{ options: { loras: { lora: [{ model: ' ', strength: 1 }] } } }, 'LoRAs: each LoRA needs a model ID'],
	])('refuses %j with a message naming the field, value and range', (input, expected) => {
		const found = problems(standard(input));
		expect(found.join('\n')).toContain(expected);
	});

	it('refuses a prompt over 10000 characters', () => {
		expect(problems(standard({ prompt: 'x'.repeat(10001) })).join()).toMatch(/^Prompt must be at most 10000 characters, got "x{56}\.\.\.$/);
	});

	it('splits comma-separated LoRA cells into pairs', () => {
		const result = standard({ options: { loras: { lora: [{ model: 'a, b', strength: '0.5,0.9' }] } } });
		expect(result.ok && toRequestBody(result.data)).toMatchObject({ lora_model: 'a,b', lora_strength: '0.5,0.9' });
	});

	it('reports every problem at once', () => {
		expect(problems(standard({ width: 4000, samples: 9 }))).toHaveLength(2);
	});
});

describe('enterprise text2img schema (extends the base)', () => {
	it('requires a model', () => {
		expect(problems(enterprise({ modelId: '' })).join()).toContain('Model is required on the enterprise endpoint');
	});

	it.each([21, 31, 41, '31'])('accepts %j steps', (steps) => {
		const result = enterprise({ options: { numInferenceSteps: steps } });
		expect(result.ok && toRequestBody(result.data).num_inference_steps).toBe(Number(steps));
	});

	it.each([30, 20, 50])('refuses %j steps before any request', (steps) => {
		expect(problems(enterprise({ options: { numInferenceSteps: steps } })).join()).toBe(
			`Inference Steps must be one of 21, 31, 41, got ${steps}`,
		);
	});

	it('has no flux options', () => {
		expect(problems(enterprise({ options: { injectedNoiseAlpha: 0.5 } })).join()).toBe(
			'Options: injectedNoiseAlpha is not available for this operation',
		);
	});
});
