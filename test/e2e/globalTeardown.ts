import { existsSync, readFileSync, rmSync } from 'node:fs';

import type { E2eState } from './helpers';
import { STATE_ENV } from './helpers';

/** Removes the run's temp folder (user folder, database, tarball) unless MODELSLAB_E2E_KEEP=1. */
export default async function globalTeardown(): Promise<void> {
	const stateFile = process.env[STATE_ENV];
	if (!stateFile || !existsSync(stateFile)) return;
	const state = JSON.parse(readFileSync(stateFile, 'utf8')) as E2eState;
	if (process.env.MODELSLAB_E2E_KEEP === '1') {
		process.stderr.write(`[e2e teardown] kept ${state.root}\n`);
		return;
	}
	rmSync(state.root, { recursive: true, force: true });
}
