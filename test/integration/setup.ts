import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { ModelsLabApi } from '../../credentials/ModelsLabApi.credentials';
import { ModelsLabEnterpriseApi } from '../../credentials/ModelsLabEnterpriseApi.credentials';
import { ModelsLab } from '../../nodes/ModelsLab/ModelsLab.node';
import type { NodeUnderTest, RunResult, WorkflowDefinition } from '../harness';
import { runWorkflow, startWorkflow } from '../harness';
import type { Sandbox, SandboxOptions } from '../../sandbox/server';
import { startSandbox } from '../../sandbox/server';

/** One sandbox per test file, and a one-call way to run the real node against it through n8n-core. */

export const NODE_TYPE = 'n8n-nodes-modelslab.modelsLab';

export function useSandbox(options: SandboxOptions = {}): () => Sandbox {
	let sandbox: Sandbox | undefined;
	beforeAll(async () => {
		sandbox = await startSandbox(options);
	});
	beforeEach(() => {
		sandbox?.reset();
	});
	afterAll(async () => {
		await sandbox?.close();
	});
	return () => {
		if (!sandbox) throw new Error('sandbox not started');
		return sandbox;
	};
}

export interface NodeRun {
	parameters: INodeParameters;
	inputItems?: INodeExecutionData[];
	continueOnFail?: boolean;
	credentials?: { standardKey?: string; enterpriseKey?: string };
	cancelAfterMs?: number;
}

function runOptions(sandbox: Sandbox, run: Omit<NodeRun, 'parameters'>) {
	return {
		nodeTypes: { [NODE_TYPE]: new ModelsLab() },
		credentialTypes: { modelsLabApi: new ModelsLabApi(), modelsLabEnterpriseApi: new ModelsLabEnterpriseApi() },
		credentials: {
			modelsLabApi: { apiKey: run.credentials?.standardKey ?? sandbox.standardKey ?? '', baseUrl: sandbox.baseUrl },
			modelsLabEnterpriseApi: {
				apiKey: run.credentials?.enterpriseKey ?? sandbox.enterpriseKey ?? '',
				baseUrl: sandbox.baseUrl,
			},
		},
		binaryMode: 'filesystem' as const,
	};
}

export async function runNode(sandbox: Sandbox, run: NodeRun): Promise<RunResult> {
	const node: NodeUnderTest = { type: NODE_TYPE, parameters: run.parameters, continueOnFail: run.continueOnFail };
	return await runWorkflow({
		...runOptions(sandbox, run),
		node,
		inputItems: run.inputItems ?? [{ json: {} }],
		cancelAfterMs: run.cancelAfterMs,
	});
}

export function startNode(sandbox: Sandbox, run: NodeRun) {
	return startWorkflow({
		...runOptions(sandbox, run),
		node: { type: NODE_TYPE, parameters: run.parameters, continueOnFail: run.continueOnFail },
		inputItems: run.inputItems ?? [{ json: {} }],
	});
}

export async function runFlow(
	sandbox: Sandbox,
	workflow: WorkflowDefinition,
	nodeUnderTest?: string,
	run: Omit<NodeRun, 'parameters'> = {},
): Promise<RunResult> {
	return await runWorkflow({ ...runOptions(sandbox, run), workflow, nodeUnderTest });
}

/** Every API request body the sandbox saw, in order, with its path. */
export function apiCalls(sandbox: Sandbox) {
	return sandbox.counters().requests.map((request) => ({ path: request.path, body: request.body }));
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(bytes: Buffer) {
	return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Proves the key reached no image host and no output. */
export function expectKeyNowhereButApi(sandbox: Sandbox, result: RunResult, key: string) {
	for (const record of sandbox.counters().cdnLog) {
		expect(JSON.stringify({ url: record.url, headers: record.headers, body: record.body })).not.toContain(key);
	}
	expect(JSON.stringify(result.outputs)).not.toContain(key);
	expect(JSON.stringify(result.error ?? {})).not.toContain(key);
}
