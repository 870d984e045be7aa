// The answers the live API has actually given (../shared/modelslab-api/observed-answers.md), beside the
// ones the vendor pages promise: a `recorded` fault answers with one of them verbatim, a `shape` fault
// reshapes the route's normal answer the way recorded answers differ from the docs.
import type { ObservedShape, RecordedAnswer } from './types';

type Answer = Record<string, unknown>;

/** The recorded spam-filter tip, with the wait it names (30 s as recorded). */
export function spamFilterTip(seconds: number): string {
	return `you are sending same request multiple times, spam filter is enabled, please wait for ${seconds} seconds and try again`;
}

const NOT_FOUND_TIP = 'Check the request id, or wait for the request to be processed.';

/** The recorded answers, verbatim; `seconds` replaces the wait they name. HTTP status first. */
export function recordedAnswer(name: RecordedAnswer, seconds?: number): [number, Answer] {
	switch (name) {
		case 'spamFilter':
			return [200, { status: 'error', message: 'Rate limit exceeded', tips: spamFilterTip(seconds ?? 30) }];
		case 'spamFilterNoWait':
			return [200, { status: 'error', message: 'Rate limit exceeded' }];
		case 'queueFull':
			return [429, { status: 'error', message: 'Rate limit exceeded. Maximum 5 queued requests allowed.', retry_after: seconds ?? 30 }];
		case 'queueFullNoRetryAfter':
			return [429, { status: 'error', message: 'Rate limit exceeded. Maximum 5 queued requests allowed.' }];
		case 'notFound':
			return [200, { status: 'failed', id: '', message: 'Request not found', output: '', tip: NOT_FOUND_TIP }];
		case 'failedTryAgain':
			return [200, { status: 'failed', id: '', message: 'Failed, Try Again', output: '' }];
		case 'invalidRequest':
			return [
				200,
				{
					status: 'error',
					message: 'Invalid API Request',
					tip: '1. Make sure you are passing Content-Type: application/json in header. 2. Make sure you are doing POST request with valid JSON.',
				},
			];
		case 'validation':
			return [200, { status: 'error', messege: { width: ['The width must be a number.'], height: ['The height must be a number.'] } }];
		case 'bareProcessing':
			return [200, { status: 'processing', id: '', messege: 'Request processing', output: '' }];
	}
}

export const RECORDED_ANSWERS: readonly RecordedAnswer[] = [
	'spamFilter',
	'spamFilterNoWait',
	'queueFull',
	'queueFullNoRetryAfter',
	'notFound',
	'failedTryAgain',
	'invalidRequest',
	'validation',
	'bareProcessing',
];

const FLOAT_PART = 0.941116006399994;

function rename(answer: Answer, from: string, to: string): void {
	if (!(from in answer)) return;
	answer[to] = answer[from];
	delete answer[from];
}

function withMeta(answer: Answer, change: (meta: Answer) => void): void {
	if (answer.meta && typeof answer.meta === 'object') {
		const meta = { ...(answer.meta as Answer) };
		change(meta);
		answer.meta = meta;
	}
}

