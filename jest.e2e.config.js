/**
 * Installed-package e2e: REAL n8n 2.41.1 (from scripts/tools-cache.sh) runs the packed package
 * against the sandbox. Run with `npx jest -c jest.e2e.config.js`; see test/e2e/README.md.
 * Its files end in .e2e.ts, so the default `jest` run (jest.config.js, *.test.ts) never picks them up.
 */
// same TypeScript setup as the unit and in-process tests
const { testEnvironment, transform } = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
	testEnvironment,
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.ts'],
	transform,
	// tools cache (about 5 min the first time), build, pack and install
	globalSetup: '<rootDir>/test/e2e/globalSetup.ts',
	globalTeardown: '<rootDir>/test/e2e/globalTeardown.ts',
	// every test starts a real n8n process (4-6 s each when the cache is warm)
	testTimeout: 180000,
	// one n8n user folder and one SQLite database: n8n runs one at a time
	maxWorkers: 1,
};
