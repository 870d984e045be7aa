import type { IDataObject } from 'n8n-workflow';

export type ApiKind = 'standard' | 'enterprise';

/** What differs between the standard (v6) and the enterprise (v1) API: routes and credential. */
export interface ApiDefinition {
	kind: ApiKind;
	credentialType: 'modelsLabApi' | 'modelsLabEnterpriseApi';
	createPath: string;
	/** The documented fetch route for a queued job. */
	fetchPath(requestId: string): string;
	/** The body of a fetch call, also sent when following the answer's `fetch_result` link. */
	fetchBody(requestId: string): IDataObject;
}

export const APIS: Record<ApiKind, ApiDefinition> = {
	standard: {
		kind: 'standard',
		credentialType: 'modelsLabApi',
		createPath: '/api/v6/images/text2img',
		fetchPath: (requestId) => `/api/v6/images/fetch/${encodeURIComponent(requestId)}`,
		fetchBody: () => ({}),
	},
	enterprise: {
		kind: 'enterprise',
		credentialType: 'modelsLabEnterpriseApi',
		createPath: '/api/v1/enterprise/text2img',
		fetchPath: () => '/api/v1/enterprise/fetch',
		fetchBody: (requestId) => ({ request_id: requestId }),
	},
};

export const WALLET_BALANCE_PATH = '/api/wallet_balance';
export const MODEL_LIST_PATH = '/api/v4/dreambooth/model_list';
