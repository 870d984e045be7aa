/**
 * The release, proved without publishing: what `npm pack --dry-run` would put in the tarball. Only the built
 * node and credentials, the README, the LICENSE and package.json; a bounded size; and nothing that names
 * this machine (source maps included) or the sandbox's test keys. Needs dist/ built (npm run test:unit
 * builds first).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import * as path from 'node:path';

import { DEFAULT_ENTERPRISE_KEY, DEFAULT_STANDARD_KEY } from '../../sandbox/core/config';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
	files: string[];
	n8n: { nodes: string[]; credentials: string[] };
};

/**
 * 0.1.0 as of the docs split: 563 kB unpacked (the old 920-line README made it 628 kB). The bound leaves
 * room for a few more operations, and catches a stray folder (dist/ with tests, docs/ screenshots: 1 MB+).
 */
const MAX_UNPACKED_BYTES = 800_000;

type Pack = { unpackedSize: number; size: number; files: Array<{ path: string; size: number }> };

function packDryRun(): Pack {
	// jest runs under npm (npm test): drop what npm exported, e.g. npm_config_dry_run or _json, as a shell would not have it
	const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
	const run = spawnSync('npm', ['pack', '--dry-run', '--json'], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 120_000 });
	if (run.status !== 0) throw new Error(`npm pack --dry-run failed (${run.status}): ${run.stderr}`);
	return (JSON.parse(run.stdout) as Pack[])[0];
}

describe('the npm tarball (npm pack --dry-run)', () => {
	let pack: Pack;
	let paths: string[];

	beforeAll(() => {
		pack = packDryRun();
		paths = pack.files.map((file) => file.path).sort();
	});

	it('holds only the built nodes and credentials (package.json "files"), the README, the LICENSE and package.json', () => {
		expect(manifest.files).toEqual(['dist/nodes', 'dist/credentials']);
		const folders = manifest.files.map((folder) => `${folder}/`);
		expect(paths.filter((file) => !folders.some((folder) => file.startsWith(folder)))).toEqual(['LICENSE', 'README.md', 'package.json']);
		// what n8n loads is in it: a build ran
		for (const entry of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) expect(paths).toContain(entry);
		expect(paths).toContain('dist/nodes/ModelsLab/ModelsLab.node.json');
	});

	it('holds nothing test-like and no TypeScript source (declarations and maps only)', () => {
		const testLike = /(^|\/)(test|tests|__tests__|e2e|fixtures|sandbox|bench|scripts)\/|\.(test|spec|e2e)\.|(?<!\.d)\.ts$|\.tsbuildinfo$/;
		expect(paths.filter((file) => testLike.test(file))).toEqual([]);
	});

	it(`stays under ${MAX_UNPACKED_BYTES / 1000} kB unpacked`, () => {
		expect(pack.unpackedSize).toBe(pack.files.reduce((sum, file) => sum + file.size, 0));
		expect(pack.unpackedSize).toBeLessThan(MAX_UNPACKED_BYTES);
	});

	it("names no local path and no sandbox test key in any file (the packed files are the working tree's)", () => {
		// the folders built from parts, so this file names no machine path itself; a home of "/" says nothing
		const folders = ['work', 'root', 'home', 'Users', 'tmp'].map((name) => `/${name}/`);
		const forbidden = [...folders, REPO_ROOT, homedir(), tmpdir(), DEFAULT_STANDARD_KEY, DEFAULT_ENTERPRISE_KEY].filter((needle) => needle.length > 2);
		const found = paths.flatMap((file) => {
			const text = readFileSync(path.join(REPO_ROOT, file), 'utf8');
			return forbidden.filter((needle) => text.includes(needle)).map((needle) => `${file}: ${needle}`);
		});
		expect(found).toEqual([]);
	});

	it("source maps point only at the repository's own sources, by relative paths", () => {
		const maps = paths.filter((file) => file.endsWith('.js.map'));
		expect(maps).toContain('dist/nodes/ModelsLab/ModelsLab.node.js.map');
		const wrong = maps.flatMap((file) => {
			const map = JSON.parse(readFileSync(path.join(REPO_ROOT, file), 'utf8')) as { sourceRoot?: string; sources: string[] };
			const sources = map.sources.map((source) => path.resolve(REPO_ROOT, path.dirname(file), map.sourceRoot ?? '', source));
			return [
				...(map.sourceRoot ? [`${file}: sourceRoot ${map.sourceRoot}`] : []),
				...map.sources.filter((source) => path.isAbsolute(source) || /^[a-z]+:/i.test(source)).map((source) => `${file}: ${source}`),
				...sources
					.map((source) => path.relative(REPO_ROOT, source))
					.filter((source) => !/^(nodes|credentials)\/.+\.ts$/.test(source))
					.map((source) => `${file}: outside nodes/ and credentials/: ${source}`),
			];
		});
		expect(wrong).toEqual([]);
	});
});
