/**
 * package.json's release guard: a plain `npm publish` (here --dry-run) is refused by
 * `n8n-node prerelease`; only `npm run release` (which sets RELEASE_MODE) publishes.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

function publishDryRun(env: NodeJS.ProcessEnv) {
	return spawnSync('npm', ['publish', '--dry-run'], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 120_000 });
}

describe('npm publish guard (package.json prepublishOnly)', () => {
	// jest runs under npm: drop what npm exported, as a user's shell would not have it
	const shellEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== 'RELEASE_MODE'));

	it('refuses a plain npm publish and says to run npm run release', () => {
		const run = publishDryRun(shellEnv);
		expect(run.status).not.toBe(0);
		expect(run.stdout + run.stderr).toContain('Run `npm run release` to publish the package');
		expect(run.stdout + run.stderr).not.toContain('+ n8n-nodes-modelslab@');
	});

	it('lets the release command through (RELEASE_MODE, as n8n-node release sets it)', () => {
		const run = publishDryRun({ ...shellEnv, RELEASE_MODE: 'true' });
		expect(run.stdout + run.stderr).toContain('+ n8n-nodes-modelslab@');
		expect(run.status).toBe(0);
	});
});
