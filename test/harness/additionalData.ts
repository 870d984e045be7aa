import { ExternalSecretsProxy } from 'n8n-core';
import type { ExecutionLifecycleHooks } from 'n8n-core';
import type { ICredentialsHelper, IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { UnexpectedError } from 'n8n-workflow';

const BASE_URL = 'http://127.0.0.1:5678';

const unsupported = (what: string) => async (): Promise<never> => {
	throw new UnexpectedError(`${what} is not supported by the test harness`);
};

/**
 * The minimal additionalData a single-workflow manual run needs. HTTP is not configured here:
 * n8n-core's request helpers go through `Container.get(OutboundHttp)` directly (real sockets).
 */
export function buildAdditionalData(params: {
	credentialsHelper: ICredentialsHelper;
	hooks: ExecutionLifecycleHooks;
	executionId: string;
	workflowId: string;
}): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper: params.credentialsHelper,
		hooks: params.hooks,
		executionId: params.executionId,
		workflowId: params.workflowId,
		userId: 'harness-user',
		currentNodeExecutionIndex: 0,
		// undefined: parameters are read from node.parameters, as during a real execution.
		currentNodeParameters: undefined,
		variables: {},
		externalSecretsProxy: new ExternalSecretsProxy(),
		restApiUrl: `${BASE_URL}/rest`,
		instanceBaseUrl: `${BASE_URL}/`,
		formBaseUrl: `${BASE_URL}/form`,
		formWaitingBaseUrl: `${BASE_URL}/form-waiting`,
		formTestBaseUrl: `${BASE_URL}/form-test`,
		webhookBaseUrl: `${BASE_URL}/webhook`,
		webhookWaitingBaseUrl: `${BASE_URL}/webhook-waiting`,
		webhookTestBaseUrl: `${BASE_URL}/webhook-test`,
		mcpBaseUrl: `${BASE_URL}/mcp`,
		mcpTestBaseUrl: `${BASE_URL}/mcp-test`,
		logAiEvent: () => {},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		executeWorkflow: unsupported('executeWorkflow (sub-workflows)'),
		startRunnerTask: unsupported('startRunnerTask (Code node task runners)'),
	};
}
