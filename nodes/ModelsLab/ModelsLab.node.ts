import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { operationCredentials, operationSubtitle, resourceProperty } from './actions/operation';
import { allOperations, resources } from './actions/resources';
import { router } from './actions/router';
import { concurrencyField, requestOptionsField } from './parameters/outputFields';
import { searchModels, searchV7ImageModels, searchV7VideoModels } from './methods/listSearch';

/**
 * A programmatic node with one way in, `execute()` → router: the operations wait, cap concurrency,
 * stop on cancel and build binaries, which declarative routing cannot do. The description is static
 * data, derived from the operations' registry when the module loads.
 */
export class ModelsLab implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'ModelsLab',
		name: 'modelsLab',
		icon: { light: 'file:modelslab.svg', dark: 'file:modelslab.dark.svg' },
		group: ['transform'],
		// 2: an answer without a usable request id gives `id: null` (1: "unknown"); see CHANGELOG.md. New nodes
		// get the highest. No `defaultVersion`: with it, n8n 2.41's editor hides the Operation field
		version: [1, 2],
		subtitle: operationSubtitle(allOperations),
		description: 'Generate and edit images and make short videos with ModelsLab: Imagen, Nano Banana Pro, Seedream, FLUX.2, Flux, Seedance, Kling, Veo and more',
		defaults: { name: 'ModelsLab' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: operationCredentials(allOperations),
		properties: [
			resourceProperty(resources.map((entry) => entry.resource)),
			...resources.flatMap((entry) => entry.description),
			concurrencyField,
			requestOptionsField,
		],
	};

	methods = { listSearch: { searchModels, searchV7ImageModels, searchV7VideoModels } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
