import { tools } from './tools';
import { packPackage } from './n8nServer';

/** Once per run: the tools cache is there, and `npm run build` + `npm pack` made the tarball both files install. */
export default async function globalSetup(): Promise<void> {
	const started = Date.now();
	tools();
	delete process.env.MODELSLAB_E2E_SERVER_TGZ;
	process.env.MODELSLAB_E2E_SERVER_TGZ = await packPackage();
	process.stderr.write(`\n[e2e-server] built and packed ${process.env.MODELSLAB_E2E_SERVER_TGZ} in ${Date.now() - started} ms\n`);
}
