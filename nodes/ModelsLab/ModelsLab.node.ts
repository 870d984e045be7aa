import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as image from './actions/image';
import { router } from './actions/router';
import { concurrencyField } from './descriptions/outputFields';
import { searchModels } from './methods/listSearch';

/**
 * Declarative description; the operations run through `customOperations`, because they wait,
 * cap concurrency, stop on cancel and build binaries, which routing alone cannot do.
 */
export class ModelsLab implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'ModelsLab',
		name: 'modelsLab',
		icon: { light: 'file:modelslab.svg', dark: 'file:modelslab.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ $parameter["operation"] === "fetchResult" ? "Fetch Result" : $parameter["operation"] === "enterpriseText2img" ? "Enterprise Text to Image" : "Text to Image" }}',
		description: 'Generate images with ModelsLab: Flux, SDXL and community models',
		defaults: { name: 'ModelsLab' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'modelsLabApi',
				required: true,
				displayOptions: { show: { operation: ['text2img', 'fetchResult'] }, hide: { api: ['enterprise'] } },
			},
			{
				name: 'modelsLabEnterpriseApi',
				required: true,
				displayOptions: {
					show: { operation: ['enterpriseText2img', 'fetchResult'] },
					hide: { api: ['standard'] },
				},
			},
		],
		requestDefaults: {
			baseURL: '={{ $credentials.baseUrl }}',
			headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
		},
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Image', value: 'image' }],
				default: 'image',
			},
			...image.description,
			concurrencyField,
		],
	};

	methods = { listSearch: { searchModels } };

	customOperations = {
		image: {
			text2img: router,
			enterpriseText2img: router,
			fetchResult: router,
		},
	};

	/**
	 * Only for AI-tool use: n8n runs a declarative node that has no `execute` as a tool through its
	 * routing engine, which skips customOperations. Normal runs take customOperations first.
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
