import type { IDataObject } from 'n8n-workflow';

/** The ModelsLab APIs this node calls; each is one entry of `APIS`. */
export type ApiKind = 'standard' | 'enterprise';

export type CredentialType = 'modelsLabApi' | 'modelsLabEnterpriseApi';

/**
 * What differs between the APIs: the credential and the routes. An operation with a create route of
 * its own passes `{ ...APIS[kind], createPath }` to the job; fetching stays the API's.
 */
export interface ApiDefinition {
	kind: ApiKind;
	credentialType: CredentialType;
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

/** Every API, in `APIS` order. */
export const API_KINDS = Object.keys(APIS) as [ApiKind, ...ApiKind[]];

export const MODEL_LIST_PATH = '/api/v4/dreambooth/model_list';
