import type { ICredentialType } from 'n8n-workflow';

import { ModelsLabApi } from './ModelsLabApi.credentials';
import { apiKeyProperty, baseUrlProperty, modelsLabIcon, walletBalanceTest } from './modelsLabCredential';

/** The standard credential with an enterprise key: the same body `key` and free test. */
export class ModelsLabEnterpriseApi extends ModelsLabApi implements ICredentialType {
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

	test = walletBalanceTest;
}
