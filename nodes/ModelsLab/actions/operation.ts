/**
 * What an operation is, and what the node derives from its registry: the operation options, the
 * subtitle, the credentials and the dispatch. The derivations run once, at module load, so the
 * node's description stays static data.
 */
import type {
	IExecuteFunctions,
	INodeCredentialDescription,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ApiKind } from '../api/apis';
import { API_KINDS, APIS } from '../api/apis';

/** The parameter by which an operation that calls several APIs (Fetch Result) picks one. */
export const API_PARAMETER = 'api';

export interface OperationFacts<Value extends string = string> {
	/** As saved in workflows. */
	value: Value;
	/** The label in the operation list and the subtitle. */
	name: string;
	action: string;
	description: string;
	/** The APIs it calls: one, or those its `api` parameter offers. They pick the credentials. */
	apis: readonly ApiKind[];
	/** Its create route, on its API; none for an operation that creates no job (Fetch Result). */
	route?: string;
	/** The API whose model_list the model picker searches; absent when it has no model field. */
	modelList?: ApiKind;
}

export interface Operation<Value extends string = string> {
	facts: OperationFacts<Value>;
	/** Its fields; the registry shows them only for it. */
	description: INodeProperties[];
	execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]>;
}

export interface Resource {
	/** The label in the Resource list. */
	name: string;
	/** As saved in workflows. */
	value: string;
}

/** The Resource field: one option per resource, the first is the default. */
export function resourceProperty(resources: readonly Resource[]): INodeProperties {
	const defaultResource = resources[0].value;
	return {
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: resources.map(({ name, value }) => ({ name, value })),
		default: defaultResource,
	};
}

/** The Operation field of a resource: one option per operation, the first is the default. */
export function operationProperty(resource: string, operations: readonly Operation[]): INodeProperties {
	const defaultOperation = operations[0].facts.value;
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource] } },
		options: operations.map(({ facts }) => ({
			name: facts.name,
			value: facts.value,
			action: facts.action,
			description: facts.description,
		})),
		default: defaultOperation,
	};
}

/** The fields of every operation, each shown only for its resource and operation. */
export function operationFields(resource: string, operations: readonly Operation[]): INodeProperties[] {
	return operations.flatMap(({ facts, description }) =>
		updateDisplayOptions({ show: { resource: [resource], operation: [facts.value] } }, description),
	);
}

/** An expression naming the chosen operation, as the editor shows it under the node. */
export function operationSubtitle(operations: readonly Operation[]): string {
	const [fallback, ...others] = operations;
	const choices = others
		.map(({ facts }) => `$parameter["operation"] === ${JSON.stringify(facts.value)} ? ${JSON.stringify(facts.name)} : `)
		.join('');
	return `={{ ${choices}${JSON.stringify(fallback.facts.name)} }}`;
}

/** Each credential, shown for the operations that call an API using it and hidden for the others' `api` choice. */
export function operationCredentials(operations: readonly Operation[]): INodeCredentialDescription[] {
	const credentialTypes = [...new Set(API_KINDS.map((kind) => APIS[kind].credentialType))];
	return credentialTypes.map((name) => {
		const uses = (kind: ApiKind) => APIS[kind].credentialType === name;
		return {
			name,
			required: true,
			displayOptions: {
				show: { operation: operations.filter(({ facts }) => facts.apis.some(uses)).map(({ facts }) => facts.value) },
				hide: { [API_PARAMETER]: API_KINDS.filter((kind) => !uses(kind)) },
			},
		};
	});
}

/** The operation saved under `value`, or undefined for one this version does not have. */
export function findOperation<O extends Operation>(operations: readonly O[], value: unknown): O | undefined {
	return operations.find(({ facts }) => facts.value === value);
}
