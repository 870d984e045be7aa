/**
 * The importable examples are built as a user building them by hand today would: their ModelsLab nodes
 * are at the version n8n gives a new node (the highest one, README "Examples"), and name only types and
 * operations the node has.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

import { ModelsLab } from '../../nodes/ModelsLab/ModelsLab.node';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');
const description = new ModelsLab().description;
const versions = description.version as number[];
const operationProperty = description.properties.find((p) => p.name === 'operation');
const operations = (operationProperty?.options ?? []).map((o) => (o as { value: string }).value);

type ExampleNode = { name: string; type: string; typeVersion: number; parameters: { operation?: string } };
const modelsLabNodes = readdirSync(EXAMPLES)
	.filter((file) => file.endsWith('.json'))
	.flatMap((file) =>
		(JSON.parse(readFileSync(path.join(EXAMPLES, file), 'utf8')) as { nodes: ExampleNode[] }).nodes
			.filter((node) => node.type.startsWith('n8n-nodes-modelslab.'))
			.map((node) => ({ file, ...node })),
	);

describe('examples/', () => {
	it('has ModelsLab nodes in each of its seven files, and the node has versions 1 and 2', () => {
		expect(new Set(modelsLabNodes.map((node) => node.file)).size).toBe(7);
		expect(versions).toEqual([1, 2]);
	});

	it.each(modelsLabNodes.map((node) => [`${node.file}: ${node.name}`, node] as const))(
		'%s is the node (or its tool) at the version a new node gets, with one of its operations',
		(_, node) => {
			expect(node.type).toMatch(/^n8n-nodes-modelslab\.modelsLab(Tool)?$/);
			expect(node.typeVersion).toBe(Math.max(...versions));
			// n8n saves no operation equal to the default
			expect(operations).toContain(node.parameters.operation ?? operationProperty?.default);
		},
	);
});
