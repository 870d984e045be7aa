// Injected faults: their checks, the FIFO that hands them out, and the answers of the early ones.
import * as http from 'node:http';
import type { SandboxContext, StoredFault } from './context';
import { DEFAULT_HTML, type Exchange, resetSocket, sendJson, sendRaw, sendStatusBody, TEXT_HTML } from './http';
import { checkReshape, RECORDED_ANSWERS, recordedAnswer } from './observed';
import type { Fault, RequestRecord } from './types';

type Where = 'both' | 'api' | 'cdn';

const FAULT_KINDS: Record<Fault['kind'], Where> = {
	status: 'both',
	reset: 'both',
	html: 'both',
	delay: 'both',
	apiError: 'api',
	rateLimit: 'api',
	failed: 'api',
	truncate: 'cdn',
	contentType: 'cdn',
	notFoundUntilReady: 'cdn',
	recorded: 'api',
	shape: 'api',
};

/** Kinds a route handler matches itself, after it has found the job; all others act before auth. */
export const LATE_KINDS: ReadonlySet<Fault['kind']> = new Set(['failed', 'shape']);
const AFTER_ACCEPT_KINDS: ReadonlyArray<Fault['kind']> = ['status', 'reset', 'html'];

/** Which API routes take which faults: derived from the route registry. */
export interface FaultRules {
	apiRoutes: readonly string[];
	/** routes whose handler matches `failed` faults */
	jobFaultRoutes: readonly string[];
	/** routes that can bill a job before answering with a fault */
	afterAcceptRoutes: readonly string[];
}

const quoted = (names: readonly string[], joiner: string) => names.map((n) => `'${n}'`).join(joiner);

export function checkFault(fault: Fault, rules: FaultRules): StoredFault {
	if (!fault || typeof fault !== 'object') throw new TypeError('fault must be an object');
	const routes = [...rules.apiRoutes, 'cdn', 'any'];
	if (!routes.includes(fault.route)) throw new TypeError(`fault.route must be one of ${routes.join(', ')}`);
	const where = FAULT_KINDS[fault.kind];
	if (!where) throw new TypeError(`unknown fault kind: ${fault.kind}`);
	if (where === 'cdn' && fault.route !== 'cdn') throw new TypeError(`fault kind ${fault.kind} is only for route 'cdn'`);
	if (where === 'api' && fault.route === 'cdn') throw new TypeError(`fault kind ${fault.kind} is not for route 'cdn'`);
	if (fault.kind === 'failed' && !rules.jobFaultRoutes.includes(fault.route)) {
		throw new TypeError(`fault kind 'failed' is only for routes ${quoted(rules.jobFaultRoutes, ' and ')}`);
	}
	if ('afterAccept' in fault && fault.afterAccept && (!rules.afterAcceptRoutes.includes(fault.route) || !AFTER_ACCEPT_KINDS.includes(fault.kind))) {
		throw new TypeError(`afterAccept is only for route ${quoted(rules.afterAcceptRoutes, ' or ')} with kind status, reset or html`);
	}
	if (fault.kind === 'status' && !(Number.isInteger(fault.status) && fault.status >= 100 && fault.status <= 599)) {
		throw new TypeError('status fault needs an HTTP status');
	}
	if (fault.kind === 'delay' && !(typeof fault.ms === 'number' && fault.ms >= 0)) throw new TypeError('delay fault needs ms >= 0');
	if (fault.kind === 'contentType' && !(fault.value === null || typeof fault.value === 'string')) {
		throw new TypeError('contentType fault needs value: string | null');
	}
	if (fault.kind === 'recorded' && !RECORDED_ANSWERS.includes(fault.answer)) {
		throw new TypeError(`recorded fault answer must be one of ${RECORDED_ANSWERS.join(', ')}`);
	}
	if (fault.kind === 'recorded' && fault.seconds !== undefined && !(typeof fault.seconds === 'number' && fault.seconds >= 0)) {
		throw new TypeError('recorded fault seconds must be a number >= 0');
	}
	if (fault.kind === 'shape') checkReshape(fault);
	if (fault.prompt !== undefined && typeof fault.prompt !== 'string') throw new TypeError('fault.prompt must be a string');
	const times = fault.times ?? 1;
	if (!(times === Infinity || (Number.isInteger(times) && times >= 1))) throw new TypeError('fault.times must be an integer >= 1 or Infinity');
	return { ...fault, times };
}

/**
 * FIFO: the oldest pending fault for this route (or 'any') that `accept` allows.
 * A fault with `prompt` only hits requests about that prompt's jobs, so a batch item can be targeted.
 */
export function takeFault(
	ctx: SandboxContext,
	route: string,
	accept: (f: StoredFault) => boolean,
	prompt: unknown,
): StoredFault | null {
	const { faults } = ctx;
	for (let i = 0; i < faults.length; i++) {
		const f = faults[i];
		const routeOk = f.route === route || (f.route === 'any' && route !== 'cdn');
		if (!routeOk || !accept(f) || (f.prompt !== undefined && f.prompt !== prompt)) continue;
		f.times -= 1;
		if (f.times <= 0) faults.splice(i, 1);
		return f;
	}
	return null;
}

export function rateLimitBody(limit: number, retryAfter: number) {
	return { status: 'error', message: `Rate limit exceeded. Maximum ${limit} queued requests allowed.`, retry_after: retryAfter };
}

/** Answers 429 and counts it. */
export function sendRateLimited(ctx: SandboxContext, ex: Exchange, limit: number, retryAfter: number): void {
	ctx.stats.rejected429++;
	sendJson(ex, 429, rateLimitBody(limit, retryAfter));
}

/** Answers with the fault kinds both servers know; false when the kind is not one of them. */
export function sendCommonFault(ex: Exchange, fault: StoredFault, defaultStatusBody: unknown): boolean {
	switch (fault.kind) {
		case 'status':
			sendStatusBody(ex, fault.status, fault.body === undefined ? defaultStatusBody : fault.body, fault.headers);
			return true;
		case 'reset':
			resetSocket(ex);
			return true;
		case 'html':
			sendRaw(ex, fault.status ?? 200, TEXT_HTML, fault.body ?? DEFAULT_HTML);
			return true;
	}
	return false;
}

/** Early API faults: answered before auth/validation, like a proxy or overloaded backend would. `fields`: the request's (its key names the account). */
export function applyApiFault(ctx: SandboxContext, fault: StoredFault, ex: Exchange<RequestRecord>, fields: unknown = ex.entry.body): void {
	ex.entry.fault = fault.kind;
	const reason = fault.kind === 'status' ? http.STATUS_CODES[fault.status] : undefined;
	if (sendCommonFault(ex, fault, { status: 'error', message: reason ?? 'Error' })) return;
	if (fault.kind === 'apiError') {
		sendJson(ex, fault.status ?? 200, { status: 'error', [fault.field ?? 'messege']: fault.message });
	} else if (fault.kind === 'recorded') {
		const [status, body] = recordedAnswer(fault.answer, fault.seconds);
		if (status === 429) ctx.stats.rejected429++;
		sendJson(ex, status, body);
	} else if (fault.kind === 'rateLimit') {
		const body = fields as { key?: unknown } | null;
		const acct = body && typeof body === 'object' ? ctx.accounts.get(body.key as string) : undefined;
		sendRateLimited(ctx, ex, acct ? acct.queueLimit : 5, fault.retryAfter ?? ctx.config.retryAfterSeconds);
	}
}
