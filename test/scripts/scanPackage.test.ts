/**
 * scripts/scan-package.mjs: n8n's community-package scanner (its own bundled rules) on the `npm pack`
 * tarball and on the source, and proof that it refuses what n8n would refuse.
 * Needs dist/ built (npm run test:unit builds first).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const SCAN = path.join(REPO_ROOT, 'scripts', 'scan-package.mjs');

const scan = (args: string[] = []) => spawnSync(process.execPath, [SCAN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });

describe("n8n's scanner (scripts/scan-package.mjs)", () => {
	it('passes the packed tarball and the source', () => {
		const run = scan();
		expect(run.stdout).toBe(
			'passed: the npm pack tarball (**/*.js, package.json)\n' + 'passed: the source (package.json, {nodes,credentials}/**/*.{js,ts,json})\n',
		);
		expect(run.status).toBe(0);
	});

	it('refuses a built file that reads process.env', () => {
		const work = mkdtempSync(path.join(tmpdir(), 'modelslab-scan-fault-'));
		try {
			const [{ filename }] = JSON.parse(
				execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: REPO_ROOT, encoding: 'utf8' }),
			) as Array<{ filename: string }>;
			execFileSync('tar', ['-xzf', filename], { cwd: work });
			const packageDir = path.join(work, 'package');
			appendFileSync(path.join(packageDir, 'dist', 'nodes', 'ModelsLab', 'ModelsLab.node.js'), '\nexports.leak = process.env.MODELSLAB_API_KEY;\n');

			const run = scan(['--unpacked', packageDir]);
			expect(run.status).toBe(1);
			expect(run.stdout).toContain(`FAILED: package ${packageDir}`);
			expect(run.stdout).toContain('ESLint violations found');
			expect(run.stdout).toMatch(/dist\/nodes\/ModelsLab\/ModelsLab\.node\.js\n.*restricted global 'process'.*@n8n\/community-nodes\/no-restricted-globals/);
		} finally {
			rmSync(work, { recursive: true, force: true });
		}
	});
});
