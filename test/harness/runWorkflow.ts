// Safety net for test files run without the jest `setupFiles` entry: must precede n8n imports.
import './env';

import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';

import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	ExecutionError,
	ExecutionStatus,
	ICredentialDataDecryptedObject,
	IConnections,
	INode,
	INodeCredentials,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeParameters,
	IPinData,
	IRun,
	IRunData,
	IWorkflowBase,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { NodeHelpers, UnexpectedError, Workflow } from 'n8n-workflow';

import { buildAdditionalData } from './additionalData';
import type { BinaryMode } from './binaryData';
import { readBinaries, useBinaryMode } from './binaryData';
import type { CredentialApplication } from './credentialsHelper';
import { HarnessCredentialsHelper, credentialRef } from './credentialsHelper';
import { INPUT_NODE_NAME, INPUT_NODE_TYPE, createInputNodeType } from './inputNode';
import type { CredentialTypeMap, NodeTypeMap } from './nodeTypes';
import { HarnessNodeTypes } from './nodeTypes';

export const NODE_UNDER_TEST_NAME = 'Node Under Test';
const WORKFLOW_ID = 'harness-workflow';

/** The node under test, in the short form (`opts.node`). */
export interface NodeUnderTest {
	type: string;
	/** Defaults to a new UUID per run; n8n keeps a saved node's ID across executions. */
	id?: string;
	/** Defaults to `NODE_UNDER_TEST_NAME`. */
	name?: string;
	/** Defaults to the type's latest version. */
	typeVersion?: number;
	/** Saved parameters; n8n fills in the defaults of missing ones (see `Workflow`). */
	parameters?: INodeParameters;
	/**
	 * Credential references (`{ type: { id, name } }`, or `{ type: id }`). When omitted, every type in
	 * `opts.credentials` that the node declares is referenced. Pass `{}` to run without credentials.
	 */
	credentials?: Record<string, INodeCredentialsDetails | string>;
	continueOnFail?: boolean;
	onError?: INode['onError'];
	alwaysOutputData?: boolean;
	executeOnce?: boolean;
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
}

export interface WorkflowDefinition {
	nodes: INode[];
	connections: IConnections;
	settings?: IWorkflowSettings;
	pinData?: IPinData;
}

interface CommonOptions {
	nodeTypes: NodeTypeMap;
	credentialTypes?: CredentialTypeMap;
	/** Credential data by credential type; referenced by id = type name (see `credentialRef`). */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Defaults to `filesystem`, n8n 2.x's own default. */
	binaryMode?: BinaryMode;
	/** Defaults to `manual` (a run started from the editor). */
	mode?: WorkflowExecuteMode;
	/** Cancel the execution this long after it starts, as a user pressing "stop" would. */
	cancelAfterMs?: number;
	/** Leave `binaries` empty: a test measuring memory must not read a large file back itself. */
	skipBinaryRead?: boolean;
}

export interface NodeRunOptions extends CommonOptions {
	node: NodeUnderTest;
	/** Items the node under test gets, from a `Harness Input` start node. Default: one empty item. */
	inputItems?: INodeExecutionData[];
}

export interface WorkflowRunOptions extends CommonOptions {
	workflow: WorkflowDefinition;
	/** Node whose output is reported. Defaults to the last node in `workflow.nodes`. */
	nodeUnderTest?: string;
	/** Defaults to n8n's choice for running up to `nodeUnderTest` (`getStartNode(nodeUnderTest)`). */
	startNode?: string;
}

export type RunOptions = NodeRunOptions | WorkflowRunOptions;

