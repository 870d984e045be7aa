/**
 * Real n8n 2.41.1 for the e2e suites, the demo and the benchmark: the tools cache, the package
 * installed the way n8n installs community packages, `n8n start` driven through REST, and the CLI.
 */
export * from './cli';
export * from './env';
export * from './examples';
export * from './inspect';
export * from './install';
export * from './paths';
export * from './server';
export * from './tools';
export * from './types';
