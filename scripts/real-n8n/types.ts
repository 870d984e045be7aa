/** The parts of n8n's stored executions the scripts and tests read. */

export interface BinaryRef {
	mimeType: string;
	fileType?: string;
	fileExtension?: string;
	fileName?: string;
	fileSize?: string;
	bytes?: number;
	/** inline base64 (memory mode), or the mode name when `id` is set */
	data?: string;
	/** `filesystem-v2:<path>` in filesystem mode */
	id?: string;
	[key: string]: unknown;
}

export interface OutputItem {
	json: Record<string, unknown>;
	binary?: Record<string, BinaryRef>;
	pairedItem?: unknown;
	[key: string]: unknown;
}

export interface TaskData {
	startTime?: number;
	executionTime?: number;
	executionStatus?: string;
	error?: Record<string, unknown> & { message?: string; description?: string };
	data?: { main: Array<OutputItem[] | null> };
}

export interface Execution {
	id?: string;
	finished: boolean;
	mode: string;
	status: 'new' | 'running' | 'success' | 'error' | 'waiting' | 'canceled' | 'crashed' | 'unknown';
	startedAt?: string;
	stoppedAt?: string | null;
	waitTill?: string | null;
	workflowId?: string;
	data: {
		resultData: {
			runData: Record<string, TaskData[]>;
			lastNodeExecuted?: string;
			error?: Record<string, unknown> & { message?: string };
		};
		waitTill?: string;
	};
}

/** main[0] of a node's last run. */
export function nodeOutput(execution: Execution, nodeName: string): OutputItem[] {
	const runs = execution.data.resultData.runData[nodeName];
	if (!runs?.length) throw new Error(`node "${nodeName}" did not run`);
	return runs[runs.length - 1].data?.main[0] ?? [];
}

export interface WorkflowJson {
	name: string;
	nodes: Array<{ name: string; type: string; credentials?: Record<string, { id: string; name: string }> } & Record<string, unknown>>;
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	pinData?: Record<string, unknown>;
	[key: string]: unknown;
}
