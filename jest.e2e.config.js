/**
 * Real n8n 2.41.1 (Node 24, from the tools cache in scripts/real-n8n/tools.ts) with the packed package installed the way n8n
 * installs community packages, against the sandbox: `n8n execute` runs, `n8n start` driven through REST
 * (webhook resume, examples), and the editor in Chromium. See test/e2e/README.md.
 * Its files end in .e2e.ts, so the unit/in-process run (jest.config.js, *.test.ts) never picks them up.
 */
// same TypeScript setup as the unit and in-process tests
const { testEnvironment, transform } = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
	testEnvironment,
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.ts'],
	transform,
	// tools cache (about 6 min the first time), build and pack once for all files
	globalSetup: '<rootDir>/test/e2e/globalSetup.ts',
	globalTeardown: '<rootDir>/test/e2e/globalTeardown.ts',
	// each file has its own n8n user folder; two files at a time on two cores
	maxWorkers: 2,
	testTimeout: 180000,
	slowTestThreshold: 60,
};
