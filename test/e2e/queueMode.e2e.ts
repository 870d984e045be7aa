/**
 * n8n 2.41.1 in queue mode, for real: Postgres and Redis (Debian's, started here on loopback with temp
 * data), one main and two workers (`n8n worker`), binary data in the database, the package installed on
 * main and on each worker the way n8n installs community packages (scripts/real-n8n/queue.ts).
 * Production executions run on the workers: each example gets a Webhook trigger in place of its own
 * (everything else unchanged), is activated on main and started through its production URL, and the
 * workers' own logs (`Worker started execution N`) show which one ran it.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';

import type { Sandbox } from '../../sandbox/server';
import { startSandbox } from '../../sandbox/server';
import type { BinaryRef, ModelsLabCredentials, QueueCluster } from '../../scripts/real-n8n';
import { PACKAGE_NAME, SANDBOX_KEYS, filesUnder, findSecrets, loadExample, startQueueCluster } from '../../scripts/real-n8n';
import { expectGenerateThenFetch, expectResumedByWebhook, expectRowsToImages, outputOf, runInProduction } from './exampleChecks';
import { packedTarball } from './helpers';

const DATABASE_REF = /^database:([0-9a-f-]{36})$/;

describe('queue mode: n8n 2.41.1 main + 2 workers, Postgres, Redis', () => {
	let sandbox: Sandbox;
	let cluster: QueueCluster;
	let credentials: ModelsLabCredentials;
	/** a prompt of examples/01, for the database scan */
	let storedPrompt = '';

	beforeAll(async () => {
		sandbox = await startSandbox({ processingMs: 2000 });
		cluster = await startQueueCluster({ tgz: packedTarball(), workers: 2, name: 'queue' });
		await cluster.main.setupOwner();
		credentials = await cluster.main.createSandboxCredentials(sandbox.baseUrl);
	}, 240_000);

	afterAll(async () => {
		await cluster?.stop();
		await sandbox?.close();
	});

	beforeEach(() => {
		sandbox.reset();
	});

	/** The workers' logs show exactly `times` starts of the execution, and main's none. */
	async function ranOnWorkers(executionId: string, times = 1): Promise<number[]> {
		const workers = await cluster.waitForWorkerStarts(executionId, times);
		expect(workers).toHaveLength(times);
		expect(cluster.main.log()).not.toMatch(new RegExp(`Worker started execution ${executionId} `));
		return workers;
	}

	/** Stored in Postgres's binary_data table (database mode), and the bytes read back through main are the sandbox's. */
	async function expectInDatabase(ref: BinaryRef, expected: Buffer): Promise<void> {
		const fileId = DATABASE_REF.exec(ref.id ?? '')?.[1];
		expect([ref.id, fileId]).toEqual([expect.stringMatching(DATABASE_REF), expect.any(String)]);
		const rows = cluster.postgres.query(`select length(data), encode(sha256(data), 'hex') from binary_data where "fileId" = '${fileId}'`);
		expect(rows).toEqual([[String(expected.length), createHash('sha256').update(expected).digest('hex')]]);
		expect((await cluster.main.binaryData(ref)).equals(expected)).toBe(true);
	}

	it('starts the package on main and on both workers, each from its own user folder', async () => {
		const nodes = await cluster.main.rest<Array<{ name: string }>>('GET', '/types/nodes.json');
		expect(nodes.map((n) => n.name)).toContain('n8n-nodes-modelslab.modelsLab');
		const folders = cluster.processes().map((p) => p.userFolder);
		expect(new Set(folders).size).toBe(3);
		for (const worker of cluster.workers) {
			expect(worker.log()).toMatch(/n8n worker is now ready/);
			expect(worker.log()).toMatch(/Concurrency: 10/);
		}
	});

	it('examples/01 on a worker: three rows, three PNGs stored in and read back from the database', async () => {
		const { executionId, execution } = await runInProduction(cluster.main, credentials, loadExample('01-rows-to-images.json'), 'queue-rows');
		await ranOnWorkers(executionId);
		const items = await expectRowsToImages(execution, { sandbox, n8n: cluster.main });
		storedPrompt = sandbox.stats.jobs[0].prompt;
		for (const item of items) {
			const job = sandbox.stats.jobs.find((j) => String(j.id) === item.json.id)!;
			await expectInDatabase(item.binary!.data, sandbox.jobBytes(job.id, 0));
		}
	});

	it('examples/02 on a worker: generate now, wait, Fetch Result by the id', async () => {
		const { executionId, execution } = await runInProduction(cluster.main, credentials, loadExample('02-generate-now-fetch-later.json'), 'queue-fetch-later');
		await ranOnWorkers(executionId);
		await expectGenerateThenFetch(execution, { sandbox, n8n: cluster.main });
		const [done] = outputOf(execution, 'Fetch result');
		await expectInDatabase(done.binary!.data, sandbox.jobBytes(Number(done.json.id), 0));
	});

	it('examples/03 on the workers: parked as waiting, resumed by the webhook on a worker, ends with the PNG', async () => {
		let startsWhileWaiting: number[] = [];
		const { executionId, execution } = await runInProduction(cluster.main, credentials, loadExample('03-webhook-resume.json'), 'queue-webhook-resume', {
			onWaiting: (id) => {
				startsWhileWaiting = cluster.workersThatStarted(id);
			},
		});
		// one start before the Wait node parked it, a second one for the resume, both by workers
		expect(startsWhileWaiting).toHaveLength(1);
		await ranOnWorkers(executionId, 2);
		await expectResumedByWebhook(execution, executionId, { sandbox, n8n: cluster.main }, { signedResumeUrls: true });
		const [item] = outputOf(execution, 'Fetch result');
		await expectInDatabase(item.binary!.data, sandbox.jobBytes(Number(item.json.id), 0));
	});

	it("neither API key is in the Postgres dump (as text or as bytea hex), the workers' files or any log", () => {
		const dump = cluster.postgres.dump();
		// the dump holds what was stored: the credentials (encrypted), the executions' data, the images
		for (const table of ['credentials_entity', 'execution_data', 'binary_data']) expect(dump).toContain(`COPY public.${table} `);
		expect(dump).toContain('ModelsLab Enterprise account');
		expect(dump).toContain(storedPrompt);
		expect(dump).toMatch(/\\x89504e470d0a1a0a/); // a PNG, as bytea hex
		// everything under each .n8n is searched, the installed package (its README included) too
		const files = cluster.processes().flatMap((p) => filesUnder(path.join(p.userFolder, '.n8n')));
		expect(files.filter((file) => file.endsWith(`${path.sep}${PACKAGE_NAME}${path.sep}README.md`)).length).toBe(cluster.processes().length);
		const texts = [
			{ label: 'pg_dump', text: dump },
			...cluster.processes().map((p) => ({ label: `log of ${p.name}`, text: p.log() })),
		];
		expect(findSecrets([SANDBOX_KEYS.standard, SANDBOX_KEYS.enterprise], files, texts)).toEqual([]);
	});

	it('main and the workers called no address but loopback', () => {
		expect(cluster.blockedOutbound()).toEqual([]);
	});
});
