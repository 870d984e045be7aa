import type { INodeProperties } from 'n8n-workflow';

import { LIMITS, rangeText } from '../schemas/limits';

/** How every operation waits for a job and hands its images to the next node. */
export const waitAndOutputFields: INodeProperties[] = [
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description:
			'Whether to wait until the images are ready. Off: output the request ID and status at once, and collect the images later with Fetch Result.',
	},
	{
		displayName: 'Max Wait Time (Seconds)',
		name: 'maxWaitTime',
		type: 'number',
		typeOptions: { minValue: LIMITS.maxWaitTime.min, maxValue: LIMITS.maxWaitTime.max },
		default: 300,
		displayOptions: { show: { waitForCompletion: [true] } },
		description: `How long to wait for a queued job, ${rangeText(LIMITS.maxWaitTime)} s. Past it the item fails with the request ID, which Fetch Result can collect later.`,
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{
				name: 'Binary Files',
				value: 'binary',
				description: 'Download each image into a binary file on its item',
			},
			{
				name: 'Image URLs',
				value: 'urls',
				description: 'Only the links (they expire: temp links after 24 h)',
			},
		],
		default: 'binary',
		description: 'What the next node receives for each image',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { output: ['binary'] } },
		hint: 'The name of the binary field each image is stored in',
		description: 'The binary field each image is put in',
	},
	{
		displayName: 'Max Image Size (MB)',
		name: 'maxImageSize',
		type: 'number',
		typeOptions: { minValue: LIMITS.maxImageSize.min, maxValue: LIMITS.maxImageSize.max, numberPrecision: 2 },
		default: 50,
		displayOptions: { show: { output: ['binary'] } },
		description: `The largest image to download, ${rangeText(LIMITS.maxImageSize)} MB. A larger one fails its item instead of filling n8n's memory.`,
	},
];

/** A node-level setting: how many items run against the account's queue at once. */
export const concurrencyField: INodeProperties = {
	displayName: 'Concurrency',
	name: 'concurrency',
	type: 'number',
	typeOptions: { minValue: LIMITS.concurrency.min, maxValue: LIMITS.concurrency.max },
	default: 5,
	description: `Items processed at the same time, ${rangeText(LIMITS.concurrency)}. Set to your plan's queue limit (5 pay-as-you-go, 10 or 15 on bigger plans).`,
};
