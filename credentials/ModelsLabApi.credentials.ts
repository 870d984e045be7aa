import type { ICredentialType } from 'n8n-workflow';

import {
	apiKeyProperty,
	baseUrlProperty,
	keyInBody,
	modelsLabIcon,
	walletBalanceTest,
} from './modelsLabCredential';

export class ModelsLabApi implements ICredentialType {
	name = 'modelsLabApi';

	displayName = 'ModelsLab API';

	documentationUrl = 'https://docs.modelslab.com/get-started/authentication';

	icon = modelsLabIcon;

	properties = [
		apiKeyProperty('API Key', 'Your key from the ModelsLab dashboard (API Keys)'),
		baseUrlProperty,
	];

	authenticate = keyInBody;

	test = walletBalanceTest;
}
