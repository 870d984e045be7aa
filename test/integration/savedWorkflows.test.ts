import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { INode } from 'n8n-workflow';

import type { SuccessAnswer } from '../expectedOutput';
import { successJson } from '../expectedOutput';
import { apiCalls, runFlow, useSandbox } from './setup';

/**
 * A workflow saved before the node was reshaped still means what it meant: n8n saves no parameter
 * equal to its default, so a node saved without `resource` and `operation` is Image → Text to Image.
 */
const sandbox = useSandbox();
const saved = JSON.parse(readFileSync(path.join(__dirname, '../fixtures/saved-before-0.2.json'), 'utf8')) as { nodes: INode[] };

describe('a workflow saved before this version', () => {
	it('has no resource or operation saved, and still runs Text to Image with the same request and item', async () => {
		expect(saved.nodes[0].parameters).not.toHaveProperty('resource');
		expect(saved.nodes[0].parameters).not.toHaveProperty('operation');

		const result = await runFlow(sandbox(), { nodes: saved.nodes, connections: {} });

		expect(result.error).toBeUndefined();
		expect(apiCalls(sandbox())).toEqual([
			{
				path: '/api/v6/images/text2img',
				body: { key: 'sandbox-standard-key', model_id: 'flux', prompt: 'a lighthouse at dawn', width: 512, height: 512, samples: 1 },
			},
		]);
		const answer = sandbox().counters().requests[0].response as SuccessAnswer;
		expect(result.outputs).toEqual([{ json: successJson(answer, 0), pairedItem: { item: 0 } }]);
	});
});
