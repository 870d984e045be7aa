import { join } from 'node:path';

import type { ImportGraph } from './importGraph';
import { checkImportGraph, findCycles, readImportGraph } from './importGraph';

const REPO = join(__dirname, '../../..');

/**
 * The sandbox stands in for the vendor, so it must not lean on the node it tests: no file of it imports
 * anything under nodes/ (a name the graph gives as `../nodes/…`, relative to sandbox/).
 */
function nodeImports(graph: ImportGraph): string[] {
	return [...graph].flatMap(([file, imports]) =>
		imports.filter((target) => target.startsWith('../nodes/')).map((target) => `the node imported: ${file} imports ${target}`),
	);
}

const circles = (graph: ImportGraph) => findCycles(graph).map((cycle) => `circle: ${cycle.join(' → ')}`);

/**
 * The sandbox's layers by their first path segment, top first: the public entry and the CLI, the API
 * families, a job's life, image files (formats, pixels, the image host), and the core every part shares
 * (HTTP, dispatch, state, faults, types). A file may import its own layer or a lower one.
 */
const SANDBOX_LAYERS = new Map([
	['server.ts', 0],
	['cli.ts', 0],
	['routes', 1],
	['jobs', 2],
	['images', 3],
	['core', 4],
]);

const sandboxLayerOf = (file: string) => SANDBOX_LAYERS.get(file.split('/')[0]);

describe('import graph of sandbox/', () => {
	const graph = readImportGraph(join(REPO, 'sandbox'));

	it('reads every module and its relative imports', () => {
		expect(graph.get('server.ts')).toEqual(expect.arrayContaining(['core/router.ts', 'routes/text2img.ts', 'jobs/fetch.ts']));
		expect(graph.get('images/imageFormat.ts')).toContain('images/imageSize.ts');
		expect(graph.size).toBeGreaterThanOrEqual(30);
	});

	it('has no circle', () => {
		expect(circles(graph)).toEqual([]);
	});

	it('imports nothing of the node it stands in for', () => {
		expect(nodeImports(graph)).toEqual([]);
	});

	it('has every file in a folder layer, and no import runs up a layer', () => {
		expect(checkImportGraph(graph, sandboxLayerOf)).toEqual([]);
	});
});

describe('import graph of scripts/', () => {
	const graph = readImportGraph(join(REPO, 'scripts'));

	it('reads every module and its relative imports', () => {
		expect(graph.get('demo.ts')).toContain('../sandbox/server.ts');
		expect(graph.size).toBeGreaterThan(10);
	});

	it('has no circle', () => {
		expect(circles(graph)).toEqual([]);
	});
});

describe('the sandbox checks themselves', () => {
	const synthetic: ImportGraph = new Map([
		['server.ts', ['routes/uploads.ts']],
		['routes/uploads.ts', ['images/imageFormat.ts', 'routes/imageInput.ts']],
		['routes/imageInput.ts', ['routes/uploads.ts']],
		['images/imageFormat.ts', ['../nodes/ModelsLab/media/fileTypes.ts', 'jobs/store.ts']],
		['jobs/store.ts', []],
		['stray.ts', []],
	]);

	it('finds a circle', () => {
		expect(circles(synthetic)).toEqual(['circle: routes/imageInput.ts → routes/uploads.ts → routes/imageInput.ts']);
	});

	it('finds an import of the node', () => {
		expect(nodeImports(synthetic)).toEqual(['the node imported: images/imageFormat.ts imports ../nodes/ModelsLab/media/fileTypes.ts']);
	});

	it('finds an upward import and a file in no folder', () => {
		expect(checkImportGraph(synthetic, sandboxLayerOf)).toEqual([
			'upward import: images/imageFormat.ts (layer 3) imports jobs/store.ts (layer 2)',
			'stray.ts is in no layer',
			'circle: routes/imageInput.ts → routes/uploads.ts → routes/imageInput.ts',
		]);
	});

	it('finds a circle in a graph that leaves the folder (as scripts/ does)', () => {
		expect(circles(new Map([['a.ts', ['../sandbox/server.ts', 'b.ts']], ['b.ts', ['a.ts']]]))).toEqual(['circle: a.ts → b.ts → a.ts']);
	});
});