export interface RunResult {
	/**
	 * The status n8n records (from the `workflowExecuteAfter` hook): `canceled` for a stopped run,
	 * even when `run.status` says `error` because the node rethrew the abort error.
	 */
	status: ExecutionStatus;
	executionId: string;
	/** `main[0]` of the node under test's last run (empty if it did not run or failed). */
	outputs: INodeExecutionData[];
	/** Every main output of that run, e.g. `[success, error]` with `onError: continueErrorOutput`. */
	allOutputs: INodeExecutionData[][];
	/** The node under test's error, else the execution's error (e.g. cancellation, another node). */
	error?: ExecutionError;
	/** Per item of `outputs`: binary property -> content, read through the BinaryDataService. */
	binaries: Array<Record<string, Buffer>>;
	runData: IRunData;
	/** What WorkflowExecute resolved with, after every node had stopped. */
	run: IRun;
	/** Every credential application (`authenticate` call), in order. */
	credentialApplications: CredentialApplication[];
	/** Node names in the order they finished. */
	nodeExecutionOrder: string[];
}

export interface StartedWorkflow {
	executionId: string;
	promise: Promise<RunResult>;
	/** Stops the execution through WorkflowExecute's PCancelable, as n8n does when a user stops it. */
	cancel(): void;
}

let executionCounter = 0;

// Remove this test file's N8N_USER_FOLDER (config, filesystem binary data) after its tests.
if (typeof afterAll === 'function') {
	afterAll(() => {
		const folder = process.env.N8N_HARNESS_USER_FOLDER;
		if (folder) rmSync(folder, { recursive: true, force: true });
	});
}

export async function runWorkflow(opts: RunOptions): Promise<RunResult> {
	return await startWorkflow(opts).promise;
}

export function startWorkflow(opts: RunOptions): StartedWorkflow {
	const executionId = `${process.pid}${String(++executionCounter).padStart(4, '0')}`;
	let cancelRequested = false;
	let cancelRun: (() => void) | undefined;
	const cancel = () => {
		cancelRequested = true;
		cancelRun?.();
	};

	const promise = (async (): Promise<RunResult> => {
		await useBinaryMode(opts.binaryMode ?? 'filesystem');

		const { nodeTypes, definition, nodeUnderTest, startNode } = prepare(opts);
		const credentialsHelper = new HarnessCredentialsHelper(
			opts.credentialTypes ?? {},
			opts.credentials ?? {},
		);
		const mode = opts.mode ?? 'manual';
		const workflow = new Workflow({
			id: WORKFLOW_ID,
			name: 'Harness Workflow',
			nodes: definition.nodes,
			connections: definition.connections,
			nodeTypes,
			active: false,
			settings: { executionOrder: 'v1', ...definition.settings },
			pinData: definition.pinData,
		});

		const hooks = new ExecutionLifecycleHooks(mode, executionId, toWorkflowBase(definition));
		const nodeExecutionOrder: string[] = [];
		hooks.addHandler('nodeExecuteAfter', (nodeName) => {
			nodeExecutionOrder.push(nodeName);
		});
		// The CLI persists the execution from this hook. On cancel it fires at once with status
		// 'canceled'; the engine's own promise settles later, once the running node has stopped.
		let recordedStatus: ExecutionStatus | undefined;
		hooks.addHandler('workflowExecuteAfter', (fullRunData) => {
			recordedStatus ??= fullRunData.status;
		});
		const additionalData = buildAdditionalData({
			credentialsHelper,
			hooks,
			executionId,
			workflowId: WORKFLOW_ID,
		});

		const start = startNode ? workflow.getNode(startNode) : workflow.getStartNode(nodeUnderTest);
		if (!start) throw new UnexpectedError('No start node found for the harness workflow');

		const execution = new WorkflowExecute(additionalData, mode).run({
			workflow,
			startNode: start,
			pinData: definition.pinData,
		});
		cancelRun = () => execution.cancel();
		if (cancelRequested) cancelRun();
		const timer =
			opts.cancelAfterMs === undefined ? undefined : setTimeout(cancel, opts.cancelAfterMs);

		let run: IRun;
		try {
			run = await execution;
		} finally {
			clearTimeout(timer);
		}

		const runData = run.data.resultData.runData;
		const taskData = runData[nodeUnderTest]?.at(-1);
		const allOutputs = (taskData?.data?.main ?? []).map((items) => items ?? []);
		const outputs = allOutputs[0] ?? [];
		return {
			status: recordedStatus ?? run.status,
			executionId,
			outputs,
			allOutputs,
			error: taskData?.error ?? run.data.resultData.error,
			binaries: opts.skipBinaryRead ? [] : await readBinaries(outputs),
			runData,
			run,
			credentialApplications: credentialsHelper.applications,
			nodeExecutionOrder,
		};
	})();

	return { executionId, promise, cancel };
}

