// The sandbox's public types; server.ts re-exports them.
import type { ApiRouteName } from './routeNames';

/** Which kind of key an account has, and which API a job was created on. */
export type Tier = 'standard' | 'enterprise';

export interface SandboxModel {
	model_id: string;
	model_name: string;
	status: string;
	description: string;
	[extra: string]: unknown;
}

export interface SandboxAccountInput {
	key: string;
	/** default 'standard' */
	kind?: 'standard' | 'enterprise';
	/** USD, default 43.6; creates answer 402 once it is <= 0 */
	balance?: number;
	/** max jobs in processing state before a create gets 429; default 5 */
	queueLimit?: number;
	/** default: flux, sdxl, realistic-vision-v51, dreamshaper-8 */
	models?: SandboxModel[];
}

/** Live account record: mutate `balance` / `queueLimit` / `models` directly in tests if handy. */
export interface SandboxAccount {
	key: string;
	kind: 'standard' | 'enterprise';
	balance: number;
	queueLimit: number;
	models: SandboxModel[];
}

export type Base64Form = 'raw' | 'dataUri' | 'link';

export interface SandboxConfig {
	/** how long a job takes to become ready; 0 = create answers success at once. Default 0 */
	processingMs: number;
	/** eta reported by create; null = ceil(job duration / 1000), min 1. Fetch reports the real remaining seconds, unless etaCountsDown. */
	etaSeconds: number | null;
	/** A job's images are rendered right after its create answer, not when first downloaded (benchmarks of many downloads). */
	renderAtCreate: boolean;
	/** Fetch reports the create's eta counted down (an estimate, as a real one would be), not the time truly left. */
	etaCountsDown: boolean;
	/** 0..1: job duration = processingMs * (1 ± jitter), drawn from the seeded PRNG */
	jitter: number;
	/** seeds the PRNG for random seeds, jitter, uuids and generationTime. Default 1 */
	rngSeed: number;
	/** delay before every API answer (not CDN). Default 0 */
	latencyMs: number;
	/** retry_after in 429 answers. Default 30 */
	retryAfterSeconds: number;
	/** how `base64: "yes"` outputs are shaped. Default 'raw' */
	base64Form: Base64Form;
	/** origin put in fetch_result instead of baseUrl (simulate a foreign host). Default null */
	fetchResultOrigin: string | null;
	/** bug simulation: copy the request key into meta. Default false */
	echoKeyInMeta: boolean;
	/** the next n accepted creates become failed jobs (decrements). Default 0 */
	failNextJobs: number;
	/** message for failed jobs. Default 'Image generation failed' */
	failMessage: string;
	/** balance charged per image of an accepted create. Default 0.002 */
	costPerImage: number;
	/** CDN answers 404 for images of jobs that are not ready yet. Default false (serves them early) */
	cdnNotFoundUntilReady: boolean;
	/** 0-8: low bits of every pixel channel made noise, so images do not compress (6: a 1024x1024 PNG of about 2.4 MB, like real ones). Default 0 */
	imageNoiseBits: number;
	/** bytes of seeded payload in each video job's MP4 (`mdat`), fixed when the job is created; the image host streams it in chunks, so 100 MB costs no 100 MB of memory. Default 4096 */
	videoPayloadBytes: number;
	/** each video job's MP4 has a version 1 `mvhd` cut to 24 bytes (no duration): its boxes add up, but no header reader can parse it. Fixed when the job is created. Default false */
	videoMalformedMvhd: boolean;
	/** the CDN sends files without Content-Length (chunked), as some hosts do: a client learns the size only at the end. Default false */
	cdnChunked: boolean;
}

export interface SandboxOptions extends Partial<SandboxConfig> {
	/** API port; default 0 (a free port). Always bound to 127.0.0.1. */
	port?: number;
	/** CDN port; default 0 */
	cdnPort?: number;
	/** first numeric job id; default 13441520 */
	firstJobId?: number;
	/** replaces the default two accounts (sandbox-standard-key, sandbox-enterprise-key) */
	accounts?: SandboxAccountInput[];
}

/** The names of the API routes (routeNames.ts). */
export type ApiFaultRoute = ApiRouteName;
/** 'any' matches every API route (never the CDN). */
export type FaultRoute = ApiFaultRoute | 'cdn' | 'any';

interface FaultBase {
	route: FaultRoute;
	/** how many matching requests it applies to (FIFO); default 1; Infinity allowed */
	times?: number;
	/** only requests about jobs with this prompt: a create with it, a fetch or image download of its job */
	prompt?: string;
}

export type Fault = FaultBase &
	(
		| {
				kind: 'status';
				status: number;
				/** string -> text/plain; anything else -> JSON; default {status:"error", message:<reason phrase>} (CDN: reason phrase text) */
				body?: unknown;
				headers?: Record<string, string>;
				/** create only: accept (bill) the job, then answer with the fault */
				afterAccept?: boolean;
		  }
		| { kind: 'reset'; afterAccept?: boolean }
		| { kind: 'html'; status?: number; body?: string; afterAccept?: boolean }
		| { kind: 'apiError'; message: string | Record<string, string[]>; field?: 'message' | 'messege'; status?: number }
		| { kind: 'failed'; message?: string }
		| { kind: 'rateLimit'; retryAfter?: number }
		| { kind: 'delay'; ms: number }
		| { kind: 'truncate' }
		| { kind: 'contentType'; value: string | null }
		| { kind: 'notFoundUntilReady' }
		/** answers with a verbatim recorded answer (observed.ts); `seconds` replaces the wait it names */
		| { kind: 'recorded'; answer: RecordedAnswer; seconds?: number }
		/** the route's normal answer, reshaped as recorded answers differ from the docs (observed.ts) */
		| { kind: 'shape'; shapes?: ObservedShape | ObservedShape[]; set?: Record<string, unknown>; drop?: string[] }
	);

