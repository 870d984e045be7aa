import { operations } from '../../../nodes/ModelsLab/actions/image';
import { allOperations } from '../../../nodes/ModelsLab/actions/resources';
import {
	findOperation,
	operationCredentials,
	operationProperty,
	operationSubtitle,
} from '../../../nodes/ModelsLab/actions/operation';

/** The subtitle as the editor evaluates it, for a saved operation value. */
function subtitleFor(operation: unknown): unknown {
	const expression = /^=\{\{(.*)\}\}$/s.exec(operationSubtitle(operations))?.[1];
	return new Function('$parameter', `return (${expression});`)({ operation });
}

describe('what the node derives from the operations registry', () => {
	it('lists every operation once, the first as the default', () => {
		const property = operationProperty('image', operations);
		expect(property.options?.map((option) => ('value' in option ? option.value : undefined))).toEqual(
			operations.map(({ facts }) => facts.value),
		);
		expect(property.default).toBe(operations[0].facts.value);
	});

	it('names the chosen operation in the subtitle, the default for anything else', () => {
		for (const { facts } of operations) expect(subtitleFor(facts.value)).toBe(facts.name);
		expect(subtitleFor(undefined)).toBe(operations[0].facts.name);
	});

	it('shows each credential for the operations calling an API that uses it', () => {
		expect(operationCredentials(allOperations)).toEqual([
			{
				name: 'modelsLabApi',
				required: true,
				displayOptions: {
					show: { operation: ['text2img', 'img2img', 'inpaint', 'upscale', 'removeBackground', 'outpaint', 'objectRemoval', 'fetchResult', 'generate', 'edit', 'imageToVideo', 'textToVideo'] },
					hide: { api: ['enterprise'] },
				},
			},
			{
				name: 'modelsLabEnterpriseApi',
				required: true,
				displayOptions: { show: { operation: ['enterpriseText2img', 'fetchResult'] }, hide: { api: ['standard', 'imageEditing', 'v7Images', 'v7Video'] } },
			},
		]);
	});

	it('dispatches by saved value only', () => {
		expect(findOperation(operations, 'fetchResult')?.facts.value).toBe('fetchResult');
		expect(findOperation(operations, 'toString')).toBeUndefined();
		expect(findOperation(operations, 'description')).toBeUndefined();
	});

	it("offers Fetch Result one API option per API of the table, each naming the jobs it holds", () => {
		const fetchResult = findOperation(operations, 'fetchResult')!;
		const api = fetchResult.description.find((property) => property.name === 'api');
		expect(api?.options).toEqual([
			{ name: 'Standard', value: 'standard', description: 'Jobs from Text to Image, Image to Image and Inpaint (v6 images)' },
			{ name: 'Enterprise', value: 'enterprise', description: 'Jobs from Enterprise Text to Image (uses the enterprise credential)' },
			{
				name: 'Image Editing',
				value: 'imageEditing',
				description: 'Jobs from Upscale, Remove Background, Outpaint and Remove Object (v6 image_editing)',
			},
			{ name: 'Images v7', value: 'v7Images', description: 'Jobs from Generate Image and Edit Image (v7 images)' },
			{ name: 'Video v7', value: 'v7Video', description: 'Jobs from Image to Video and Text to Video (v7 video-fusion)' },
		]);
		// every operation's API is one Fetch Result offers, so any job can be collected
		for (const { facts } of operations) for (const kind of facts.apis) expect(api?.options?.map((option) => ('value' in option ? option.value : ''))).toContain(kind);
	});
});

