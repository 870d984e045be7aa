/**
 * n8n in queue mode, for real: Postgres and Redis (services.ts), one main (`n8n start`) and N workers
 * (`n8n worker --concurrency=C`), all on 127.0.0.1 and free ports, sharing one encryption key, with
 * binary data in the database. The package is installed on main and on every worker the way n8n
 * installs community packages (each its own user folder with `.n8n/nodes`).
 *
 *   const cluster = await startQueueCluster({ tgz, workers: 2, workerConcurrency: 1 });
 *   await cluster.main.setupOwner();                          // main is an N8nServer (REST, webhooks)
 *   … activate a webhook workflow, POST /webhook/<path> …
 *   cluster.workersThatStarted(executionId);                  // [1]: from the workers' own logs
 *   await cluster.stop();                                     // always: every process it started
 *
 * n8n's database does not record which process ran an execution; each worker logs
 * `Worker started execution <id> (job <job>)` at info level, and that is what is read here.
 */
import { randomBytes } from 'node:crypto';

import { freePort } from './cli';
import type { LaunchOptions, Launched } from './server';
import { N8nProcess, N8nServer, answersOk, launchN8n, startN8n } from './server';
import type { Postgres, Redis, ServiceOptions } from './services';
import { startPostgres, startRedis } from './services';

export class N8nWorker extends N8nProcess {
	constructor(
		readonly index: number,
		readonly healthPort: number,
		launched: Launched,
	) {
		super(launched);
	}

	/** The execution ids this worker started, in log order (a resumed execution appears again). */
	startedExecutions(): string[] {
		return [...this.log().matchAll(/Worker started execution (\d+) \(job /g)].map((match) => match[1]);
	}

	/** The execution ids this worker finished, in log order. */
	finishedExecutions(): string[] {
		return [...this.log().matchAll(/Worker finished execution (\d+) \(job /g)].map((match) => match[1]);
	}
}

export interface QueueOptions extends Omit<LaunchOptions, 'name'> {
	/** how many `n8n worker` processes; default 2 */
	workers?: number;
	/** each worker's `--concurrency` (jobs at once); default n8n's 10 */
	workerConcurrency?: number;
	/** prefix of the log copies in .tmp/real-n8n/logs/ (<name>-main-n8n.log, <name>-worker1-n8n.log …); default 'queue' */
	name?: string;
	/** Postgres and Redis stop when this process is gone; default this process */
	services?: ServiceOptions;
}

/** The environment every process of the cluster shares. */
export function queueEnv(postgres: Postgres, redis: Redis, encryptionKey: string): Record<string, string> {
	return {
		EXECUTIONS_MODE: 'queue',
		...postgres.n8nEnv(),
		...redis.n8nEnv(),
		N8N_ENCRYPTION_KEY: encryptionKey,
		// n8n 2.x's default in queue mode, set explicitly: filesystem mode does not work across workers
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
	};
}

export class QueueCluster {
	constructor(
		readonly postgres: Postgres,
		readonly redis: Redis,
		readonly main: N8nServer,
		readonly workers: N8nWorker[],
	) {}

	/** Indexes of the workers whose log says they started this execution, once per start. */
	workersThatStarted(executionId: string): number[] {
		return this.workers.flatMap((worker) => worker.startedExecutions().filter((id) => id === executionId).map(() => worker.index));
	}

	/** Waits until the workers' logs show `times` starts of this execution; returns the workers, in start order per worker. */
	async waitForWorkerStarts(executionId: string, times = 1, timeoutMs = 15000): Promise<number[]> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const started = this.workersThatStarted(executionId);
			if (started.length >= times) return started;
			if (Date.now() > deadline) throw new Error(`execution ${executionId} was started ${started.length} times by the workers, expected ${times}`);
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
	}

	/** Every process that connects out: main and workers. */
	processes(): N8nProcess[] {
		return [this.main, ...this.workers];
	}

	/** Every refused non-loopback connection of main and the workers. */
	blockedOutbound(): Array<{ process: string; host: string; via: string }> {
		return this.processes().flatMap((p) => p.blockedOutbound().map((entry) => ({ process: p.name, ...entry })));
	}

	/** n8n first (workers and main at once), then Redis and Postgres. Safe to call twice. */
	async stop(): Promise<void> {
		await stopAll(this.processes(), this.redis, this.postgres);
	}
}

async function stopAll(n8n: Array<N8nProcess | undefined>, ...services: Array<Redis | Postgres | undefined>): Promise<void> {
	await Promise.allSettled(n8n.map(async (p) => await p?.stop()));
	await Promise.allSettled(services.map(async (s) => await s?.stop()));
}

/**
 * Starts Postgres and Redis, then main (which migrates the database), then the workers; resolves
 * once each answers its readiness check. On any failure it stops everything it started and throws.
 */
export async function startQueueCluster(options: QueueOptions): Promise<QueueCluster> {
	const { workers: count = 2, workerConcurrency, name = 'queue', services, ...launch } = options;
	const [pg, rd] = await Promise.allSettled([startPostgres(services), startRedis(services)]);
	const postgres = pg.status === 'fulfilled' ? pg.value : undefined;
	const redis = rd.status === 'fulfilled' ? rd.value : undefined;
	let main: N8nServer | undefined;
	const workers: N8nWorker[] = [];
	try {
		if (!postgres || !redis) throw (pg.status === 'rejected' ? pg.reason : (rd as PromiseRejectedResult).reason) as Error;
		const env = { ...queueEnv(postgres, redis, randomBytes(24).toString('hex')), ...launch.env };
		main = await startN8n({ ...launch, name: `${name}-main`, env });
		const started = await Promise.allSettled(
			Array.from({ length: count }, async (_, index) => {
				const healthPort = await freePort();
				const worker = await launchN8n(
					{
						...launch,
						name: `${name}-worker${index + 1}`,
						args: ['worker', ...(workerConcurrency === undefined ? [] : [`--concurrency=${workerConcurrency}`])],
						env: {
							...env,
							QUEUE_HEALTH_CHECK_ACTIVE: 'true',
							QUEUE_HEALTH_CHECK_PORT: String(healthPort),
							N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
							// a worker computes $execution.resumeUrl itself: it must name main, which receives webhooks
							N8N_WEBHOOK_URL: `${main!.baseUrl}/`,
						},
					},
					(launched) => new N8nWorker(index, healthPort, launched),
					async () => await answersOk(`http://127.0.0.1:${healthPort}/healthz/readiness`),
				);
				workers.push(worker);
				return worker;
			}),
		);
		const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
		if (failed) throw failed.reason as Error;
		workers.sort((a, b) => a.index - b.index);
		return new QueueCluster(postgres, redis, main, workers);
	} catch (error) {
		await stopAll([main, ...workers], redis, postgres);
		throw error;
	}
}
