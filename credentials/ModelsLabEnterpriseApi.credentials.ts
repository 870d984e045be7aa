import type { ICredentialType } from 'n8n-workflow';

import {
	apiKeyProperty,
	baseUrlProperty,
	keyInBody,
	modelsLabIcon,
	walletBalanceTest,
} from './modelsLabCredential';

export class ModelsLabEnterpriseApi implements ICredentialType {
	name = 'modelsLabEnterpriseApi';

	displayName = 'ModelsLab Enterprise API';

	documentationUrl = 'https://docs.modelslab.com/enterprise-api/general/overview';

	icon = modelsLabIcon;

	properties = [
		apiKeyProperty(
			'Enterprise API Key',
			"The key of your dedicated server. With several servers, enter the first server's key: ModelsLab load-balances across the others.",
		),
		baseUrlProperty,
	];

	authenticate = keyInBody;

	test = walletBalanceTest;
}
