import type { IDataObject } from 'n8n-workflow';

/** The ModelsLab APIs this node calls; each is one entry of `APIS`. */
export type ApiKind = 'standard' | 'enterprise' | 'imageEditing' | 'v7Images' | 'v7Video';

type CredentialType = 'modelsLabApi' | 'modelsLabEnterpriseApi';

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
	/** What its jobs make: Fetch Result hands on images or videos accordingly. */
	produces: 'image' | 'video';
	/** The documented fetch route for a queued job. */
	fetchPath(requestId: string): string;
	/** The body of a fetch call, also sent when following the answer's `fetch_result` link. */
	fetchBody(requestId: string): IDataObject;
}

/** The image_editing upload helper: `{init_image: <data URI>}` in, `{output: [link]}` out; no job, no bill. */
export const UPLOAD_PATH = '/api/v6/image_editing/base64_to_url';

/** A v6 family of the standard key: its jobs are fetched at `/api/v6/<family>/fetch/{id}`. */
function v6Family(kind: ApiKind, label: string, family: string): ApiDefinition {
	return {
		kind,
		credentialType: 'modelsLabApi',
		label,
		jobsNote: `v6 ${family}`,
		produces: 'image',
		fetchPath: (requestId) => `/api/v6/${family}/fetch/${encodeURIComponent(requestId)}`,
		fetchBody: () => ({}),
	};
}

export const APIS: Record<ApiKind, ApiDefinition> = {
	standard: v6Family('standard', 'Standard', 'images'),
	enterprise: {
		kind: 'enterprise',
		credentialType: 'modelsLabEnterpriseApi',
		label: 'Enterprise',
		jobsNote: 'uses the enterprise credential',
		produces: 'image',
		fetchPath: () => '/api/v1/enterprise/fetch',
		fetchBody: (requestId) => ({ request_id: requestId }),
	},
	imageEditing: v6Family('imageEditing', 'Image Editing', 'image_editing'),
	v7Images: {
		kind: 'v7Images',
		credentialType: 'modelsLabApi',
		label: 'Images v7',
		jobsNote: 'v7 images',
		produces: 'image',
		fetchPath: (requestId) => `/api/v7/images/fetch/${encodeURIComponent(requestId)}`,
		fetchBody: () => ({}),
	},
	v7Video: {
		kind: 'v7Video',
		credentialType: 'modelsLabApi',
		label: 'Video v7',
		jobsNote: 'v7 video-fusion',
		produces: 'video',
		fetchPath: (requestId) => `/api/v7/video-fusion/fetch/${encodeURIComponent(requestId)}`,
		fetchBody: () => ({}),
	},
};

/** Every API, in `APIS` order. */
export const API_KINDS = Object.keys(APIS) as [ApiKind, ...ApiKind[]];

export const MODEL_LIST_PATH = '/api/v4/dreambooth/model_list';

/** ModelsLab's v7 model listing: GET, with the key, `feature` and `search` in the query string. */
export const V7_MODELS_PATH = '/api/v7/models';
