/** The parts both ModelsLab credentials share: only the key's label and hint differ. */
import type { IAuthenticateGeneric, ICredentialTestRequest, INodeProperties } from 'n8n-workflow';

export const modelsLabIcon = {
	light: 'file:../nodes/ModelsLab/modelslab.svg',
	dark: 'file:../nodes/ModelsLab/modelslab.dark.svg',
} as const;

export function apiKeyProperty(displayName: string, description: string): INodeProperties {
	return {
		displayName,
		name: 'apiKey',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		required: true,
		description,
	};
}

export const baseUrlProperty: INodeProperties = {
	displayName: 'Base URL',
	name: 'baseUrl',
	type: 'string',
	default: 'https://modelslab.com',
	description:
		'Change only for a proxy or a ModelsLab-compatible test server. The key is sent only to this origin.',
};

/** ModelsLab reads the key from the JSON body as `key`, never from a header. */
export const keyInBody: IAuthenticateGeneric = {
	type: 'generic',
	properties: { body: { key: '={{ $credentials.apiKey }}' } },
};

/** wallet_balance is free: checking a key generates nothing and costs nothing. */
export const walletBalanceTest: ICredentialTestRequest = {
	request: {
		baseURL: '={{ $credentials.baseUrl }}',
		url: '/api/wallet_balance',
		method: 'POST',
		body: {},
		json: true,
	},
	rules: [
		{
			type: 'responseSuccessBody',
			properties: { key: 'status', value: 'error', message: 'ModelsLab rejected the API key' },
		},
	],
};
