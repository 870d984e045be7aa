/**
 * Real n8n server layer: `n8n start` (2.41.1 on Node 24) with the packed package installed, the sandbox,
 * REST API assertions (webhook resume) and the editor in Chromium (playwright-core). See test/e2e-server/README.md.
 * @type {import('jest').Config}
 */
// same TypeScript setup as the unit and in-process tests
const { testEnvironment, transform } = require('./jest.config');

module.exports = {
	testEnvironment,
	roots: ['<rootDir>/test/e2e-server'],
	testMatch: ['**/*.e2e-server.ts'],
	transform,
	globalSetup: '<rootDir>/test/e2e-server/globalSetup.ts',
	globalTeardown: '<rootDir>/test/e2e-server/globalTeardown.ts',
	// each file starts its own n8n (about 20 s of migrations), so the two files run side by side
	maxWorkers: 2,
	testTimeout: 180000,
	slowTestThreshold: 60,
};
