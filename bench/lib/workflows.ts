import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import type { WorkflowJson } from '../../scripts/real-n8n';
import { REPO_ROOT } from '../../scripts/real-n8n';

export const WORKFLOW_DIR = path.join(REPO_ROOT, 'bench', 'workflows');

/** node.json, loop.json, and download.json (HTTP Request create + download as a file: the memory baseline) */
export type WorkflowKind = 'node' | 'loop' | 'download';

export interface WorkflowVars {
	/** items the Code node emits */
	ITEMS: number;
	/** width and height of each image */
	SIZE: number;
	/** the node's Concurrency (node workflow only) */
	CONCURRENCY?: number;
	/** the node's Output: 'binary' (Binary Files) or 'urls' (Image URLs) (node workflow only) */
	OUTPUT?: 'binary' | 'urls';
	/** the sandbox's base URL (HTTP Request workflows only: the node takes it from its credential) */
	BASE_URL?: string;
	/** the sandbox key (HTTP Request workflows only) */
	API_KEY?: string;
}

/**
 * One of bench/workflows/*.json with its placeholders filled in: a whole-string value "__NAME__" becomes
 * the JSON value (so Concurrency is a number), and __NAME__ inside a string becomes the value's text.
 */
export function loadWorkflow(kind: WorkflowKind, vars: WorkflowVars): WorkflowJson {
	let text = readFileSync(path.join(WORKFLOW_DIR, `${kind}.json`), 'utf8');
	for (const [name, value] of Object.entries(vars)) {
		if (value === undefined) continue;
		text = text.split(`"__${name}__"`).join(JSON.stringify(value));
		text = text.split(`__${name}__`).join(String(value));
	}
	const left = /__[A-Z_]+__/.exec(text);
	if (left) throw new Error(`bench/workflows/${kind}.json: no value for ${left[0]}`);
	return JSON.parse(text) as WorkflowJson;
}

export const TRIGGER = 'Start';
