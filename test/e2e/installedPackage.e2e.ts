// installedPackage.suite.ts on n8n 2.41.1 (Node 24)
import { installedPackageSuite } from './installedPackage.suite';

installedPackageSuite('2.41.1');
