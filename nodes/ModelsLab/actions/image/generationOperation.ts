import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { generationFields } from '../../descriptions/generationFields';
import { waitAndOutputFields } from '../../descriptions/outputFields';
import { createJob, settleJob, startJobContext } from '../../helpers/jobs';
import { parseParameters } from '../../helpers/validateParameters';
import type { ApiKind } from '../../transport/apis';
import { APIS } from '../../transport/apis';
import { toRequestBody } from '../../schemas/requestBody';
import type { GenerationSchema } from '../../schemas/text2img';

/**
 * Both text2img operations are this one definition with a different endpoint and schema:
 * same fields (from the factory), same validation, same create-then-settle flow.
 */

export interface OperationModule {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]>;
}

function readInput(this: IExecuteFunctions, itemIndex: number): IDataObject {
	return {
		modelId: this.getNodeParameter('modelId', itemIndex, '', { extractValue: true }),
		prompt: this.getNodeParameter('prompt', itemIndex, ''),
		negativePrompt: this.getNodeParameter('negativePrompt', itemIndex, ''),
		width: this.getNodeParameter('width', itemIndex),
		height: this.getNodeParameter('height', itemIndex),
		samples: this.getNodeParameter('samples', itemIndex),
		options: this.getNodeParameter('options', itemIndex, {}),
	};
}

export function generationOperation(
	operation: string,
	kind: ApiKind,
	schema: GenerationSchema,
): OperationModule {
	const properties = [...generationFields(kind), ...waitAndOutputFields];
	return {
		description: updateDisplayOptions({ show: { resource: ['image'], operation: [operation] } }, properties),
		async execute(this: IExecuteFunctions, itemIndex: number) {
			const params = parseParameters(this.getNode(), schema, readInput.call(this, itemIndex), properties, itemIndex);
			const context = await startJobContext.call(this, APIS[kind], itemIndex);
			const answer = await createJob.call(this, toRequestBody(params), context);
			return await settleJob.call(this, answer, context);
		},
	};
}
