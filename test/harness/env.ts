/**
 * Jest `setupFiles` module: must run before any n8n module is imported, because
 * @n8n/config reads these variables when its config classes are first constructed
 * (InstanceSettings writes `<N8N_USER_FOLDER>/.n8n/config` on first use).
 *
 * Jest gives every test file its own copy of process.env, so this makes one folder per test file;
 * runWorkflow.ts removes it in an afterAll: an 'exit' listener never fires inside jest's sandbox.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

if (!process.env.N8N_HARNESS_USER_FOLDER) {
	process.env.N8N_HARNESS_USER_FOLDER = mkdtempSync(path.join(tmpdir(), 'n8n-harness-'));
}
// Always override: tests must never touch a developer's own N8N_USER_FOLDER or ~/.n8n.
process.env.N8N_USER_FOLDER = process.env.N8N_HARNESS_USER_FOLDER;

// Overridable, e.g. `N8N_LOG_LEVEL=debug npx jest` to see the engine's logs.
process.env.N8N_LOG_LEVEL ??= 'silent';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
// Tests only talk to 127.0.0.1; an ambient HTTP(S)_PROXY must never intercept that.
const noProxy = [process.env.NO_PROXY, '127.0.0.1', 'localhost'].filter(Boolean).join(',');
process.env.NO_PROXY = noProxy;
process.env.no_proxy = noProxy;
