// examples.suite.ts on n8n 2.41.1 (Node 24)
import { examplesSuite } from './examples.suite';

examplesSuite('2.41.1');
