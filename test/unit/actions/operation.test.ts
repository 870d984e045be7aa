import { operations } from '../../../nodes/ModelsLab/actions/image';
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
		expect(operationCredentials(operations)).toEqual([
			{
				name: 'modelsLabApi',
				required: true,
				displayOptions: { show: { operation: ['text2img', 'fetchResult'] }, hide: { api: ['enterprise'] } },
			},
			{
				name: 'modelsLabEnterpriseApi',
				required: true,
				displayOptions: { show: { operation: ['enterpriseText2img', 'fetchResult'] }, hide: { api: ['standard'] } },
			},
		]);
	});

	it('dispatches by saved value only', () => {
		expect(findOperation(operations, 'fetchResult')?.facts.value).toBe('fetchResult');
		expect(findOperation(operations, 'toString')).toBeUndefined();
		expect(findOperation(operations, 'description')).toBeUndefined();
	});
});
