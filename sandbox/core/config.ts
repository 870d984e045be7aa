// Options and accounts: their defaults and the checks that make a typo throw instead of being ignored.
import type { SandboxAccount, SandboxAccountInput, SandboxConfig, SandboxModel } from './types';

export const DEFAULT_STANDARD_KEY = 'sandbox-standard-key';
export const DEFAULT_ENTERPRISE_KEY = 'sandbox-enterprise-key';

export const DEFAULT_MODELS: ReadonlyArray<SandboxModel> = [
	{ model_id: 'flux', model_name: 'Flux', status: 'model_ready', description: 'Flux base model, Full HD quality.' },
	{ model_id: 'sdxl', model_name: 'SDXL 1.0', status: 'model_ready', description: 'Stable Diffusion XL base model.' },
	{
		model_id: 'realistic-vision-v51',
		model_name: 'Realistic Vision V5.1',
		status: 'model_ready',
		description: 'Community photorealistic model.',
	},
	{ model_id: 'dreamshaper-8', model_name: 'DreamShaper 8', status: 'model_ready', description: 'Community general-purpose model.' },
];

export const DEFAULT_ACCOUNTS: SandboxAccountInput[] = [
	{ key: DEFAULT_STANDARD_KEY, kind: 'standard' },
	{ key: DEFAULT_ENTERPRISE_KEY, kind: 'enterprise' },
];

export const DEFAULT_CONFIG: Readonly<SandboxConfig> = {
	processingMs: 0,
	etaSeconds: null,
	etaCountsDown: false,
	renderAtCreate: false,
	jitter: 0,
	rngSeed: 1,
	latencyMs: 0,
	retryAfterSeconds: 30,
	base64Form: 'raw',
	fetchResultOrigin: null,
	echoKeyInMeta: false,
	failNextJobs: 0,
	failMessage: 'Image generation failed',
	costPerImage: 0.002,
	cdnNotFoundUntilReady: false,
	imageNoiseBits: 0,
	videoPayloadBytes: 4096,
	videoMalformedMvhd: false,
	cdnChunked: false,
};

type ConfigCheck = (v: unknown) => boolean;

const isNonNegative: ConfigCheck = (v) => typeof v === 'number' && v >= 0 && Number.isFinite(v);
const isBoolean: ConfigCheck = (v) => typeof v === 'boolean';

// Each option: what it must be (for the error) and the test.
const CONFIG_CHECKS: Record<keyof SandboxConfig, [string, ConfigCheck]> = {
	processingMs: ['a number >= 0', isNonNegative],
	latencyMs: ['a number >= 0', isNonNegative],
	retryAfterSeconds: ['a number >= 0', isNonNegative],
	costPerImage: ['a number >= 0', isNonNegative],
	failNextJobs: ['an integer >= 0', (v) => Number.isInteger(v) && (v as number) >= 0],
	etaSeconds: ['a number >= 0 or null', (v) => v === null || (typeof v === 'number' && v >= 0)],
	etaCountsDown: ['a boolean', isBoolean],
	renderAtCreate: ['a boolean', isBoolean],
	jitter: ['a number in 0..1', (v) => typeof v === 'number' && v >= 0 && v <= 1],
	rngSeed: ['an integer', (v) => Number.isInteger(v)],
	base64Form: ["'raw', 'dataUri' or 'link'", (v) => v === 'raw' || v === 'dataUri' || v === 'link'],
	fetchResultOrigin: ['a string or null', (v) => v === null || typeof v === 'string'],
	failMessage: ['a string', (v) => typeof v === 'string'],
	echoKeyInMeta: ['a boolean', isBoolean],
	cdnNotFoundUntilReady: ['a boolean', isBoolean],
	imageNoiseBits: ['an integer in 0..8', (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 8],
	videoPayloadBytes: ['an integer >= 0', (v) => Number.isSafeInteger(v) && (v as number) >= 0],
	videoMalformedMvhd: ['a boolean', isBoolean],
	cdnChunked: ['a boolean', isBoolean],
};

/** The known options of `partial`, checked; `accounts` is left to buildAccounts. */
export function checkConfig(partial: object): Partial<SandboxConfig> {
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(partial)) {
		if (k === 'accounts') continue;
		if (!(k in DEFAULT_CONFIG)) throw new TypeError(`unknown sandbox option: ${k}`);
		const [what, isValid] = CONFIG_CHECKS[k as keyof SandboxConfig];
		if (!isValid(v)) throw new TypeError(`sandbox option ${k} must be ${what}`);
		out[k] = v;
	}
	return out as Partial<SandboxConfig>;
}

function normalizeAccount(a: SandboxAccountInput, i: number): SandboxAccount {
	if (!a || typeof a.key !== 'string' || a.key === '') throw new TypeError(`accounts[${i}].key must be a non-empty string`);
	const kind = a.kind ?? 'standard';
	if (kind !== 'standard' && kind !== 'enterprise') throw new TypeError(`accounts[${i}].kind must be standard or enterprise`);
	const balance = a.balance ?? 43.6;
	const queueLimit = a.queueLimit ?? 5;
	if (typeof balance !== 'number') throw new TypeError(`accounts[${i}].balance must be a number`);
	if (!Number.isInteger(queueLimit) || queueLimit < 1) throw new TypeError(`accounts[${i}].queueLimit must be a positive integer`);
	const models = (a.models ?? DEFAULT_MODELS).map((m) => ({ ...m }));
	return { key: a.key, kind, balance, queueLimit, models };
}

/** Accounts by key; throws on a bad or duplicate entry. */
export function buildAccounts(list: SandboxAccountInput[]): Map<string, SandboxAccount> {
	const map = new Map<string, SandboxAccount>();
	list.forEach((a, i) => {
		const acct = normalizeAccount(a, i);
		if (map.has(acct.key)) throw new TypeError(`duplicate account key at accounts[${i}]`);
		map.set(acct.key, acct);
	});
	return map;
}
