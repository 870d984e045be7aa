import type { IDataObject } from 'n8n-workflow';

/** The ModelsLab APIs this node calls; each is one entry of `APIS`. */
export type ApiKind = 'standard' | 'enterprise' | 'imageEditing';

export type CredentialType = 'modelsLabApi' | 'modelsLabEnterpriseApi';

/**
 * What differs between the APIs: the credential and the routes. An operation with a create route of
 * its own passes `{ ...APIS[kind], createPath }` to the job; fetching stays the API's.
 */
export interface ApiDefinition {
	kind: ApiKind;
	credentialType: CredentialType;
	/** Its label as Fetch Result's API option, also named in errors that say how to collect a job. */
	label: string;
	/** Which jobs it holds, as Fetch Result's API option describes it. */
	jobs: string;
	createPath: string;
	/** The documented fetch route for a queued job. */
	fetchPath(requestId: string): string;
	/** The body of a fetch call, also sent when following the answer's `fetch_result` link. */
	fetchBody(requestId: string): IDataObject;
}

/** The create routes of the operations that take an image in (v6, standard key). */
export const EDIT_ROUTES = {
	img2img: '/api/v6/images/img2img',
	inpaint: '/api/v6/images/inpaint',
	upscale: '/api/v6/image_editing/super_resolution',
	removeBackground: '/api/v6/image_editing/removebg_mask',
	outpaint: '/api/v6/image_editing/outpaint',
	objectRemoval: '/api/v6/image_editing/object_removal',
} as const;

/** The image_editing upload helper: `{init_image: <data URI>}` in, `{output: [link]}` out; no job, no bill. */
export const UPLOAD_PATH = '/api/v6/image_editing/base64_to_url';

export const APIS: Record<ApiKind, ApiDefinition> = {
	standard: {
		kind: 'standard',
		credentialType: 'modelsLabApi',
		label: 'Standard',
		jobs: 'Jobs from Text to Image, Image to Image and Inpaint (v6 images)',
		createPath: '/api/v6/images/text2img',
		fetchPath: (requestId) => `/api/v6/images/fetch/${encodeURIComponent(requestId)}`,
		fetchBody: () => ({}),
	},
	enterprise: {
		kind: 'enterprise',
		credentialType: 'modelsLabEnterpriseApi',
		label: 'Enterprise',
		jobs: 'Jobs from Enterprise Text to Image (uses the enterprise credential)',
		createPath: '/api/v1/enterprise/text2img',
		fetchPath: () => '/api/v1/enterprise/fetch',
		fetchBody: (requestId) => ({ request_id: requestId }),
	},
	imageEditing: {
		kind: 'imageEditing',
		credentialType: 'modelsLabApi',
		label: 'Image Editing',
		jobs: 'Jobs from Upscale, Remove Background, Outpaint and Remove Object (v6 image_editing)',
		// each operation of the family sends to its own route (EDIT_ROUTES); this is the first of them
		createPath: EDIT_ROUTES.upscale,
		fetchPath: (requestId) => `/api/v6/image_editing/fetch/${encodeURIComponent(requestId)}`,
		fetchBody: () => ({}),
	},
};

/** Every API, in `APIS` order. */
export const API_KINDS = Object.keys(APIS) as [ApiKind, ...ApiKind[]];

export const MODEL_LIST_PATH = '/api/v4/dreambooth/model_list';
