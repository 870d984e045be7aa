import { join } from 'node:path';

import type { ImportGraph } from './importGraph';
import { checkImportGraph, readImportGraph } from './importGraph';

const NODE_ROOT = join(__dirname, '../../../nodes/ModelsLab');

describe('import graph of nodes/ModelsLab', () => {
	const graph = readImportGraph(NODE_ROOT);

	it('reads every module and its relative imports', () => {
		expect(graph.get('ModelsLab.node.ts')).toEqual(expect.arrayContaining(['actions/router.ts', 'actions/resources.ts']));
		expect(graph.get('actions/resources.ts')).toEqual(expect.arrayContaining(['actions/image/index.ts', 'actions/video/index.ts']));
		expect(graph.get('actions/image/index.ts')).toContain('actions/image/text2img.operation.ts');
		expect(graph.size).toBeGreaterThan(20);
	});

	it('has no file outside the layers, no upward import and no circle', () => {
		expect(checkImportGraph(graph)).toEqual([]);
	});
});

describe('the import-graph check itself', () => {
	it('finds an upward import, a circle and a file in no layer', () => {
		const synthetic: ImportGraph = new Map([
			['api/request.ts', ['job/jobs.ts']],
			['job/jobs.ts', ['job/waitForResult.ts']],
			['job/waitForResult.ts', ['job/jobs.ts']],
			['stray.ts', []],
		]);
		expect(checkImportGraph(synthetic)).toEqual([
			'upward import: api/request.ts (layer 4) imports job/jobs.ts (layer 2)',
			'stray.ts is in no layer',
			'circle: job/jobs.ts → job/waitForResult.ts → job/jobs.ts',
		]);
	});

	it('finds a file importing itself', () => {
		expect(checkImportGraph(new Map([['schemas/rules.ts', ['schemas/rules.ts']]]))).toEqual([
			'circle: schemas/rules.ts → schemas/rules.ts',
		]);
	});
});
