// Account routes: wallet balance, the model list and the processing count; any key, no job.
import type { SandboxContext } from '../core/context';
import { sendJson } from '../core/http';
import type { ApiRouteName } from '../core/routeNames';
import { type ApiExchange, authenticate, defineRoute } from '../core/router';
import type { SandboxAccount } from '../core/types';
import type { Body } from '../core/validation';
import { processingCount } from '../jobs/store';

/** A route that authenticates any key and answers from its account. */
const accountRoute = <Name extends ApiRouteName>(name: Name, path: string, answer: (ctx: SandboxContext, acct: SandboxAccount) => unknown) =>
	defineRoute({
		name,
		path,
		tier: 'any',
		handle: (ctx: SandboxContext, ex: ApiExchange, body: Body) => {
			const acct = authenticate(ctx, ex, body, 'any');
			if (acct) sendJson(ex, 200, answer(ctx, acct));
		},
	});

export const accountRoutes = [
	accountRoute('wallet', '/api/wallet_balance', (_ctx, acct) => ({ status: 'success', data: { balance: acct.balance, currency: 'USD' } })),
	accountRoute('modelList', '/api/v4/dreambooth/model_list', (_ctx, acct) => acct.models),
	accountRoute('requestCount', '/api/v6/processing/request_count', (ctx, acct) => ({
		status: 'success',
		processing_count: processingCount(ctx, acct),
	})),
];
