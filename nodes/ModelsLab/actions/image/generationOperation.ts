import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { DEFAULT_DIMENSION, generationFields } from '../../parameters/generationFields';
import { waitAndOutputFields } from '../../parameters/outputFields';
import { startJobContext } from '../../job/context';
import { runJob } from '../../job/runJob';
import { parseParameters } from '../../parameters/validate';
import { CUSTOM_FORMAT, withFormatSize } from '../../schemas/formats';
import { toRequestBody } from '../../schemas/requestBody';
import type { GenerationSchema } from '../../schemas/text2img';
import type { ApiKind } from '../../api/apis';
import { APIS } from '../../api/apis';
import type { Operation, OperationFacts } from '../operation';

/** A generation operation's facts: those of any operation, on one API whose models it offers. */
export type GenerationFacts<Value extends string> = Omit<OperationFacts<Value>, 'apis' | 'modelList'> & {
	api: Extract<ApiKind, 'standard' | 'enterprise'>;
};

function readInput(this: IExecuteFunctions, itemIndex: number): IDataObject {
	return withFormatSize({
		modelId: this.getNodeParameter('modelId', itemIndex, '', { extractValue: true }),
		prompt: this.getNodeParameter('prompt', itemIndex, ''),
		negativePrompt: this.getNodeParameter('negativePrompt', itemIndex, ''),
		format: this.getNodeParameter('format', itemIndex, CUSTOM_FORMAT),
		// n8n drops Width and Height when Format hides them: a preset's size takes their place, and any other
		// value fails on Format itself
		width: this.getNodeParameter('width', itemIndex, DEFAULT_DIMENSION),
		height: this.getNodeParameter('height', itemIndex, DEFAULT_DIMENSION),
		samples: this.getNodeParameter('samples', itemIndex),
		options: this.getNodeParameter('options', itemIndex, {}),
	});
}

/**
 * Both text2img operations are this one definition with a different API and schema:
 * same fields (from the factory), same validation, same create-then-settle flow.
 */
export function generationOperation<Value extends string>(
	{ api: kind, ...facts }: GenerationFacts<Value>,
	schema: GenerationSchema,
): Operation<Value> {
	const properties = [...generationFields(kind), ...waitAndOutputFields];
	return {
		facts: { ...facts, apis: [kind], modelList: kind },
		description: properties,
		async execute(this: IExecuteFunctions, itemIndex: number) {
			const params = parseParameters(this.getNode(), schema, readInput.call(this, itemIndex), properties, itemIndex);
			const context = await startJobContext.call(this, APIS[kind], itemIndex, params.format);
			return await runJob.call(this, { identity: [facts.value, params], body: async () => toRequestBody(params) }, context);
		},
	};
}
