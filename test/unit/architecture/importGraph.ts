import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/**
 * The import-graph check: which file of `nodes/ModelsLab` imports which, and the findings of the
 * rule that dependencies point one way (node → actions → job → media / parameters → api / schemas /
 * time) without circles. Type-only imports count: a type that runs upward is a design that runs upward.
 */

/** File (relative to the root, with "/") → the files it imports. */
export type ImportGraph = Map<string, string[]>;

/**
 * The layers, top first; a file may import its own layer or a lower one. `methods/` sits with
 * `actions/`: both are entries the node hands to n8n (the model picker, the operations) and read the
 * registry. `job/` is a job's life; `media/` the files in and out and `parameters/` the fields and
 * their reading, which a job uses; `api/` talks HTTP, `schemas/` are the rules, `time/` the clock and
 * the one retry helper.
 */
export const LAYERS: ReadonlyArray<{ layer: number; paths: readonly string[] }> = [
	{ layer: 0, paths: ['ModelsLab.node.ts'] },
	{ layer: 1, paths: ['actions/', 'methods/'] },
	{ layer: 2, paths: ['job/'] },
	{ layer: 3, paths: ['media/', 'parameters/'] },
	{ layer: 4, paths: ['api/', 'schemas/', 'catalogs/', 'time/'] },
];

export function layerOf(file: string): number | undefined {
	return LAYERS.find(({ paths }) => paths.some((path) => (path.endsWith('/') ? file.startsWith(path) : file === path)))
		?.layer;
}

function tsFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return tsFiles(path);
		return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
	});
}

/** Every module specifier a file names: imports, re-exports, `import x = require()`, `import()`. */
function specifiersOf(source: ts.SourceFile): string[] {
	const found: string[] = [];
	const visit = (node: ts.Node) => {
		if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
			if (ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
		} else if (ts.isExternalModuleReference(node) && ts.isStringLiteral(node.expression)) {
			found.push(node.expression.text);
		} else if (
			ts.isCallExpression(node) &&
			(node.expression.kind === ts.SyntaxKind.ImportKeyword ||
				(ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
			node.arguments.length === 1 &&
			ts.isStringLiteral(node.arguments[0])
		) {
			found.push(node.arguments[0].text);
		}
		ts.forEachChild(node, visit);
	};
	visit(source);
	return found;
}

function resolveRelative(from: string, specifier: string): string | undefined {
	const base = resolve(dirname(from), specifier);
	return [base, `${base}.ts`, join(base, 'index.ts')].find((candidate) => candidate.endsWith('.ts') && existsSync(candidate));
}

/** The graph of the relative imports between the `.ts` files under `root`. */
export function readImportGraph(root: string): ImportGraph {
	const graph: ImportGraph = new Map();
	const name = (file: string) => relative(root, file).split(sep).join('/');
	for (const file of tsFiles(root)) {
		const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
		const imports = specifiersOf(source)
			.filter((specifier) => specifier.startsWith('.'))
			.map((specifier) => {
				const target = resolveRelative(file, specifier);
				if (!target) throw new Error(`${name(file)} imports ${specifier}, which is no .ts file`);
				return name(target);
			});
		graph.set(name(file), [...new Set(imports)]);
	}
	return graph;
}

/** Every circle, once, each as the path that closes it (a → b → a). */
export function findCycles(graph: ImportGraph): string[][] {
	const cycles: string[][] = [];
	const seen = new Set<string>();
	const done = new Set<string>();
	const stack: string[] = [];
	const visit = (file: string) => {
		seen.add(file);
		stack.push(file);
		for (const target of graph.get(file) ?? []) {
			const onStack = stack.indexOf(target);
			if (onStack >= 0) cycles.push([...stack.slice(onStack), target]);
			else if (!seen.has(target)) visit(target);
		}
		stack.pop();
		done.add(file);
	};
	for (const file of [...graph.keys()].sort()) if (!done.has(file)) visit(file);
	return cycles;
}

/** What breaks the rule: files in no layer, imports that run upward, and circles. */
export function checkImportGraph(graph: ImportGraph, layer: (file: string) => number | undefined = layerOf): string[] {
	const findings: string[] = [];
	for (const [file, imports] of graph) {
		const from = layer(file);
		if (from === undefined) {
			findings.push(`${file} is in no layer`);
			continue;
		}
		for (const target of imports) {
			const to = layer(target);
			if (to !== undefined && to < from) findings.push(`upward import: ${file} (layer ${from}) imports ${target} (layer ${to})`);
		}
	}
	for (const cycle of findCycles(graph)) findings.push(`circle: ${cycle.join(' → ')}`);
	return findings;
}
