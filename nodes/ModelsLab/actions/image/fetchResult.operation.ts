import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { waitAndOutputFields } from '../../descriptions/outputFields';
import { fetchJob, settleJob, startJobContext } from '../../helpers/jobs';
import { describeValue, parseParameters } from '../../helpers/validateParameters';
import { fetchApiSchema } from '../../schemas/settings';
import { APIS } from '../../transport/apis';

/** Fetch Result: collect a job by its request ID, later or after a crash, without paying again. */

const properties: INodeProperties[] = [
	{
		displayName: 'Request ID',
		name: 'requestId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '13441520',
		description:
			'The request ID a text2img call returned, e.g. from the ID field of its output items or a sheet column',
	},
	{
		displayName: 'API',
		name: 'api',
		type: 'options',
		options: [
			{ name: 'Standard', value: 'standard', description: 'Jobs from Text2Img (v6)' },
			{
				name: 'Enterprise',
				value: 'enterprise',
				description: 'Jobs from Enterprise Text2Img (uses the enterprise credential)',
			},
		],
		default: 'standard',
		description: 'Which API created the job; it picks the credential and the fetch route',
	},
	...waitAndOutputFields,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['fetchResult'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const rawId = this.getNodeParameter('requestId', itemIndex, '') as unknown;
	const requestId = typeof rawId === 'number' || typeof rawId === 'string' ? String(rawId).trim() : '';
	if (!/^[\w.-]{1,100}$/.test(requestId)) {
		throw new NodeOperationError(
			this.getNode(),
			`Request ID must be the ID a text2img call returned (letters, digits, "-", "_" or "."), got ${describeValue(rawId)}`,
			{ itemIndex, description: 'Nothing was sent to ModelsLab.' },
		);
	}
	const { api } = parseParameters(
		this.getNode(),
		fetchApiSchema,
		{ api: this.getNodeParameter('api', itemIndex, 'standard') },
		properties,
		itemIndex,
	);
	const context = await startJobContext.call(this, APIS[api], itemIndex);
	const answer = await fetchJob.call(this, requestId, context);
	return await settleJob.call(this, answer, context, requestId);
}
