import type { IExecuteFunctions } from 'n8n-workflow';

import { generationFields } from '../../parameters/generationFields';
import { waitAndOutputFields } from '../../parameters/outputFields';
import { startJobContext } from '../../job/context';
import { runJob } from '../../job/runJob';
import { parseParameters, readFields } from '../../parameters/validate';
import { withFormatSize } from '../../schemas/formats';
import { toRequestBody } from '../../schemas/requestBody';
import type { GenerationSchema } from '../../schemas/text2img';
import type { ApiKind } from '../../api/apis';
import { APIS } from '../../api/apis';
import type { Operation, OperationFacts } from '../operation';

/** A generation operation's facts: those of any operation, on one API whose models it offers. */
type GenerationFacts<Value extends string> = Omit<OperationFacts<Value>, 'apis' | 'modelList' | 'route'> & {
	api: Extract<ApiKind, 'standard' | 'enterprise'>;
	route: string;
};

/**
 * Both text2img operations are this one definition with a different API and schema:
 * same fields (from the factory), same validation, same create-then-settle flow.
 */
export function generationOperation<Value extends string>(
	{ api: kind, ...facts }: GenerationFacts<Value>,
	schema: GenerationSchema,
): Operation<Value> {
	const fields = generationFields(kind);
	const properties = [...fields, ...waitAndOutputFields];
	return {
		facts: { ...facts, apis: [kind], modelList: kind },
		description: properties,
		async execute(this: IExecuteFunctions, itemIndex: number) {
			const params = parseParameters(this.getNode(), schema, withFormatSize(readFields.call(this, fields, itemIndex)), properties, itemIndex);
			const context = await startJobContext.call(this, APIS[kind], itemIndex, params.format);
			return await runJob.call(this, { route: facts.route, identity: [facts.value, params], body: async () => toRequestBody(params) }, context);
		},
	};
}
