import './env';

export { runWorkflow, startWorkflow, NODE_UNDER_TEST_NAME } from './runWorkflow';
export type {
	NodeRunOptions,
	NodeUnderTest,
	RunOptions,
	RunResult,
	StartedWorkflow,
	WorkflowDefinition,
	WorkflowRunOptions,
} from './runWorkflow';
export { HarnessCredentialsHelper, credentialRef } from './credentialsHelper';
export type { CredentialApplication } from './credentialsHelper';
export { HarnessNodeTypes, HarnessCredentialTypes } from './nodeTypes';
export type { CredentialTypeMap, NodeTypeMap } from './nodeTypes';
export { INPUT_NODE_NAME, INPUT_NODE_TYPE, createInputNodeType } from './inputNode';
export { readBinaries, useBinaryMode } from './binaryData';
export type { BinaryMode } from './binaryData';
export { captureLogs } from './logCapture';
export type { LogRecord } from './logCapture';
