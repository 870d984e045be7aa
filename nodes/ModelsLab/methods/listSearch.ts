import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { operations } from '../actions/image';
import { findOperation } from '../actions/operation';
import { requestOptionsSchema } from '../schemas/settings';
import { modelsFor } from '../catalogs/images';
import { videoModelsFor } from '../catalogs/videos';
import { API_KINDS, APIS, MODEL_LIST_PATH, V7_MODELS_PATH } from '../api/apis';
import { modelsLabApiRequest } from '../api/request';

/** The model picker: the account's models from model_list, filtered by what the user types. */
export async function searchModels(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const [defaultOperation] = operations;
	const operation = this.getNodeParameter('operation', defaultOperation.facts.value);
	// Fetch Result has no model field: the first API's list, as for any other
	const kind = findOperation(operations, operation)?.facts.modelList ?? API_KINDS[0];
	// the node's Request Options apply here too; while they are invalid the run reports it, the picker uses none
	const options = requestOptionsSchema.safeParse({ requestOptions: this.getNodeParameter('requestOptions', {}) });
	const answer = await modelsLabApiRequest.call(this, {
		api: APIS[kind],
		url: MODEL_LIST_PATH,
		purpose: 'lookup',
		settings: options.success ? options.data.requestOptions : undefined,
	});
	const models = (Array.isArray(answer) ? answer : ((answer as IDataObject).data ?? [])) as IDataObject[];
	const needle = (filter ?? '').trim().toLowerCase();
	const results = models
		.filter((model) => typeof model.model_id === 'string' && model.model_id !== '')
		.map((model) => {
			const id = model.model_id as string;
			const name = typeof model.model_name === 'string' && model.model_name ? model.model_name : id;
			return { name: name === id ? id : `${name} (${id})`, value: id };
		})
		.filter((model) => !needle || model.name.toLowerCase().includes(needle))
		.sort((a, b) => a.name.localeCompare(b.name));
	return { results };
}

/** The v7 models of a feature from `GET /api/v7/models`, or undefined where the key cannot list them. */
async function listV7Models(this: ILoadOptionsFunctions, feature: string, needle: string): Promise<Array<{ name: string; value: string }> | undefined> {
	try {
		const answer = (await modelsLabApiRequest.call(this, {
			api: APIS.v7Images,
			url: V7_MODELS_PATH,
			query: { feature, search: needle },
			purpose: 'lookup',
		})) as IDataObject;
		const data = answer.data as IDataObject[] | { items?: IDataObject[] } | undefined;
		const list = (Array.isArray(data) ? data : (data?.items ?? [])).filter((model) => typeof model.model_id === 'string' && model.model_id !== '');
		return list.map((model) => {
			const id = model.model_id as string;
			const name = typeof model.model_name === 'string' && model.model_name ? model.model_name : id;
			return { name: name === id ? id : `${name} (${id})`, value: id };
		});
	} catch {
		return undefined;
	}
}

/** Other Model ID's list: what ModelsLab lists for the feature, else the node's own catalog, matching what the user types. */
async function searchV7(this: ILoadOptionsFunctions, feature: string, catalog: Array<{ id: string; name: string }>, filter?: string): Promise<INodeListSearchResult> {
	const needle = (filter ?? '').trim().toLowerCase();
	const seen = new Set<string>();
	const models =
		(await listV7Models.call(this, feature, needle)) ??
		catalog.filter((model) => !seen.has(model.id) && seen.add(model.id)).map((model) => ({ name: `${model.name} (${model.id})`, value: model.id }));
	const results = models.filter((model) => !needle || model.name.toLowerCase().includes(needle)).sort((a, b) => a.name.localeCompare(b.name));
	return { results };
}

/** Generate Image and Edit Image: ModelsLab's v7 image models (`feature=imagen`); the fallback lists the operation's own. */
export async function searchV7ImageModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const direction = this.getNodeParameter('operation', 'generate') === 'edit' ? 'edit' : 'generate';
	return await searchV7.call(this, 'imagen', modelsFor(direction), filter);
}

/** The Video operations: ModelsLab's v7 video models (`feature=video_fusion`); the fallback lists the operation's own. */
export async function searchV7VideoModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const direction = this.getNodeParameter('operation', 'imageToVideo') === 'textToVideo' ? 'textToVideo' : 'imageToVideo';
	return await searchV7.call(this, 'video_fusion', videoModelsFor(direction), filter);
}
