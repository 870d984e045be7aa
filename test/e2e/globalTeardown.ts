import { rmSync } from 'node:fs';
import * as path from 'node:path';

import { TGZ_ENV } from './helpers';

/** Removes the temp folder of the packed tarball. */
export default async function globalTeardown(): Promise<void> {
	const tgz = process.env[TGZ_ENV];
	if (tgz && path.basename(path.dirname(tgz)).startsWith('modelslab-pack-')) {
		rmSync(path.dirname(tgz), { recursive: true, force: true });
	}
}