/** What each shape does to an answer (a copy); answers it does not concern stay as they are. */
const SHAPES: Record<ObservedShape, (answer: Answer) => void> = {
	bare: (a) => {
		if (a.status !== 'processing') return;
		for (const key of Object.keys(a)) delete a[key];
		Object.assign(a, { status: 'processing', id: '', messege: 'Request processing', output: '' });
	},
	emptyId: (a) => {
		if ('id' in a) a.id = '';
	},
	nullId: (a) => {
		if ('id' in a) a.id = null;
	},
	stringId: (a) => {
		if (typeof a.id === 'number') a.id = String(a.id);
	},
	noEta: (a) => {
		delete a.eta;
	},
	floatEta: (a) => {
		if (typeof a.eta === 'number') a.eta = a.eta + FLOAT_PART;
	},
	// processing: "" for []; success: the one link as a string
	outputString: (a) => {
		if (Array.isArray(a.output)) a.output = a.output.length === 0 ? '' : a.output[0];
	},
	messageSpelling: (a) => {
		const [has, other] = 'message' in a ? ['message', 'messege'] : ['messege', 'message'];
		rename(a, has, other);
	},
	messageObject: (a) => {
		for (const key of ['message', 'messege']) if (typeof a[key] === 'string') a[key] = { error: [a[key]] };
	},
	tips: (a) => {
		Object.assign(a, { tip: '', tip_1: 'Get 20% off on the yearly plan, use code YEARLY20', tips: 'Upgrade for faster queues' });
	},
	proxyLinksObject: (a) => {
		if (Array.isArray(a.proxy_links)) a.proxy_links = Object.fromEntries(a.proxy_links.map((link, i) => [String(i), link]));
	},
	proxyLinksNull: (a) => {
		if ('proxy_links' in a) a.proxy_links = null;
	},
	noFutureLinks: (a) => {
		delete a.future_links;
	},
	fetchResultOtherVersion: (a) => {
		if (typeof a.fetch_result === 'string') a.fetch_result = a.fetch_result.replace(/\/api\/v\d+\/[^]*\/fetch\//, '/api/v3/fetch/');
	},
	fetchResultLegacyHost: (a) => {
		if (typeof a.fetch_result === 'string') a.fetch_result = a.fetch_result.replace(/^https?:\/\/[^/]+/, 'https://stablediffusionapi.com');
	},
	noGenerationTime: (a) => {
		delete a.generationTime;
	},
	metaVariant: (a) =>
		withMeta(a, (meta) => {
			rename(meta, 'width', 'W');
			rename(meta, 'height', 'H');
			rename(meta, 'model_id', 'model');
			rename(meta, 'safety_checker', 'safetychecker');
			meta.lora_strength = '1.0';
			meta.seed = 3_000_000_000 + Number(meta.seed ?? 0);
			meta.file_prefix = 'not-the-file-name';
		}),
	extras: (a) => {
		Object.assign(a, { nsfw_content_detected: false, webhook_status: '', warning: '' });
	},
	// a serialisation detail: sendJson writes `\/` for every `/`
	escapedSlashes: () => undefined,
};

export const OBSERVED_SHAPES = Object.keys(SHAPES) as ObservedShape[];

export interface Reshape {
	shapes?: ObservedShape | ObservedShape[];
	/** fields set on the answer (e.g. `status: {code: 1}`) */
	set?: Record<string, unknown>;
	/** fields removed from it */
	drop?: string[];
}

/** The transform a shape fault puts on an exchange: the answer reshaped, and whether slashes are escaped. */
export function reshaper(fault: Reshape): { reshape: (body: unknown) => unknown; escapeSlashes: boolean } {
	const shapes = fault.shapes === undefined ? [] : [fault.shapes].flat();
	return {
		escapeSlashes: shapes.includes('escapedSlashes'),
		reshape: (body) => {
			if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
			const answer = { ...(body as Answer) };
			for (const shape of shapes) SHAPES[shape](answer);
			for (const field of fault.drop ?? []) delete answer[field];
			return { ...answer, ...fault.set };
		},
	};
}

export function checkReshape(fault: Reshape): void {
	const shapes = fault.shapes === undefined ? [] : [fault.shapes].flat();
	for (const shape of shapes) if (!(shape in SHAPES)) throw new TypeError(`unknown shape: ${String(shape)}`);
	if (fault.set !== undefined && (typeof fault.set !== 'object' || fault.set === null)) throw new TypeError('shape fault set must be an object');
	if (fault.drop !== undefined && !(Array.isArray(fault.drop) && fault.drop.every((f) => typeof f === 'string'))) {
		throw new TypeError('shape fault drop must be a list of field names');
	}
	if (shapes.length === 0 && fault.set === undefined && fault.drop === undefined) throw new TypeError('shape fault needs shapes, set or drop');
}
