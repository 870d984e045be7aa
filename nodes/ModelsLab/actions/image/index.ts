import type { INodeProperties } from 'n8n-workflow';

import * as enterpriseText2img from './enterpriseText2img.operation';
import * as fetchResult from './fetchResult.operation';
import * as text2img from './text2img.operation';

export { enterpriseText2img, fetchResult, text2img };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['image'] } },
		options: [
			{
				name: 'Text to Image',
				value: 'text2img',
				action: 'Generate images from text',
				description: 'Generate images from a prompt (POST /api/v6/images/text2img)',
			},
			{
				name: 'Enterprise Text to Image',
				value: 'enterpriseText2img',
				action: 'Generate images on enterprise servers',
				description: 'Generate on your dedicated servers (POST /api/v1/enterprise/text2img)',
			},
			{
				name: 'Fetch Result',
				value: 'fetchResult',
				action: 'Fetch the result of a generation',
				description: 'Collect the images of an earlier request by its ID',
			},
		],
		default: 'text2img',
	},
	...text2img.description,
	...enterpriseText2img.description,
	...fetchResult.description,
];
