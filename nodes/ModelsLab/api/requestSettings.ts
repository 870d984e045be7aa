/**
 * n8n's own Request Options (timeout, proxy, ignore SSL issues), as the node's Settings give them,
 * applied to every API call and image download. The key still goes only to the API's origin: a
 * proxy forwards the request, it never changes where the key is put.
 */
import type { IHttpRequestOptions } from 'n8n-workflow';

import type { RequestPurpose } from './errors';

/** What a request is for: an API call's purpose, or an image download. */
type TimedPurpose = RequestPurpose | 'download';

export interface RequestSettings {
	/** ms; undefined: each purpose's own default. */
	timeout?: number;
	/** http(s)://[user:password@]host:port; undefined: n8n's own (HTTP_PROXY …) applies. */
	proxy?: string;
	allowUnauthorizedCerts?: boolean;
}

/** Each purpose's timeout without a setting. */
const DEFAULT_TIMEOUT_MS: Record<TimedPurpose, number> = {
	create: 120_000,
	fetch: 30_000,
	lookup: 30_000,
	download: 60_000,
};

/**
 * The timeout of a request: the setting, except that a create never times out sooner than its
 * default. An accepted create is billed, and a short timeout would turn it into a failed item.
 */
function timeoutFor(purpose: TimedPurpose, settings: RequestSettings = {}): number {
	const own = DEFAULT_TIMEOUT_MS[purpose];
	if (settings.timeout === undefined) return own;
	return purpose === 'create' ? Math.max(own, settings.timeout) : settings.timeout;
}

/** n8n's proxy option from a proxy URL, as n8n's declarative nodes build it. */
function proxyOption(proxy: string): IHttpRequestOptions['proxy'] {
	const url = new URL(proxy);
	const protocol = url.protocol.replace(/:$/, '');
	return {
		protocol,
		host: url.hostname,
		port: url.port ? Number(url.port) : protocol === 'https' ? 443 : 80,
		...(url.username
			? { auth: { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } }
			: {}),
	};
}

/** The options with the settings applied: timeout, proxy and certificate checks. */
export function withRequestSettings(
	options: IHttpRequestOptions,
	purpose: TimedPurpose,
	settings: RequestSettings = {},
): IHttpRequestOptions {
	return {
		...options,
		timeout: timeoutFor(purpose, settings),
		...(settings.proxy ? { proxy: proxyOption(settings.proxy) } : {}),
		...(settings.allowUnauthorizedCerts ? { skipSslCertificateValidation: true } : {}),
	};
}
