import type { IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { NodeConnectionTypes, deepCopy } from 'n8n-workflow';

export const INPUT_NODE_TYPE = 'n8n-nodes-harness.input';
export const INPUT_NODE_NAME = 'Harness Input';

/**
 * Start node that emits a fixed list of items, standing in for "Manual Trigger + pinned data".
 * Each execution emits a fresh copy, so a node that mutates its input cannot leak into the fixture.
 * Items without `pairedItem` get `{ item: 0 }` (the single trigger item), like a real upstream node's.
 */
export function createInputNodeType(items: INodeExecutionData[]): INodeType {
	return {
		description: {
			displayName: 'Harness Input',
			name: 'input',
			group: ['input'],
			version: 1,
			description: 'Emits the items given to the test harness',
			defaults: { name: INPUT_NODE_NAME },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async execute(this: IExecuteFunctions) {
			return [items.map((item) => ({ pairedItem: { item: 0 }, ...deepCopy(item) }))];
		},
	};
}
