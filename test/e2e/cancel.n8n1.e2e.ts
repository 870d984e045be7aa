// cancel.suite.ts on n8n 1.123.81 (Node 22), the 1.x line; its own file so jest runs it beside the 2.x one
import { cancelSuite } from './cancel.suite';

cancelSuite('1.123.81');
