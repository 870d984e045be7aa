import type { INode, INodeProperties } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { operations } from '../../../nodes/ModelsLab/actions/image';
import { findOperation } from '../../../nodes/ModelsLab/actions/operation';
import * as text2img from '../../../nodes/ModelsLab/actions/image/text2img.operation';
import { waitAndOutputFields } from '../../../nodes/ModelsLab/parameters/outputFields';
import { ModelsLab } from '../../../nodes/ModelsLab/ModelsLab.node';

const EDITING = ['img2img', 'inpaint', 'upscale', 'removeBackground', 'outpaint', 'objectRemoval'] as const;
const names = (properties: INodeProperties[]) => properties.map((property) => property.name);
const optionNames = (properties: INodeProperties[]) =>
	(properties.find((property) => property.name === 'options')?.options ?? []).map((option) => option.name);

/** The parameters n8n resolves for a node of this type (defaults filled in, hidden ones dropped). */
function resolved(toolNode: boolean, parameters: Record<string, unknown>) {
	const description = new ModelsLab().description;
	const typeDescription = toolNode ? { ...description, name: `${description.name}Tool` } : description;
	const node = { parameters, typeVersion: 1 } as unknown as INode;
	return NodeHelpers.getNodeParameters(description.properties, node.parameters, true, false, node, typeDescription);
}

describe('the editing operations\' fields', () => {
	it('each has the image input, its mask where it takes one, and the wait/output fields', () => {
		for (const value of EDITING) {
			const fields = names(findOperation(operations, value)!.description);
			expect(fields.slice(0, 4)).toEqual(['imageSource', 'imageSource', 'inputBinaryField', 'imageUrl']);
			expect(fields.includes('maskBinaryField')).toBe(value === 'inpaint' || value === 'objectRemoval');
			// the shared wait/output fields, the same list Text to Image ends with
			expect(fields.slice(0, 4).concat(fields.slice(-names(waitAndOutputFields).length))).toEqual([
				'imageSource',
				'imageSource',
				'inputBinaryField',
				'imageUrl',
				...names(waitAndOutputFields),
			]);
			expect(names(waitAndOutputFields).slice(0, 3)).toEqual(['waitForCompletion', 'maxWaitTime', 'output']);
		}
	});

	it('Image to Image and Inpaint take Text to Image\'s fields minus the size, and the options these routes document', () => {
		const img2img = findOperation(operations, 'img2img')!.description;
		expect(names(img2img).slice(4, 10)).toEqual(['modelId', 'prompt', 'negativePrompt', 'strength', 'samples', 'options']);
		expect(optionNames(img2img)).toEqual([
			'algorithmType', 'base64', 'clipSkip', 'enhancePrompt', 'guidanceScale', 'numInferenceSteps', 'loras',
			'safetyChecker', 'safetyCheckerType', 'scheduler', 'seed', 'temp', 'trackId', 'useKarrasSigmas', 'vae', 'webhook',
		]);
		// the same definitions as Text to Image's (one factory), where the route documents the same thing
		const shared = (name: string) => [img2img, text2img.description].map((d) => d.find((p) => p.name === 'options')?.options?.find((o) => o.name === name));
		for (const name of ['guidanceScale', 'scheduler', 'loras', 'seed', 'vae']) expect(shared(name)[0]).toEqual(shared(name)[1]);
		expect(findOperation(operations, 'inpaint')!.description.find((p) => p.name === 'options')).toEqual(img2img.find((p) => p.name === 'options'));
	});

	it('the image source defaults to binary on the node and to URL as an AI tool (@tool)', () => {
		for (const operation of EDITING) {
			expect(resolved(false, { operation })).toMatchObject({ imageSource: 'binary', inputBinaryField: 'data' });
			expect(resolved(true, { operation })).toMatchObject({ imageSource: 'url', imageUrl: '' });
			expect(resolved(true, { operation })).not.toHaveProperty('inputBinaryField');
		}
		expect(resolved(false, { operation: 'inpaint' })).toMatchObject({ maskSource: 'binary', maskBinaryField: 'mask' });
	});

	it('documented defaults: strength 0.7, Upscale x2 with realesr-general-x4v3, Outpaint 1280x720 overlap 10 "high quality"', () => {
		expect(resolved(false, { operation: 'img2img' })).toMatchObject({ strength: 0.7, samples: 1 });
		expect(resolved(false, { operation: 'upscale' })).toMatchObject({ upscaleModel: 'realesr-general-x4v3', scale: 2, faceEnhance: false });
		expect(resolved(false, { operation: 'outpaint' })).toMatchObject({ prompt: 'high quality', width: 1280, height: 720, overlapWidth: 10 });
	});
});
