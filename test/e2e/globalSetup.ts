import { assertN8nInstallsLikeThis, buildAndPack, n8nPackageDir, tools } from '../../scripts/real-n8n';
import { TGZ_ENV } from './helpers';

/**
 * Once per run: the tools cache (Node 24, n8n 2.41.1, Chromium, playwright-core; installed the first
 * time), a check that n8n still installs community packages the way this suite copies, then
 * `npm run build` + `npm pack`. Every e2e file installs that one tarball into its own user folder.
 */
export default async function globalSetup(): Promise<void> {
	const started = Date.now();
	tools({ browser: true });
	assertN8nInstallsLikeThis(n8nPackageDir());
	process.env[TGZ_ENV] = buildAndPack({ build: process.env.MODELSLAB_E2E_SKIP_BUILD !== '1' });
	process.stderr.write(`\n[e2e] tools ready, built and packed ${process.env[TGZ_ENV]} in ${Date.now() - started} ms\n`);
}
