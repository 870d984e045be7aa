/** Fetch Result: collect a job by its request ID, later or after a crash, without paying again. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { waitAndOutputFields } from '../../parameters/outputFields';
import { videoWaitAndOutputFields } from '../../parameters/videoFields';
import { startJobContext } from '../../job/context';
import { collectJob } from '../../job/runJob';
import { describeValue, parseParameters, readField } from '../../parameters/validate';
import { LIMITS } from '../../schemas/limits';
import { fetchApiSchema } from '../../schemas/settings';
import { API_KINDS, APIS } from '../../api/apis';
import type { ApiKind } from '../../api/apis';
import type { Operation, OperationFacts } from '../operation';
import { API_PARAMETER } from '../operation';

const defaultApi = API_KINDS[0];
const REQUEST_ID = new RegExp(`^[\\w.-]{1,${LIMITS.requestId.max}}$`);

/**
 * The wait and output fields: the image operations' own, and for API Video v7 the video operations'
 * variant of each field that differs (900 s, 200 MB, video wording), under the same saved names. n8n
 * shows, fills in and saves the variant whose display options match, so every other API keeps its defaults.
 */
function fetchWaitAndOutputFields(): INodeProperties[] {
	const video = videoWaitAndOutputFields();
	return waitAndOutputFields.flatMap((field, index) =>
		video[index] === field
			? [field]
			: [
					...updateDisplayOptions({ hide: { [API_PARAMETER]: ['v7Video'] } }, [field]),
					...updateDisplayOptions({ show: { [API_PARAMETER]: ['v7Video'] } }, [video[index]]),
				],
	);
}

/** Which jobs an API holds: those of the operations that create jobs on it, in the registry's order. */
function jobsOf(kind: ApiKind, makers: readonly Operation[]): string {
	// an operation's name without the models it lists: "Generate Image"
	const names = makers.filter(({ facts }) => facts.apis.includes(kind)).map(({ facts }) => facts.name.replace(/ \(.*\)$/, ''));
	const listed = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names.join('');
	return `Jobs from ${listed} (${APIS[kind].jobsNote})`;
}

const facts: OperationFacts<'fetchResult'> = {
	value: 'fetchResult',
	name: 'Fetch Result',
	action: 'Fetch the result of a generation',
	description: 'Collect the images or video of an earlier request by its ID',
	apis: API_KINDS,
};

function fields(makers: readonly Operation[]): INodeProperties[] {
	// one option per API of the table: its label, the jobs it holds; the credential follows from it
	const apiChoices = API_KINDS.map((kind) => ({ name: APIS[kind].label, value: kind, description: jobsOf(kind, makers) }));
	return [
	{
		displayName: 'Request ID',
		name: 'requestId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '13441520',
		description:
			'The request ID an operation returned, e.g. from the ID field of its output items or a sheet column',
	},
	{
		displayName: 'API',
		name: API_PARAMETER,
		type: 'options',
		options: apiChoices,
		default: defaultApi,
		description: 'Which API created the job (an operation\'s errors name it); it picks the credential and the fetch route',
	},
	...fetchWaitAndOutputFields(),
	];
}

/** Fetch Result for the jobs of `makers`, the operations of the registry that create jobs. */
export function fetchResultOperation(makers: readonly Operation[]): Operation<'fetchResult'> {
	const description = fields(makers);
	return {
		facts,
		description,
		async execute(this: IExecuteFunctions, itemIndex: number) {
			return await collect.call(this, itemIndex, description);
		},
	};
}

async function collect(this: IExecuteFunctions, itemIndex: number, description: INodeProperties[]): Promise<INodeExecutionData[]> {
	// the ID is checked before the API is read
	const rawId = readField.call(this, description, 'requestId', itemIndex);
	const requestId = typeof rawId === 'number' || typeof rawId === 'string' ? String(rawId).trim() : '';
	if (!REQUEST_ID.test(requestId)) {
		throw new NodeOperationError(
			this.getNode(),
			`Request ID must be the ID an operation returned (letters, digits, "-", "_" or "."), got ${describeValue(rawId)}`,
			{ itemIndex, description: 'Nothing was sent to ModelsLab.' },
		);
	}
	const { api } = parseParameters(
		this.getNode(),
		fetchApiSchema,
		{ [API_PARAMETER]: readField.call(this, description, API_PARAMETER, itemIndex) },
		description,
		itemIndex,
	);
	// the job's format is not in its answer
	const context = await startJobContext.call(this, APIS[api], itemIndex, null, undefined, APIS[api].produces);
	return await collectJob.call(this, requestId, context);
}