function prepare(opts: RunOptions): {
	nodeTypes: HarnessNodeTypes;
	definition: WorkflowDefinition;
	nodeUnderTest: string;
	startNode?: string;
} {
	if ('workflow' in opts) {
		const nodes = opts.workflow.nodes;
		const nodeUnderTest = opts.nodeUnderTest ?? nodes.at(-1)?.name;
		if (!nodeUnderTest) throw new UnexpectedError('The harness workflow has no nodes');
		return {
			nodeTypes: new HarnessNodeTypes(opts.nodeTypes),
			// Workflow fills parameter defaults into the nodes in place: keep the caller's copy intact.
			definition: structuredClone(opts.workflow),
			nodeUnderTest,
			startNode: opts.startNode,
		};
	}

	const { node } = opts;
	const name = node.name ?? NODE_UNDER_TEST_NAME;
	const type = opts.nodeTypes[node.type];
	if (!type) throw new UnexpectedError(`Node type "${node.type}" is not in opts.nodeTypes`);
	const latest = NodeHelpers.getVersionedNodeType(type);
	const typeVersion =
		node.typeVersion ??
		('nodeVersions' in type
			? type.currentVersion
			: Math.max(...[latest.description.version].flat()));

	const input: INode = {
		id: randomUUID(),
		name: INPUT_NODE_NAME,
		type: INPUT_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const underTest: INode = {
		id: node.id ?? randomUUID(),
		name,
		type: node.type,
		typeVersion,
		position: [220, 0],
		parameters: structuredClone(node.parameters ?? {}),
		credentials: nodeCredentials(
			node,
			opts.credentials,
			NodeHelpers.getVersionedNodeType(type, typeVersion),
		),
		continueOnFail: node.continueOnFail,
		onError: node.onError,
		alwaysOutputData: node.alwaysOutputData,
		executeOnce: node.executeOnce,
		retryOnFail: node.retryOnFail,
		maxTries: node.maxTries,
		waitBetweenTries: node.waitBetweenTries,
	};
	return {
		nodeTypes: new HarnessNodeTypes({
			...opts.nodeTypes,
			[INPUT_NODE_TYPE]: createInputNodeType(opts.inputItems ?? [{ json: {} }]),
		}),
		definition: {
			nodes: [input, underTest],
			connections: {
				[INPUT_NODE_NAME]: { main: [[{ node: name, type: 'main', index: 0 }]] },
			},
		},
		nodeUnderTest: name,
		startNode: INPUT_NODE_NAME,
	};
}

function nodeCredentials(
	node: NodeUnderTest,
	credentials: Record<string, ICredentialDataDecryptedObject> | undefined,
	type: { description: { credentials?: Array<{ name: string }> } },
): INodeCredentials | undefined {
	if (node.credentials) {
		return Object.fromEntries(
			Object.entries(node.credentials).map(([credType, ref]) => [
				credType,
				typeof ref === 'string' ? { id: ref, name: ref } : ref,
			]),
		);
	}
	const declared = new Set((type.description.credentials ?? []).map((c) => c.name));
	const refs = Object.keys(credentials ?? {})
		.filter((credType) => declared.has(credType))
		.map((credType) => [credType, credentialRef(credType)]);
	return refs.length ? Object.fromEntries(refs) : undefined;
}

function toWorkflowBase(definition: WorkflowDefinition): IWorkflowBase {
	const now = new Date();
	return {
		id: WORKFLOW_ID,
		name: 'Harness Workflow',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: now,
		updatedAt: now,
		nodes: definition.nodes,
		connections: definition.connections,
		settings: definition.settings,
		pinData: definition.pinData,
	};
}
