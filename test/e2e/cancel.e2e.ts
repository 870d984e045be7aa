// cancel.suite.ts on n8n 2.41.1 (Node 24)
import { cancelSuite } from './cancel.suite';

cancelSuite('2.41.1');
