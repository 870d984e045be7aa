/**
 * Real n8n (2.41.1, and 1.123.81 for the 1.x line) for the e2e suites, the demo and the benchmark: the
 * tools cache, the package installed the way n8n installs community packages, `n8n start` driven through
 * REST, the CLI, and queue mode (Postgres, Redis, main and workers).
 */
export * from './cli';
export * from './env';
export * from './examples';
export * from './inspect';
export * from './install';
export * from './paths';
export * from './processGroup';
export * from './queue';
export * from './server';
export * from './services';
export * from './tools';
export * from './types';
