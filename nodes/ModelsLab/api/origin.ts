/** The origin guard: the key is sent only to the credential's own origin. */

/** The origin of the credential's base URL, or undefined when it is not an http(s) URL. */
export function credentialOrigin(baseUrl: unknown): string | undefined {
	try {
		const url = new URL(String(baseUrl));
		return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
	} catch {
		return undefined;
	}
}

/** Resolves `url` against the base URL, refusing any other origin so the key cannot leave it. */
export function resolveApiUrl(url: string, baseUrl: string): string | undefined {
	const origin = credentialOrigin(baseUrl);
	if (!origin) return undefined;
	if (url.startsWith('/')) return `${String(baseUrl).replace(/\/+$/, '')}${url}`;
	try {
		return new URL(url).origin === origin ? url : undefined;
	} catch {
		return undefined;
	}
}
