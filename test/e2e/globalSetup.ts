import { N8N_VERSIONS, assertN8nInstallsLikeThis, buildAndPack, n8nPackageDir, tools } from '../../scripts/real-n8n';
import { TGZ_ENV } from './helpers';

/**
 * Once per run: the tools cache (every n8n line with its Node, Chromium and playwright-core, Postgres
 * and Redis; installed the first time), a check that each n8n line still installs community packages
 * the way this suite copies, then `npm run build` + `npm pack`. Every e2e file installs that one
 * tarball into its own user folders.
 */
export default async function globalSetup(): Promise<void> {
	const started = Date.now();
	for (const n8n of N8N_VERSIONS) {
		const t = tools({ n8n, browser: true, services: true });
		assertN8nInstallsLikeThis(n8nPackageDir(t), n8n);
	}
	process.env[TGZ_ENV] = buildAndPack({ build: process.env.MODELSLAB_E2E_SKIP_BUILD !== '1' });
	process.stderr.write(`\n[e2e] tools ready, built and packed ${process.env[TGZ_ENV]} in ${Date.now() - started} ms\n`);
}
