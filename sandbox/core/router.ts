// The API server's dispatch: each family module exports its routes; server.ts lists the families.
// Everything a request meets before its handler (logging, latency, early faults, JSON) happens here once.
import type * as http from 'node:http';
import { type SandboxContext, sleep } from './context';
import { recordApiRequest } from './counters';
import { applyApiFault, type FaultRules, LATE_KINDS, takeFault } from './faults';
import { type Exchange, readBody, sendJson } from './http';
import { reshaper } from './observed';
import type { ApiRouteName } from './routeNames';
import type { RequestRecord, SandboxAccount, Tier } from './types';
import { isAbsent, type Body } from './validation';

export type ApiExchange = Exchange<RequestRecord>;

/** The route a path matched, with the id a path like `/fetch/{id}` carries. */
export interface RouteMatch {
	route: ApiRoute;
	id?: string;
}

export interface ApiRoute<Name extends ApiRouteName = ApiRouteName> {
	/** the name faults and request records use; several paths may share one */
	name: Name;
	/** a RegExp's first group is the id in the path */
	path: string | RegExp;
	/** which keys it takes; 'any' = every account */
	tier: Tier | 'any';
	/** the one method it answers (others get 405); default POST. A GET route's fields (the key too) are its query string */
	method?: 'GET' | 'POST';
	/** the counter every request to it bumps, whatever the answer */
	counter?: 'createAttempts' | 'fetches' | 'uploads';
	/** its handler matches `failed` faults itself */
	jobFaults?: boolean;
	/** it can bill a job and then answer with an `afterAccept` fault */
	afterAccept?: boolean;
	/** the prompt of the job a request is about, for faults aimed at one prompt */
	promptOf?: (ctx: SandboxContext, body: Body, match: RouteMatch) => unknown;
	/** `body`: the JSON body's fields, or a GET route's query parameters */
	handle: (ctx: SandboxContext, ex: ApiExchange, body: Body, match: RouteMatch) => void;
}

/** Keeps the route's name a literal type, so the registry can check that every name has a route. */
export function defineRoute<Name extends ApiRouteName>(route: ApiRoute<Name>): ApiRoute<Name> {
	return route;
}

/** The registry: every family's routes, in matching order. It does not compile while a name has no route. */
export function routeRegistry<Name extends ApiRouteName>(
	routes: ReadonlyArray<ApiRoute<Name>> & ([Exclude<ApiRouteName, Name>] extends [never] ? unknown : { unrouted: Exclude<ApiRouteName, Name> }),
): readonly ApiRoute[] {
	return routes;
}

export function faultRules(routes: readonly ApiRoute[]): FaultRules {
	const names = (pick: (r: ApiRoute) => boolean | undefined) => [...new Set(routes.filter(pick).map((r) => r.name))];
	return { apiRoutes: names(() => true), jobFaultRoutes: names((r) => r.jobFaults), afterAcceptRoutes: names((r) => r.afterAccept) };
}

function matchRoute(routes: readonly ApiRoute[], path: string): RouteMatch | null {
	for (const route of routes) {
		if (typeof route.path === 'string') {
			if (route.path === path) return { route };
			continue;
		}
		const m = route.path.exec(path);
		if (m) return { route, id: decodeURIComponent(m[1]) };
	}
	return null;
}

/** The key's account, or null after answering 401/403 as the vendor does. */
export function authenticate(ctx: SandboxContext, ex: ApiExchange, body: Body, tier: Tier | 'any'): SandboxAccount | null {
	const { key } = body;
	const fail = (status: number, message: string) => {
		sendJson(ex, status, { status: 'error', message });
		return null;
	};
	if (isAbsent(key)) return fail(401, 'API key required');
	const acct = typeof key === 'string' ? ctx.accounts.get(key) : undefined;
	if (!acct) return fail(401, 'Invalid API key');
	if (tier === 'enterprise' && acct.kind !== 'enterprise') return fail(403, 'Feature not available');
	if (tier === 'standard' && acct.kind !== 'standard') return fail(401, 'Invalid API key');
	return acct;
}

/** A GET route's fields: the query string's parameters (the last of a repeated name). */
function queryFields(url: string): Body {
	return Object.fromEntries(new URL(url, 'http://sandbox.invalid').searchParams);
}

function parseBody(text: string): { body: Body; jsonOk: boolean } {
	if (text.trim() === '') return { body: {}, jsonOk: true };
	try {
		const body: unknown = JSON.parse(text);
		return { body: body as Body, jsonOk: Boolean(body) && typeof body === 'object' && !Array.isArray(body) };
	} catch {
		return { body: {}, jsonOk: false };
	}
}

export function apiHandler(ctx: SandboxContext, routes: readonly ApiRoute[]) {
	return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
		const entry = recordApiRequest(ctx.stats, req, res);
		const ex: ApiExchange = { req, res, entry };
		let raw: Buffer;
		try {
			raw = await readBody(req);
		} catch {
			return sendJson(ex, 413, { status: 'error', message: 'Request body too large' });
		}
		const text = raw.toString('utf8');
		const { body, jsonOk } = parseBody(text);
		entry.body = jsonOk ? body : text;

		const match = matchRoute(routes, entry.path);
		if (match) {
			entry.route = match.route.name;
			if (match.route.counter) ctx.stats[match.route.counter]++;
		}

		if (ctx.config.latencyMs > 0) await sleep(ctx, ctx.config.latencyMs);
		if (!match) return sendJson(ex, 404, { status: 'error', message: 'Route not found' });
		const { route } = match;
		const method = route.method ?? 'POST';
		if (req.method !== method) return sendJson(ex, 405, { status: 'error', message: 'Method not allowed' }, { allow: method });

		const fields = method === 'GET' ? queryFields(entry.url) : body;
		const fieldsOk = method === 'GET' || jsonOk;
		const prompt = fieldsOk ? route.promptOf?.(ctx, fields, match) : undefined;
		const early = takeFault(ctx, route.name, (f) => !LATE_KINDS.has(f.kind) && !('afterAccept' in f && f.afterAccept), prompt);
		if (early && early.kind === 'delay') {
			entry.fault = 'delay';
			await sleep(ctx, early.ms);
		} else if (early) return applyApiFault(ctx, early, ex, fields);

		if (!fieldsOk) return sendJson(ex, 400, { status: 'error', messege: 'Invalid JSON body' });
		const shape = takeFault(ctx, route.name, (f) => f.kind === 'shape', prompt);
		if (shape?.kind === 'shape') {
			entry.fault = 'shape';
			Object.assign(ex, reshaper(shape));
		}
		route.handle(ctx, ex, fields, match);
	};
}
