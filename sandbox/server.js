'use strict';
// ModelsLab-compatible sandbox: an API origin plus a separate "CDN" origin, both on 127.0.0.1.
// Behaviour follows /work/shared/modelslab-api (key in the JSON body, HTTP 200 for most errors,
// `messege` spelling, processing -> fetch flow, per-account queue limit).
const http = require('node:http');
const https = require('node:https');
const dns = require('node:dns');
const net = require('node:net');
const { renderPngShared } = require('./png');

const HOST = '127.0.0.1';
const DEFAULT_STANDARD_KEY = 'sandbox-standard-key';
const DEFAULT_ENTERPRISE_KEY = 'sandbox-enterprise-key';
const MAX_BODY_BYTES = 5 * 1024 * 1024;

const DEFAULT_MODELS = [
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

const SCHEDULERS = [
	'DDPMScheduler', 'DDIMScheduler', 'PNDMScheduler', 'LMSDiscreteScheduler', 'EulerDiscreteScheduler',
	'EulerAncestralDiscreteScheduler', 'DPMSolverMultistepScheduler', 'HeunDiscreteScheduler', 'KDPM2DiscreteScheduler',
	'DPMSolverSinglestepScheduler', 'KDPM2AncestralDiscreteScheduler', 'UniPCMultistepScheduler', 'DDIMInverseScheduler',
	'DEISMultistepScheduler', 'IPNDMScheduler', 'KarrasVeScheduler', 'ScoreSdeVeScheduler', 'LCMScheduler',
];
const SAFETY_CHECKER_TYPES = ['blur', 'sensitive_content_text', 'pixelate', 'black'];
const YES_NO_FIELDS = [
	'safety_checker', 'enhance_prompt', 'base64', 'temp', 'tomesd', 'use_karras_sigmas', 'panorama', 'self_attention',
	'upscale', 'highres_fix', 'use_cfg_zero_star', 'use_zero_init', 'instant_response', 'rescale', 'watermark',
];

const DEFAULT_CONFIG = {
	processingMs: 0,
	etaSeconds: null,
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
};

const API_ROUTES = ['create', 'fetch', 'wallet', 'modelList', 'requestCount'];
const FAULT_ROUTES = [...API_ROUTES, 'cdn', 'any'];
const FAULT_KINDS = {
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
};
// these kinds are matched inside the create/fetch handlers, not before them
const LATE_KINDS = new Set(['failed']);

// ---------- small helpers ----------

function mulberry32(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function prngUuid(rand) {
	const bytes = [];
	for (let i = 0; i < 16; i++) bytes.push(Math.floor(rand() * 256));
	bytes[6] = (bytes[6] & 0x0f) | 0x40;
	bytes[8] = (bytes[8] & 0x3f) | 0x80;
	const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function isAbsent(v) {
	return v === undefined || v === null || v === '';
}

function toNumber(v) {
	if (typeof v === 'number') return Number.isFinite(v) ? v : NaN;
	if (typeof v === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)\s*$/.test(v)) return Number(v);
	return NaN;
}

function toYesNo(v) {
	if (v === true || v === 'yes' || v === 'true') return 'yes';
	if (v === false || v === 'no' || v === 'false') return 'no';
	return undefined;
}

function label(field) {
	return field.replace(/_/g, ' ');
}

function splitList(v) {
	if (isAbsent(v)) return [];
	if (Array.isArray(v)) return v.filter((x) => !isAbsent(x)).map((x) => (typeof x === 'string' ? x.trim() : x));
	if (typeof v === 'number') return [v];
	if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter((s) => s !== '');
	return null;
}

function isLoopbackAddress(addr) {
	if (net.isIPv4(addr)) return addr === '127.0.0.1';
	if (net.isIPv6(addr)) return addr === '::1' || addr === '::ffff:127.0.0.1';
	return false;
}

function isLoopbackHost(hostname) {
	const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	return h === 'localhost' || isLoopbackAddress(h);
}

// Guards webhook delivery: even "localhost" must resolve to a loopback address.
function loopbackLookup(hostname, options, callback) {
	dns.lookup(hostname, options, (err, address, family) => {
		if (err) return callback(err);
		if (Array.isArray(address)) {
			const ok = address.filter((a) => isLoopbackAddress(a.address));
			if (ok.length === 0) return callback(new Error(`refusing non-loopback address for ${hostname}`));
			return callback(null, ok);
		}
		if (!isLoopbackAddress(address)) return callback(new Error(`refusing non-loopback address ${address}`));
		return callback(null, address, family);
	});
}

function readBody(req) {
	return new Promise((resolve, reject) => {
		const parts = [];
		let size = 0;
		req.on('data', (c) => {
			size += c.length;
			if (size > MAX_BODY_BYTES) {
				reject(new Error('body too large'));
				req.destroy();
				return;
			}
			parts.push(c);
		});
		req.on('end', () => resolve(Buffer.concat(parts)));
		req.on('error', reject);
	});
}

function normalizeAccount(a, i) {
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

function buildAccounts(list) {
	const map = new Map();
	list.forEach((a, i) => {
		const acct = normalizeAccount(a, i);
		if (map.has(acct.key)) throw new TypeError(`duplicate account key at accounts[${i}]`);
		map.set(acct.key, acct);
	});
	return map;
}

function checkConfig(partial) {
	const out = {};
	for (const [k, v] of Object.entries(partial)) {
		if (k === 'accounts') continue;
		if (!(k in DEFAULT_CONFIG)) throw new TypeError(`unknown sandbox option: ${k}`);
		const bad = (what) => {
			throw new TypeError(`sandbox option ${k} must be ${what}`);
		};
		switch (k) {
			case 'processingMs':
			case 'latencyMs':
			case 'retryAfterSeconds':
			case 'costPerImage':
				if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) bad('a number >= 0');
				break;
			case 'failNextJobs':
				if (!Number.isInteger(v) || v < 0) bad('an integer >= 0');
				break;
			case 'etaSeconds':
				if (v !== null && (typeof v !== 'number' || !(v >= 0))) bad('a number >= 0 or null');
				break;
			case 'jitter':
				if (typeof v !== 'number' || !(v >= 0 && v <= 1)) bad('a number in 0..1');
				break;
			case 'rngSeed':
				if (!Number.isInteger(v)) bad('an integer');
				break;
			case 'base64Form':
				if (!['raw', 'dataUri', 'link'].includes(v)) bad("'raw', 'dataUri' or 'link'");
				break;
			case 'fetchResultOrigin':
				if (v !== null && typeof v !== 'string') bad('a string or null');
				break;
			case 'failMessage':
				if (typeof v !== 'string') bad('a string');
				break;
			case 'echoKeyInMeta':
			case 'cdnNotFoundUntilReady':
				if (typeof v !== 'boolean') bad('a boolean');
				break;
		}
		out[k] = v;
	}
	return out;
}

function checkFault(fault) {
	if (!fault || typeof fault !== 'object') throw new TypeError('fault must be an object');
	if (!FAULT_ROUTES.includes(fault.route)) throw new TypeError(`fault.route must be one of ${FAULT_ROUTES.join(', ')}`);
	const where = FAULT_KINDS[fault.kind];
	if (!where) throw new TypeError(`unknown fault kind: ${fault.kind}`);
	if (where === 'cdn' && fault.route !== 'cdn') throw new TypeError(`fault kind ${fault.kind} is only for route 'cdn'`);
	if (where === 'api' && fault.route === 'cdn') throw new TypeError(`fault kind ${fault.kind} is not for route 'cdn'`);
	if (fault.kind === 'failed' && !['create', 'fetch'].includes(fault.route)) {
		throw new TypeError("fault kind 'failed' is only for routes 'create' and 'fetch'");
	}
	if (fault.afterAccept && (fault.route !== 'create' || !['status', 'reset', 'html'].includes(fault.kind))) {
		throw new TypeError("afterAccept is only for route 'create' with kind status, reset or html");
	}
	if (fault.kind === 'status' && !(Number.isInteger(fault.status) && fault.status >= 100 && fault.status <= 599)) {
		throw new TypeError('status fault needs an HTTP status');
	}
	if (fault.kind === 'delay' && !(typeof fault.ms === 'number' && fault.ms >= 0)) throw new TypeError('delay fault needs ms >= 0');
	if (fault.kind === 'contentType' && !(fault.value === null || typeof fault.value === 'string')) {
		throw new TypeError('contentType fault needs value: string | null');
	}
	if (fault.prompt !== undefined && typeof fault.prompt !== 'string') throw new TypeError('fault.prompt must be a string');
	const times = fault.times ?? 1;
	if (!(times === Infinity || (Number.isInteger(times) && times >= 1))) throw new TypeError('fault.times must be an integer >= 1 or Infinity');
	return { ...fault, times };
}

const DEFAULT_HTML =
	'<!DOCTYPE html>\n<html><head><title>ModelsLab</title></head><body><h1>Something went wrong</h1><p>Please try again later.</p></body></html>\n';

// ---------- the sandbox ----------

async function startSandbox(options = {}) {
	const startOptions = { ...options };
	const { port = 0, cdnPort = 0, firstJobId = 13441520 } = startOptions;
	const initialAccountList = startOptions.accounts ?? [
		{ key: DEFAULT_STANDARD_KEY, kind: 'standard' },
		{ key: DEFAULT_ENTERPRISE_KEY, kind: 'enterprise' },
	];
	const configOptions = { ...startOptions };
	delete configOptions.port;
	delete configOptions.cdnPort;
	delete configOptions.firstJobId;
	const initialConfig = { ...DEFAULT_CONFIG, ...checkConfig(configOptions) };
	buildAccounts(initialAccountList); // validate early

	let config = { ...initialConfig };
	let accounts = buildAccounts(initialAccountList);
	let rand = mulberry32(config.rngSeed);
	let nextId = firstJobId;
	let faults = [];
	let closed = false;
	const jobs = new Map();
	const jobsByUuid = new Map();
	const jobTimers = new Set(); // cleared by reset()
	const sleepTimers = new Set(); // request delays: only cleared by close(), so reset() never strands a request
	const activeJobs = new Map(); // account key -> Set of jobs not yet ready
	const pendingWebhooks = new Set();

	const stats = {
		creates: 0,
		createAttempts: 0,
		rejected429: 0,
		fetches: 0,
		cdnRequests: 0,
		webhooks: 0,
		inFlight: 0,
		peakInFlight: 0,
		peakProcessing: 0,
		requests: [],
		cdnLog: [],
		webhookLog: [],
		jobs: [],
	};

	let baseUrl = '';
	let cdnUrl = '';

	function later(set, ms, fn) {
		const t = setTimeout(() => {
			set.delete(t);
			fn();
		}, ms);
		t.unref();
		set.add(t);
		return t;
	}

	function sleep(ms) {
		return new Promise((resolve) => (ms > 0 ? later(sleepTimers, ms, resolve) : resolve()));
	}

	function activeSet(acct) {
		let set = activeJobs.get(acct.key);
		if (!set) activeJobs.set(acct.key, (set = new Set()));
		return set;
	}

	// FIFO: the oldest pending fault for this route (or 'any') that `accept` allows.
	// A fault with `prompt` only hits requests about that prompt's jobs, so a batch item can be targeted.
	function takeFault(route, accept, prompt) {
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

	// ---------- jobs ----------

	function isReady(job) {
		return Date.now() >= job.readyAt;
	}

	function processingCount(acct) {
		let n = 0;
		const set = activeSet(acct);
		for (const job of set) {
			if (isReady(job)) set.delete(job);
			else n++;
		}
		return n;
	}

	function cdnLink(job, i, ext) {
		return `${cdnUrl}/generations/${job.uuid}-${i}.${ext}`;
	}

	function imageBytes(job, i) {
		return renderPngShared({ width: job.width, height: job.height, seed: job.seed + i, prompt: job.prompt });
	}

	function linkExt(job) {
		return job.base64 && job.base64Form === 'link' ? 'base64' : 'png';
	}

	function futureLinks(job) {
		const ext = linkExt(job);
		return Array.from({ length: job.samples }, (_, i) => cdnLink(job, i, ext));
	}

	function outputEntries(job) {
		if (!job.base64 || job.base64Form === 'link') return futureLinks(job);
		return Array.from({ length: job.samples }, (_, i) => {
			const b64 = imageBytes(job, i).toString('base64');
			return job.base64Form === 'dataUri' ? `data:image/png;base64,${b64}` : b64;
		});
	}

	function successBody(job) {
		return {
			status: 'success',
			generationTime: job.generationTime,
			id: job.id,
			output: outputEntries(job),
			proxy_links: futureLinks(job),
			meta: job.meta,
			nsfw_content_detected: false,
		};
	}

	function failedBody(job, message) {
		return { status: 'failed', id: job.id, message: message ?? job.failMessage, track_id: job.trackId };
	}

	function fetchResultUrl(job) {
		const origin = (config.fetchResultOrigin ?? baseUrl).replace(/\/+$/, '');
		return job.tier === 'enterprise' ? `${origin}/api/v1/enterprise/fetch` : `${origin}/api/v6/images/fetch/${job.id}`;
	}

	function processingBody(job, eta) {
		const links = futureLinks(job);
		return {
			status: 'processing',
			eta,
			messege: 'Try to fetch request after seconds estimated',
			fetch_result: fetchResultUrl(job),
			id: job.id,
			output: [],
			future_links: links,
			proxy_links: links,
			meta: job.meta,
		};
	}

	function remainingEta(job) {
		return Math.max(1, Math.ceil((job.readyAt - Date.now()) / 1000));
	}

	function createJob(acct, tier, params, body, failMessage) {
		const id = nextId++;
		const now = Date.now();
		const uuid = prngUuid(mulberry32((rand() * 4294967296) ^ id));
		let duration = config.processingMs;
		if (duration > 0 && config.jitter > 0) duration = Math.max(0, Math.round(duration * (1 + config.jitter * (2 * rand() - 1))));
		const seed = params.seed ?? Math.floor(rand() * 4294967295);
		const generationTime = duration > 0 ? duration / 1000 + rand() * 0.2 : 1.2 + rand() * 2;
		const meta = {};
		for (const [k, v] of Object.entries(body)) if (k !== 'key' && k !== 'samples') meta[k] = v;
		Object.assign(meta, params.meta, { seed, file_prefix: uuid });
		if (config.echoKeyInMeta) meta.key = body.key;
		const sortedMeta = Object.fromEntries(Object.keys(meta).sort().map((k) => [k, meta[k]]));
		const job = {
			id,
			uuid,
			tier,
			accountKey: acct.key,
			createdAt: now,
			readyAt: now + duration,
			duration,
			seed,
			width: params.width,
			height: params.height,
			samples: params.samples,
			prompt: params.prompt,
			base64: params.base64,
			base64Form: config.base64Form,
			webhook: params.webhook,
			trackId: params.trackId,
			meta: sortedMeta,
			generationTime: Math.round(generationTime * 1e6) / 1e6,
			failed: failMessage !== null,
			failMessage: failMessage ?? '',
			finalized: false,
			timer: null,
			record: {
				id,
				kind: tier,
				accountKey: acct.key,
				uuid,
				createdAt: now,
				readyAt: now + duration,
				finishedAt: null,
				state: 'processing',
				firstSuccessFetchAt: null,
				fetches: 0,
				webhookUrl: params.webhook,
				samples: params.samples,
				seed,
				width: params.width,
				height: params.height,
				prompt: params.prompt,
				failed: failMessage !== null,
			},
		};
		jobs.set(id, job);
		jobsByUuid.set(uuid, job);
		stats.jobs.push(job.record);
		if (duration > 0) {
			activeSet(acct).add(job);
			job.timer = later(jobTimers, duration, () => finalize(job));
		} else {
			later(jobTimers, 0, () => finalize(job)); // webhook after the create answer is on its way
		}
		return job;
	}

	function finalize(job) {
		if (job.finalized || closed) return;
		job.finalized = true;
		if (job.timer) {
			clearTimeout(job.timer);
			jobTimers.delete(job.timer);
		}
		job.record.finishedAt = Date.now();
		job.record.state = job.failed ? 'failed' : 'success';
		if (job.webhook) deliverWebhook(job);
	}

	function deliverWebhook(job) {
		const body = job.failed
			? failedBody(job)
			: { status: 'success', id: job.id, output: outputEntries(job), generationTime: job.generationTime, track_id: job.trackId, meta: job.meta };
		const rec = { t: Date.now(), jobId: job.id, url: job.webhook, body, status: null, skipped: null, error: null };
		stats.webhookLog.push(rec);
		let u;
		try {
			u = new URL(job.webhook);
		} catch {
			rec.skipped = 'invalid URL';
			return;
		}
		if (u.protocol !== 'http:' && u.protocol !== 'https:') {
			rec.skipped = `unsupported protocol ${u.protocol}`;
			return;
		}
		if (!isLoopbackHost(u.hostname)) {
			rec.skipped = 'non-loopback host';
			return;
		}
		stats.webhooks++;
		const payload = Buffer.from(JSON.stringify(body));
		const mod = u.protocol === 'https:' ? https : http;
		const req = mod.request(u, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'content-length': payload.length, 'user-agent': 'modelslab-sandbox-webhook' },
			agent: false,
			lookup: loopbackLookup,
			rejectUnauthorized: false,
			timeout: 30000,
		});
		pendingWebhooks.add(req);
		req.on('response', (res) => {
			rec.status = res.statusCode;
			res.resume();
			res.on('end', () => pendingWebhooks.delete(req));
		});
		req.on('timeout', () => req.destroy(new Error('webhook timed out')));
		req.on('error', (e) => {
			rec.error = e.message;
			pendingWebhooks.delete(req);
		});
		req.on('close', () => pendingWebhooks.delete(req));
		req.end(payload);
	}

	// ---------- validation ----------

	function validate(body, tier) {
		const errors = {};
		const add = (f, m) => (errors[f] ??= []).push(m);
		const meta = {};
		const num = (field, { int = false, min, max, def, nullable = true }) => {
			const v = body[field];
			if (isAbsent(v)) {
				if (def !== undefined) meta[field] = def;
				else if (v === null && nullable) meta[field] = null;
				return def;
			}
			const n = toNumber(v);
			if (Number.isNaN(n)) {
				add(field, `The ${label(field)} must be ${int ? 'an integer' : 'a number'}.`);
				return def;
			}
			if (int && !Number.isInteger(n)) {
				add(field, `The ${label(field)} must be an integer.`);
				return def;
			}
			if ((min !== undefined && n < min) || (max !== undefined && n > max)) {
				add(field, `The ${label(field)} must be between ${min} and ${max}.`);
				return def;
			}
			meta[field] = n;
			return n;
		};

		let prompt = '';
		if (isAbsent(body.prompt) || (typeof body.prompt === 'string' && body.prompt.trim() === '')) add('prompt', 'The prompt field is required.');
		else if (typeof body.prompt !== 'string') add('prompt', 'The prompt must be a string.');
		else prompt = body.prompt;
		meta.prompt = prompt;

		let modelId = 'flux';
		if (isAbsent(body.model_id)) {
			if (tier === 'enterprise') add('model_id', 'The model id field is required.');
		} else if (typeof body.model_id !== 'string') add('model_id', 'The model id must be a string.');
		else modelId = body.model_id;
		meta.model_id = modelId;

		if (!isAbsent(body.negative_prompt) && typeof body.negative_prompt !== 'string') {
			add('negative_prompt', 'The negative prompt must be a string.');
		}
		meta.negative_prompt = typeof body.negative_prompt === 'string' ? body.negative_prompt : '';

		const width = num('width', { int: true, min: 256, max: 1024, def: 512 });
		const height = num('height', { int: true, min: 256, max: 1024, def: 512 });
		const samples = num('samples', { int: true, min: 1, max: 4, def: 1 });
		delete meta.samples; // the real meta calls it n_samples
		meta.n_samples = samples;
		num('guidance_scale', { min: 1, max: 20, def: 7.5 });
		num('clip_skip', { int: true, min: 1, max: 8 });
		num('injected_noise_alpha', { min: 0, max: 1 });
		num('sigma_threshold', { min: 0, max: 1 });
		num('true_cfg_scale', { min: 0, max: 10 });

		let steps;
		if (tier === 'enterprise') {
			steps = num('num_inference_steps', { int: true, def: 21 });
			if (errors.num_inference_steps === undefined && ![21, 31, 41].includes(steps)) {
				add('num_inference_steps', 'The num inference steps must be 21, 31 or 41.');
				steps = 21;
			}
		} else {
			steps = num('num_inference_steps', { int: true, min: 1, max: 50, def: 30 });
		}
		num('zero_steps', { int: true, min: 0, max: steps });

		let seed = null;
		if (!isAbsent(body.seed)) {
			const n = toNumber(body.seed);
			if (!Number.isInteger(n) || n < 0 || n > Number.MAX_SAFE_INTEGER - 4) add('seed', 'The seed must be a non-negative integer or null.');
			else seed = n;
		}

		for (const f of YES_NO_FIELDS) {
			const v = body[f];
			if (isAbsent(v)) continue;
			const yn = toYesNo(v);
			if (yn === undefined) add(f, `The ${label(f)} field must be yes or no.`);
			else meta[f] = yn;
		}
		const base64 = meta.base64 === 'yes';
		meta.base64 = base64 ? 'yes' : 'no';
		meta.safety_checker ??= 'yes';
		meta.enhance_prompt ??= 'yes';
		meta.temp ??= 'no';

		if (!isAbsent(body.scheduler) && !SCHEDULERS.includes(body.scheduler)) add('scheduler', 'The selected scheduler is invalid.');
		if (!isAbsent(body.safety_checker_type) && !SAFETY_CHECKER_TYPES.includes(body.safety_checker_type)) {
			add('safety_checker_type', 'The selected safety checker type is invalid.');
		}
		for (const f of ['vae', 'algorithm_type']) {
			if (!isAbsent(body[f]) && typeof body[f] !== 'string') add(f, `The ${label(f)} must be a string.`);
		}

		const loras = splitList(body.lora_model);
		const strengths = splitList(body.lora_strength);
		if (loras === null) add('lora_model', 'The lora model must be a comma-separated string.');
		if (strengths === null) add('lora_strength', 'The lora strength must be a comma-separated string.');
		if (loras && strengths && strengths.length > 0) {
			if (strengths.length !== loras.length) add('lora_strength', 'The lora strength must have one value per lora model.');
			if (strengths.some((s) => !(toNumber(s) >= 0.1 && toNumber(s) <= 1))) add('lora_strength', 'Each lora strength must be between 0.1 and 1.');
		}

		let webhook = null;
		if (!isAbsent(body.webhook)) {
			let ok = typeof body.webhook === 'string';
			if (ok) {
				try {
					ok = ['http:', 'https:'].includes(new URL(body.webhook).protocol);
				} catch {
					ok = false;
				}
			}
			if (ok) webhook = body.webhook;
			else add('webhook', 'The webhook must be a valid URL.');
		}
		meta.webhook = webhook;

		let trackId = null;
		if (!isAbsent(body.track_id)) {
			if (typeof body.track_id === 'string' || typeof body.track_id === 'number') trackId = body.track_id;
			else add('track_id', 'The track id must be a string.');
		}
		meta.track_id = trackId;

		const hasErrors = Object.keys(errors).length > 0;
		return hasErrors
			? { errors }
			: { params: { prompt, width, height, samples, seed, base64, webhook, trackId, meta } };
	}

	// ---------- HTTP plumbing ----------

	function sendJson(res, entry, status, body, extraHeaders = {}) {
		const payload = Buffer.from(JSON.stringify(body));
		entry.status = status;
		entry.response = body;
		if (res.destroyed) return;
		res.writeHead(status, { 'content-type': 'application/json', 'content-length': payload.length, ...extraHeaders });
		res.end(payload);
	}

	function sendRaw(res, entry, status, contentType, text) {
		const payload = Buffer.from(text);
		entry.status = status;
		entry.response = text;
		if (res.destroyed) return;
		const headers = { 'content-length': payload.length };
		if (contentType) headers['content-type'] = contentType;
		res.writeHead(status, headers);
		res.end(payload);
	}

	function resetSocket(req, entry) {
		entry.status = 0;
		req.socket.destroy();
	}

	function rateLimitBody(limit, retryAfter) {
		return { status: 'error', message: `Rate limit exceeded. Maximum ${limit} queued requests allowed.`, retry_after: retryAfter };
	}

	// Early API faults: answered before auth/validation, like a proxy or overloaded backend would.
	function applyApiFault(fault, req, res, entry) {
		entry.fault = fault.kind;
		switch (fault.kind) {
			case 'status': {
				const b = fault.body === undefined ? { status: 'error', message: http.STATUS_CODES[fault.status] ?? 'Error' } : fault.body;
				if (typeof b === 'string') sendRaw(res, entry, fault.status, 'text/plain; charset=utf-8', b);
				else sendJson(res, entry, fault.status, b, fault.headers);
				return;
			}
			case 'reset':
				resetSocket(req, entry);
				return;
			case 'html':
				sendRaw(res, entry, fault.status ?? 200, 'text/html; charset=utf-8', fault.body ?? DEFAULT_HTML);
				return;
			case 'apiError':
				sendJson(res, entry, fault.status ?? 200, { status: 'error', [fault.field ?? 'messege']: fault.message });
				return;
			case 'rateLimit': {
				stats.rejected429++;
				const acct = entry.body && typeof entry.body === 'object' ? accounts.get(entry.body.key) : undefined;
				sendJson(res, entry, 429, rateLimitBody(acct ? acct.queueLimit : 5, fault.retryAfter ?? config.retryAfterSeconds));
				return;
			}
		}
	}

	function authenticate(body, tier, res, entry) {
		const key = body.key;
		const fail = (status, message) => {
			sendJson(res, entry, status, { status: 'error', message });
			return null;
		};
		if (isAbsent(key)) return fail(401, 'API key required');
		const acct = typeof key === 'string' ? accounts.get(key) : undefined;
		if (!acct) return fail(401, 'Invalid API key');
		if (tier === 'enterprise' && acct.kind !== 'enterprise') return fail(403, 'Feature not available');
		if (tier === 'standard' && acct.kind !== 'standard') return fail(401, 'Invalid API key');
		return acct;
	}

	// The prompt of the job a request is about: a create's own, a fetch's job's.
	function promptOf(route, body) {
		if (!body || typeof body !== 'object') return undefined;
		if (route.name === 'create') return body.prompt;
		if (route.name === 'fetch') return jobs.get(toNumber(route.id ?? body.request_id))?.prompt;
		return undefined;
	}

	function matchRoute(path) {
		if (path === '/api/v6/images/text2img') return { name: 'create', tier: 'standard' };
		if (path === '/api/v1/enterprise/text2img') return { name: 'create', tier: 'enterprise' };
		if (path === '/api/v6/images/fetch') return { name: 'fetch', tier: 'standard' };
		const m = /^\/api\/v6\/images\/fetch\/([^/]+)$/.exec(path);
		if (m) return { name: 'fetch', tier: 'standard', id: decodeURIComponent(m[1]) };
		if (path === '/api/v1/enterprise/fetch') return { name: 'fetch', tier: 'enterprise' };
		if (path === '/api/wallet_balance') return { name: 'wallet', tier: 'any' };
		if (path === '/api/v4/dreambooth/model_list') return { name: 'modelList', tier: 'any' };
		if (path === '/api/v6/processing/request_count') return { name: 'requestCount', tier: 'any' };
		return null;
	}

	function handleCreate(route, body, req, res, entry) {
		const acct = authenticate(body, route.tier, res, entry);
		if (!acct) return;
		if (acct.balance <= 0) return sendJson(res, entry, 402, { status: 'error', message: 'Insufficient credits' });
		const v = validate(body, route.tier);
		if (v.errors) return sendJson(res, entry, 200, { status: 'error', messege: v.errors });
		if (processingCount(acct) >= acct.queueLimit) {
			stats.rejected429++;
			return sendJson(res, entry, 429, rateLimitBody(acct.queueLimit, config.retryAfterSeconds));
		}
		const late = takeFault('create', (f) => f.kind === 'failed' || f.afterAccept === true, body.prompt);
		let failMessage = null;
		if (late && late.kind === 'failed') failMessage = late.message ?? config.failMessage;
		else if (config.failNextJobs > 0) {
			config.failNextJobs -= 1;
			failMessage = config.failMessage;
		}
		const job = createJob(acct, route.tier, v.params, body, failMessage);
		stats.creates++;
		acct.balance = Math.round((acct.balance - config.costPerImage * job.samples) * 1e6) / 1e6;
		stats.peakProcessing = Math.max(stats.peakProcessing, processingCount(acct));
		entry.jobId = job.id;
		if (late && late.afterAccept) return applyApiFault(late, req, res, entry);
		if (late) entry.fault = late.kind;
		if (!isReady(job)) {
			return sendJson(res, entry, 200, processingBody(job, config.etaSeconds ?? Math.max(1, Math.ceil(job.duration / 1000))));
		}
		return sendJson(res, entry, 200, job.failed ? failedBody(job) : successBody(job));
	}

	function handleFetch(route, body, res, entry) {
		const acct = authenticate(body, route.tier, res, entry);
		if (!acct) return;
		const rawId = route.id ?? body.request_id;
		if (isAbsent(rawId)) return sendJson(res, entry, 200, { status: 'error', messege: { request_id: ['The request id field is required.'] } });
		const id = toNumber(rawId);
		const job = Number.isInteger(id) ? jobs.get(id) : undefined;
		const late = takeFault('fetch', (f) => f.kind === 'failed', job?.prompt);
		if (late) {
			entry.fault = late.kind;
			return sendJson(res, entry, 200, {
				status: 'failed',
				id: Number.isInteger(id) ? id : rawId,
				message: late.message ?? config.failMessage,
				track_id: job && job.accountKey === acct.key ? job.trackId : null,
			});
		}
		if (!job || job.accountKey !== acct.key) return sendJson(res, entry, 200, { status: 'error', messege: 'Request not found' });
		entry.jobId = job.id;
		job.record.fetches++;
		if (!isReady(job)) return sendJson(res, entry, 200, processingBody(job, remainingEta(job)));
		finalize(job);
		if (job.failed) return sendJson(res, entry, 200, failedBody(job));
		job.record.firstSuccessFetchAt ??= Date.now();
		return sendJson(res, entry, 200, successBody(job));
	}

	async function handleApi(req, res) {
		stats.inFlight++;
		stats.peakInFlight = Math.max(stats.peakInFlight, stats.inFlight);
		res.on('close', () => stats.inFlight--);
		const path = req.url.split('?')[0];
		const entry = {
			t: Date.now(),
			method: req.method,
			path,
			url: req.url,
			headers: { ...req.headers },
			body: null,
			status: 0,
			route: null,
		};
		stats.requests.push(entry);
		let raw;
		try {
			raw = await readBody(req);
		} catch {
			return sendJson(res, entry, 413, { status: 'error', message: 'Request body too large' });
		}
		const text = raw.toString('utf8');
		let body;
		let jsonOk = true;
		if (text.trim() === '') body = {};
		else {
			try {
				body = JSON.parse(text);
				if (!body || typeof body !== 'object' || Array.isArray(body)) jsonOk = false;
			} catch {
				jsonOk = false;
			}
		}
		entry.body = jsonOk ? body : text;

		const route = matchRoute(path);
		if (route) entry.route = route.name;
		if (route && route.name === 'create') stats.createAttempts++;
		if (route && route.name === 'fetch') stats.fetches++;

		if (config.latencyMs > 0) await sleep(config.latencyMs);
		if (!route) return sendJson(res, entry, 404, { status: 'error', message: 'Route not found' });
		if (req.method !== 'POST') return sendJson(res, entry, 405, { status: 'error', message: 'Method not allowed' }, { allow: 'POST' });

		const early = takeFault(route.name, (f) => !LATE_KINDS.has(f.kind) && !f.afterAccept, promptOf(route, entry.body));
		if (early && early.kind === 'delay') {
			entry.fault = 'delay';
			await sleep(early.ms);
		} else if (early) return applyApiFault(early, req, res, entry);

		if (!jsonOk) return sendJson(res, entry, 400, { status: 'error', messege: 'Invalid JSON body' });

		switch (route.name) {
			case 'create':
				return handleCreate(route, body, req, res, entry);
			case 'fetch':
				return handleFetch(route, body, res, entry);
			case 'wallet': {
				const acct = authenticate(body, 'any', res, entry);
				if (acct) sendJson(res, entry, 200, { status: 'success', data: { balance: acct.balance, currency: 'USD' } });
				return;
			}
			case 'modelList': {
				const acct = authenticate(body, 'any', res, entry);
				if (acct) sendJson(res, entry, 200, acct.models);
				return;
			}
			case 'requestCount': {
				const acct = authenticate(body, 'any', res, entry);
				if (acct) sendJson(res, entry, 200, { status: 'success', processing_count: processingCount(acct) });
				return;
			}
		}
	}

	async function handleCdn(req, res) {
		stats.cdnRequests++;
		const path = req.url.split('?')[0];
		const entry = { t: Date.now(), method: req.method, path, url: req.url, headers: { ...req.headers }, body: '', status: 0 };
		stats.cdnLog.push(entry);
		try {
			entry.body = (await readBody(req)).toString('utf8');
		} catch {
			return sendRaw(res, entry, 413, 'text/plain; charset=utf-8', 'Payload Too Large');
		}
		const m = /^\/generations\/([0-9a-f-]{36})-(\d+)\.(png|base64)$/.exec(path);
		const job = m ? jobsByUuid.get(m[1]) : undefined;
		const index = m ? Number(m[2]) : -1;
		const ready = job ? isReady(job) : false;
		const exists = Boolean(job && index < job.samples && !(ready && job.failed));
		const servable = exists && (ready || !config.cdnNotFoundUntilReady) && !job.failed;

		let fault = takeFault('cdn', (f) => {
			if (f.kind === 'notFoundUntilReady') return exists && !ready;
			if (f.kind === 'truncate' || f.kind === 'contentType') return servable;
			return true;
		}, job?.prompt);
		if (fault && fault.kind === 'delay') {
			entry.fault = 'delay';
			await sleep(fault.ms);
			fault = null;
		}
		if (fault) entry.fault = fault.kind;
		if (fault && fault.kind === 'status') {
			const b = fault.body === undefined ? http.STATUS_CODES[fault.status] ?? 'Error' : fault.body;
			if (typeof b === 'string') return sendRaw(res, entry, fault.status, 'text/plain; charset=utf-8', b);
			return sendJson(res, entry, fault.status, b, fault.headers);
		}
		if (fault && fault.kind === 'reset') return resetSocket(req, entry);
		if (fault && fault.kind === 'html') return sendRaw(res, entry, fault.status ?? 200, 'text/html; charset=utf-8', fault.body ?? DEFAULT_HTML);
		if (req.method !== 'GET' && req.method !== 'HEAD') return sendRaw(res, entry, 405, 'text/plain; charset=utf-8', 'Method Not Allowed');
		if (!servable || (fault && fault.kind === 'notFoundUntilReady')) return sendRaw(res, entry, 404, 'text/plain; charset=utf-8', 'Not Found');

		const png = imageBytes(job, index);
		const payload = m[3] === 'png' ? png : Buffer.from(png.toString('base64'));
		let contentType = m[3] === 'png' ? 'image/png' : 'text/plain; charset=utf-8';
		if (fault && fault.kind === 'contentType') contentType = fault.value;
		const headers = { 'content-length': payload.length, 'cache-control': 'public, max-age=86400' };
		if (contentType) headers['content-type'] = contentType;
		entry.status = 200;
		entry.bytes = payload.length;
		res.writeHead(200, headers);
		if (req.method === 'HEAD') return res.end();
		if (fault && fault.kind === 'truncate') {
			entry.bytes = Math.floor(payload.length / 2);
			res.write(payload.subarray(0, entry.bytes), () => res.destroy());
			return;
		}
		res.end(payload);
	}

	function guard(handler) {
		return (req, res) => {
			handler(req, res).catch((e) => {
				if (!res.headersSent && !res.destroyed) {
					res.writeHead(500, { 'content-type': 'application/json' });
					res.end(JSON.stringify({ status: 'error', message: `sandbox bug: ${e && e.message}` }));
				} else res.destroy();
			});
		};
	}

	const apiServer = http.createServer(guard(handleApi));
	const cdnServer = http.createServer(guard(handleCdn));

	function listen(server, p) {
		return new Promise((resolve, reject) => {
			server.once('error', reject);
			server.listen(p, HOST, () => {
				server.off('error', reject);
				resolve(server.address().port);
			});
		});
	}

	try {
		baseUrl = `http://${HOST}:${await listen(apiServer, port)}`;
		cdnUrl = `http://${HOST}:${await listen(cdnServer, cdnPort)}`;
	} catch (e) {
		apiServer.close();
		cdnServer.close();
		throw e;
	}

	function clearJobs() {
		for (const t of jobTimers) clearTimeout(t);
		jobTimers.clear();
		jobs.clear();
		jobsByUuid.clear();
		activeJobs.clear();
	}

	function closeServer(server) {
		return new Promise((resolve) => {
			server.close(() => resolve());
			server.closeAllConnections();
		});
	}

	const sandbox = {
		get baseUrl() {
			return baseUrl;
		},
		get cdnUrl() {
			return cdnUrl;
		},
		get stats() {
			return stats;
		},
		get config() {
			return { ...config };
		},
		get faults() {
			return faults.map((f) => ({ ...f }));
		},
		get standardKey() {
			return [...accounts.values()].find((a) => a.kind === 'standard')?.key;
		},
		get enterpriseKey() {
			return [...accounts.values()].find((a) => a.kind === 'enterprise')?.key;
		},
		counters() {
			return structuredClone(stats);
		},
		configure(partial) {
			const checked = checkConfig(partial ?? {});
			if (partial && partial.accounts) {
				accounts = buildAccounts(partial.accounts);
			}
			Object.assign(config, checked);
			if ('rngSeed' in checked) rand = mulberry32(config.rngSeed);
			return sandbox;
		},
		account(key) {
			return accounts.get(key);
		},
		injectFault(fault) {
			faults.push(checkFault(fault));
			return sandbox;
		},
		clearFaults() {
			faults = [];
			return sandbox;
		},
		job(id) {
			return jobs.get(Number(id))?.record;
		},
		jobBytes(id, index = 0) {
			const job = jobs.get(Number(id));
			if (!job) throw new Error(`no such job: ${id}`);
			if (!Number.isInteger(index) || index < 0 || index >= job.samples) throw new RangeError(`job ${id} has no image ${index}`);
			return Buffer.from(imageBytes(job, index));
		},
		reset() {
			clearJobs();
			faults = [];
			config = { ...initialConfig };
			rand = mulberry32(config.rngSeed);
			accounts = buildAccounts(initialAccountList);
			for (const k of ['creates', 'createAttempts', 'rejected429', 'fetches', 'cdnRequests', 'webhooks', 'peakProcessing']) stats[k] = 0;
			stats.peakInFlight = stats.inFlight;
			for (const k of ['requests', 'cdnLog', 'webhookLog', 'jobs']) stats[k].length = 0;
			return sandbox;
		},
		async close() {
			if (closed) return;
			closed = true;
			clearJobs();
			for (const t of sleepTimers) clearTimeout(t);
			sleepTimers.clear();
			for (const r of pendingWebhooks) r.destroy();
			pendingWebhooks.clear();
			await Promise.all([closeServer(apiServer), closeServer(cdnServer)]);
		},
	};
	return sandbox;
}

module.exports = { startSandbox, DEFAULT_STANDARD_KEY, DEFAULT_ENTERPRISE_KEY, DEFAULT_MODELS };
