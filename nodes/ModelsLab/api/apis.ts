import type { IDataObject } from 'n8n-workflow';

/** The ModelsLab APIs this node calls; each is one entry of `APIS`. */
export type ApiKind = 'standard' | 'enterprise' | 'imageEditing';

export type CredentialType = 'modelsLabApi' | 'modelsLabEnterpriseApi';

/**
 * What differs between the APIs: the credential and the fetch route. Each operation names its own
 * create route (its facts); the jobs of an API are fetched on the API's route.
 */
export interface ApiDefinition {
	kind: ApiKind;
	credentialType: CredentialType;
	/** Its label as Fetch Result's API option, also named in errors that say how to collect a job. */
	label: string;
	/** Added to the operations whose jobs it holds, in Fetch Result's API option (the registry names them). */
	jobsNote: string;
	/** The documented fetch route for a queued job. */
	fetchPath(requestId: string): string;
	/** The body of a fetch call, also sent when following the answer's `fetch_result` link. */
	fetchBody(requestId: string): IDataObject;
}

/** The image_editing upload helper: `{init_image: <data URI>}` in, `{output: [link]}` out; no job, no bill. */
export const UPLOAD_PATH = '/api/v6/image_editing/base64_to_url';

export const APIS: Record<ApiKind, ApiDefinition> = {
	standard: {
		kind: 'standard',
		credentialType: 'modelsLabApi',
		label: 'Standard',
		jobsNote: 'v6 images',
		fetchPath: (requestId) => `/api/v6/images/fetch/${encodeURIComponent(requestId)}`,
		fetchBody: () => ({}),
	},
	enterprise: {
		kind: 'enterprise',
		credentialType: 'modelsLabEnterpriseApi',
		label: 'Enterprise',
		jobsNote: 'uses the enterprise credential',
		fetchPath: () => '/api/v1/enterprise/fetch',
		fetchBody: (requestId) => ({ request_id: requestId }),
	},
	imageEditing: {
		kind: 'imageEditing',
		credentialType: 'modelsLabApi',
		label: 'Image Editing',
		jobsNote: 'v6 image_editing',
		fetchPath: (requestId) => `/api/v6/image_editing/fetch/${encodeURIComponent(requestId)}`,
		fetchBody: () => ({}),
	},
};

/** Every API, in `APIS` order. */
export const API_KINDS = Object.keys(APIS) as [ApiKind, ...ApiKind[]];

export const MODEL_LIST_PATH = '/api/v4/dreambooth/model_list';
