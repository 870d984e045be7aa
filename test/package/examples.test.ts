/**
 * The importable examples are built as a user building them by hand today would: their ModelsLab nodes
 * are at the version n8n gives a new node (the highest one, docs/where-it-runs.md "Node versions"), and name only types and
 * operations the node has.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

import { ModelsLab } from '../../nodes/ModelsLab/ModelsLab.node';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');
const description = new ModelsLab().description;
const versions = description.version as number[];
const resourceProperty = description.properties.find((p) => p.name === 'resource');
/** Each resource's Operation field (shown for that resource only), by the resource's value. */
const operationPropertyOf = (resource: string) =>
	description.properties.find((p) => p.name === 'operation' && (p.displayOptions?.show?.resource ?? []).includes(resource));
const operationsOf = (resource: string) => (operationPropertyOf(resource)?.options ?? []).map((o) => (o as { value: string }).value);

type ExampleNode = { name: string; type: string; typeVersion: number; parameters: { resource?: string; operation?: string } };
const modelsLabNodes = readdirSync(EXAMPLES)
	.filter((file) => file.endsWith('.json'))
	.flatMap((file) =>
		(JSON.parse(readFileSync(path.join(EXAMPLES, file), 'utf8')) as { nodes: ExampleNode[] }).nodes
			.filter((node) => node.type.startsWith('n8n-nodes-modelslab.'))
			.map((node) => ({ file, ...node })),
	);

describe('examples/', () => {
	it('has ModelsLab nodes in each of its eight files, and the node has versions 1 and 2', () => {
		expect(new Set(modelsLabNodes.map((node) => node.file)).size).toBe(8);
		expect(versions).toEqual([1, 2]);
	});

	it('has the resources Image (the default) and Video, each with its own Operation field', () => {
		expect(resourceProperty?.default).toBe('image');
		expect((resourceProperty?.options ?? []).map((o) => (o as { value: string }).value)).toEqual(['image', 'video']);
		expect(operationsOf('video')).toEqual(['imageToVideo', 'textToVideo']);
		expect(operationsOf('image')).toContain('text2img');
	});

	it('examples/08 makes a reel with Video → Image to Video, Seedance', () => {
		const reel = modelsLabNodes.filter((node) => node.file === '08-product-reels.json');
		expect(reel.map((node) => [node.type, node.parameters.resource, node.parameters.operation])).toEqual([
			['n8n-nodes-modelslab.modelsLab', 'video', 'imageToVideo'],
		]);
		expect(reel[0].parameters).toMatchObject({ model: 'seedance-i2v', imageSource: 'binary', inputBinaryField: 'data', output: 'binary', fileName: '={{ $json.sku }}-reel' });
	});

	it.each(modelsLabNodes.map((node) => [`${node.file}: ${node.name}`, node] as const))(
		'%s is the node (or its tool) at the version a new node gets, with one of its operations',
		(_, node) => {
			expect(node.type).toMatch(/^n8n-nodes-modelslab\.modelsLab(Tool)?$/);
			expect(node.typeVersion).toBe(Math.max(...versions));
			// n8n saves no resource or operation equal to its default
			const resource = node.parameters.resource ?? (resourceProperty?.default as string);
			expect(operationsOf(resource)).toContain(node.parameters.operation ?? operationPropertyOf(resource)?.default);
		},
	);
});
