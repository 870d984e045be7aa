import { rmSync } from 'node:fs';
import * as path from 'node:path';

/** Removes the temp folder of the packed tarball. */
export default async function globalTeardown(): Promise<void> {
	const tgz = process.env.MODELSLAB_E2E_SERVER_TGZ;
	if (tgz && path.basename(path.dirname(tgz)).startsWith('modelslab-pack-')) {
		rmSync(path.dirname(tgz), { recursive: true, force: true });
	}
}