/** Recorded answers a `recorded` fault gives (see observed-answers.md). */
export type RecordedAnswer =
	| 'spamFilter'
	| 'spamFilterNoWait'
	| 'queueFull'
	| 'queueFullNoRetryAfter'
	| 'notFound'
	| 'failedTryAgain'
	| 'invalidRequest'
	| 'validation'
	| 'bareProcessing';

/** How a `shape` fault changes a normal answer. */
export type ObservedShape =
	| 'bare'
	| 'emptyId'
	| 'nullId'
	| 'stringId'
	| 'noEta'
	| 'floatEta'
	| 'outputString'
	| 'messageSpelling'
	| 'messageObject'
	| 'tips'
	| 'proxyLinksObject'
	| 'proxyLinksNull'
	| 'noFutureLinks'
	| 'fetchResultOtherVersion'
	| 'fetchResultLegacyHost'
	| 'noGenerationTime'
	| 'metaVariant'
	| 'extras'
	| 'escapedSlashes';

export interface RequestRecord {
	t: number;
	method: string;
	path: string;
	url: string;
	headers: Record<string, string | string[] | undefined>;
	/** parsed JSON object, or the raw text if it was not a JSON object */
	body: unknown;
	/** HTTP status answered; 0 if the socket was reset */
	status: number;
	route: ApiFaultRoute | null;
	/** the JSON (or text) answered */
	response?: unknown;
	/** kind of the fault that shaped this answer, if any */
	fault?: Fault['kind'];
	jobId?: number;
}

export interface CdnRecord {
	t: number;
	method: string;
	path: string;
	url: string;
	headers: Record<string, string | string[] | undefined>;
	body: string;
	status: number;
	/** bytes of the file body written so far: fewer than the file's when it was cut or the client hung up */
	bytes?: number;
	response?: unknown;
	fault?: Fault['kind'];
}

export interface WebhookRecord {
	t: number;
	jobId: number;
	url: string;
	body: Record<string, unknown>;
	/** receiver's HTTP status; null if not called or no answer */
	status: number | null;
	/** reason it was not called (e.g. 'non-loopback host') */
	skipped: string | null;
	error: string | null;
}

export interface JobRecord {
	id: number;
	kind: 'standard' | 'enterprise';
	/** the route that created it */
	route: ApiFaultRoute;
	accountKey: string;
	uuid: string;
	createdAt: number;
	readyAt: number;
	finishedAt: number | null;
	state: 'processing' | 'success' | 'failed';
	firstSuccessFetchAt: number | null;
	fetches: number;
	webhookUrl: string | null;
	samples: number;
	seed: number;
	width: number;
	height: number;
	prompt: string;
	failed: boolean;
}

export interface SandboxStats {
	/** accepted creates (billed) */
	creates: number;
	/** every request to a create route (text2img, the editing routes, the v7 image and video routes), whatever the answer */
	createAttempts: number;
	/** 429 answers (queue limit and rateLimit faults) */
	rejected429: number;
	/** every request to a fetch route (every family) */
	fetches: number;
	/** every request to an upload helper (base64 to URL); uploads make no job and bill nothing */
	uploads: number;
	cdnRequests: number;
	/** webhook calls actually made (skipped ones are only in webhookLog) */
	webhooks: number;
	/** API requests being handled right now */
	inFlight: number;
	peakInFlight: number;
	/** max jobs processing at once for one account */
	peakProcessing: number;
	requests: RequestRecord[];
	cdnLog: CdnRecord[];
	webhookLog: WebhookRecord[];
	jobs: JobRecord[];
}

export interface Sandbox {
	readonly baseUrl: string;
	readonly cdnUrl: string;
	/** live object (arrays grow as requests arrive) */
	readonly stats: SandboxStats;
	/** a deep copy of stats */
	counters(): SandboxStats;
	/** copy of the current config */
	readonly config: SandboxConfig;
	/** pending faults with their remaining `times` */
	readonly faults: Fault[];
	/** first standard / enterprise account key */
	readonly standardKey: string | undefined;
	readonly enterpriseKey: string | undefined;
	/** unknown option names throw; `accounts` replaces all accounts */
	configure(partial: Partial<SandboxConfig> & { accounts?: SandboxAccountInput[] }): Sandbox;
	account(key: string): SandboxAccount | undefined;
	injectFault(fault: Fault): Sandbox;
	clearFaults(): Sandbox;
	job(id: number | string): JobRecord | undefined;
	/** puts a file on the image host (as the upload helper does) and returns its link; default type image/png */
	hostImage(bytes: Buffer, contentType?: string): string;
	/** the exact bytes image `index` of job `id` serves (a video job's MP4, whole); throws for unknown job/index */
	jobBytes(id: number | string, index?: number): Buffer;
	/**
	 * Clears counters, logs, jobs and faults; restores config and accounts to what startSandbox was given.
	 * Job ids keep increasing so stale ids answer "Request not found".
	 */
	reset(): Sandbox;
	/** stops both servers, timers, sockets and pending webhook calls */
	close(): Promise<void>;
}
