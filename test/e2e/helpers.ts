import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { BinaryRef, CommandRun, Execution, N8nVersion } from '../../scripts/real-n8n';
import {
	REPO_ROOT,
	binaryFilePath,
	installLikeN8n,
	n8nPackageDir,
	parseExecuteOutput,
	resolveLikeN8n,
	runN8n,
	tools,
} from '../../scripts/real-n8n';

export type { BinaryRef, CommandRun, Execution, OutputItem } from '../../scripts/real-n8n';
export { NODE_TYPE, PACKAGE_NAME, filesUnder, findSecrets, nodeOutput, pngSize } from '../../scripts/real-n8n';

export const STANDARD_KEY = 'sandbox-standard-key';
export const ENTERPRISE_KEY = 'sandbox-enterprise-key';
export const STANDARD_CREDENTIAL_ID = 'e2eMlStandard001';
export const ENTERPRISE_CREDENTIAL_ID = 'e2eMlEnterpris01';

/** The tarball globalSetup packed once for every e2e file. */
export const TGZ_ENV = 'MODELSLAB_E2E_TGZ';

export function packedTarball(): string {
	const tgz = process.env[TGZ_ENV];
	if (!tgz) throw new Error(`${TGZ_ENV} is not set: run the e2e suite with "npm run test:e2e"`);
	return tgz;
}

export interface CliState {
	version: N8nVersion;
	repo: string;
	/** temp folder holding everything below; removed in afterAll */
	root: string;
	/** N8N_USER_FOLDER: n8n keeps its data in `<userFolder>/.n8n` */
	userFolder: string;
	node: string;
	n8n: string;
	/** the tree that holds n8n's dependencies (…/node_modules) */
	n8nNodeModules: string;
	packageVersion: string;
	/** `<userFolder>/.n8n/nodes/node_modules/n8n-nodes-modelslab` */
	installedPackageDir: string;
	/** how the installed package's imports resolve under n8n's NODE_PATH, from the line's Node */
	resolved: { zod: string; n8nWorkflow: string };
}

/** A temp N8N_USER_FOLDER with the packed package installed the way n8n installs community packages. */
export function prepareCliState(version: N8nVersion): CliState {
	const t = tools({ n8n: version });
	const { node, n8n } = t;
	const root = mkdtempSync(path.join(tmpdir(), 'modelslab-e2e-'));
	const userFolder = path.join(root, 'user');
	const installed = installLikeN8n(packedTarball(), userFolder, node);
	const n8nDir = n8nPackageDir(t);
	return {
		version,
		repo: REPO_ROOT,
		root,
		userFolder,
		node,
		n8n,
		n8nNodeModules: path.resolve(n8nDir, '..'),
		packageVersion: installed.version,
		installedPackageDir: installed.packageDir,
		resolved: resolveLikeN8n(node, n8nDir, installed.packageDir),
	};
}

/** Every captured stdout/stderr of every n8n command, for the secret scan at the end. */
export const capturedOutputs: CommandRun[] = [];

async function run(state: CliState, args: string[]): Promise<CommandRun> {
	const result = await runN8n({ version: state.version, node: state.node, n8n: state.n8n, userFolder: state.userFolder, cwd: state.root }, args);
	capturedOutputs.push(result);
	return result;
}

export async function runN8nOk(state: CliState, args: string[]): Promise<CommandRun> {
	const result = await run(state, args);
	if (result.code !== 0) {
		throw new Error(`n8n ${args.join(' ')} exited with ${result.code ?? result.signal}:\n${result.stdout}\n${result.stderr}`);
	}
	return result;
}

/** `n8n execute --id <id> --rawOutput`, parsed. Exit code 0 on success, 1 when the execution failed. */
export async function executeWorkflow(state: CliState, workflowId: string) {
	const result = await run(state, ['execute', `--id=${workflowId}`, '--rawOutput']);
	return { run: result, execution: parseExecuteOutput<Execution>(result.stdout) };
}

/** The bytes behind a binary reference: the stored file (filesystem mode) or the inline base64 (n8n 1.x's default mode). */
export function binaryFile(state: CliState, ref: BinaryRef): Buffer {
	return ref.id ? readFileSync(binaryFilePath(state.userFolder, ref)) : Buffer.from(ref.data ?? '', 'base64');
}
