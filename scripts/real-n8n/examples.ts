import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import { REPO_ROOT } from './paths';
import type { WorkflowJson } from './types';

/** The importable workflows in examples/, in README's order. */
export const EXAMPLE_FILES = [
	'01-rows-to-images.json',
	'02-generate-now-fetch-later.json',
	'03-webhook-resume.json',
	'04-ai-agent-tool.json',
	'05-product-photo-cutout.json',
	'06-inpaint-with-mask.json',
	'07-product-in-scene.json',
	'08-product-reels.json',
] as const;
export type ExampleFile = (typeof EXAMPLE_FILES)[number];

export function loadExample(file: ExampleFile): WorkflowJson {
	return JSON.parse(readFileSync(path.join(REPO_ROOT, 'examples', file), 'utf8')) as WorkflowJson;
}

/** The name of the workflow's trigger node (manual, chat, webhook …), which a REST run starts from. */
export function triggerOf(workflow: WorkflowJson): string {
	const trigger = workflow.nodes.find((node) => /trigger$/i.test(node.type));
	if (!trigger) throw new Error(`${workflow.name} has no trigger node`);
	return trigger.name;
}

/**
 * A copy of the workflow started by a production Webhook (POST /webhook/<path>, answered at once)
 * instead of its own trigger; every other node and connection unchanged. For queue mode, where
 * production executions run on the workers.
 */
export function withWebhookTrigger(workflow: WorkflowJson, webhookPath: string): WorkflowJson {
	const trigger = triggerOf(workflow);
	const original = workflow.nodes.find((node) => node.name === trigger)!;
	const webhook = {
		parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'onReceived', options: {} },
		id: original.id,
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: original.position,
		webhookId: randomUUID(),
	};
	return {
		...workflow,
		name: `${workflow.name} (webhook ${webhookPath})`,
		nodes: workflow.nodes.map((node) => (node.name === trigger ? webhook : node)),
		connections: Object.fromEntries(Object.entries(workflow.connections).map(([from, to]) => [from === trigger ? 'Webhook' : from, to])),
	};
}
