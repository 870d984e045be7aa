import type { INodeProperties } from 'n8n-workflow';

import { LIMITS, rangeText } from '../schemas/limits';

/** Output: binary files or links. Its default differs as a tool (below). */
const outputField: INodeProperties = {
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
};

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
	// as an AI Agent tool, Output defaults to Image URLs: n8n drops a tool's binary data anyway. n8n does not save
	// values equal to their default, so the default itself differs by mode, through n8n's `@tool` display option.
	{ ...outputField, default: 'binary', displayOptions: { hide: { '@tool': [true] } } },
	{ ...outputField, default: 'urls', displayOptions: { show: { '@tool': [true] } } },
	{
		displayName: 'Include Metadata',
		name: 'includeMetadata',
		type: 'boolean',
		default: false,
		displayOptions: { show: { '@tool': [true] } },
		description:
			"Whether to add each image's meta (prompt, model, all parameters) to the tool's answer. Off: the agent gets only ID, image URL, seed, width, height, format and status per image.",
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
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.sku }}-story',
		displayOptions: { show: { output: ['binary'] } },
		description:
			'The name of each image file, e.g. from a sheet column. The node ends it with the extension read from the image, adds the image index ("-0", "-1" …) when one item gives several images, and turns slashes and control characters into "_". Empty: modelslab-(request ID)-(image index).',
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
	description: `Items whose jobs run at the same time, ${rangeText(LIMITS.concurrency)}. Set to your plan's queue limit (5 pay-as-you-go, 10 or 15 on bigger plans). A finished job's files download while the next item starts.`,
};

/**
 * n8n's own Request Options, with n8n's names and shape: n8n adds them only to nodes without
 * `execute`, so this node declares them itself. Shown under Settings, for every operation.
 */
export const requestOptionsField: INodeProperties = {
	displayName: 'Request Options',
	name: 'requestOptions',
	type: 'collection',
	isNodeSetting: true,
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: 'allowUnauthorizedCerts',
			type: 'boolean',
			noDataExpression: true,
			default: false,
			description: 'Whether to connect even if SSL certificate validation is not possible',
			hint: 'Insecure: whoever can intercept the connection then also gets the API key',
		},
		{
			displayName: 'Proxy',
			name: 'proxy',
			type: 'string',
			default: '',
			placeholder: 'e.g. http://myproxy:3128',
			description:
				'HTTP proxy for API calls and image downloads. If authentication is required it can be defined as follow: http://username:password@myproxy:3128.',
		},
		{
			displayName: 'Timeout',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: LIMITS.requestTimeout.min, maxValue: LIMITS.requestTimeout.max },
			default: 10000,
			description:
				'Time in ms to wait for the server to send response headers (and start the response body) before aborting the request. Applies to fetches and image downloads; a generation request always gets at least 120000 ms, because an accepted one is billed.',
		},
	],
};
