/**
 * Stopping an execution while the node waits for a job ends it at once, on every n8n line. On 1.x
 * n8n-workflow's `sleep(ms)` ignores the cancel signal, so the node's clock races it against the signal
 * (time/clock.ts); this runs a real stop through n8n's REST API while the node sleeps between polls.
 */
import type { Sandbox } from '../../sandbox/server';
import { startSandbox } from '../../sandbox/server';
import type { Execution, ModelsLabCredentials, N8nServer, N8nVersion, WorkflowJson } from '../../scripts/real-n8n';
import { startN8n } from '../../scripts/real-n8n';
import { packedTarball } from './helpers';

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

const WORKFLOW: WorkflowJson = {
	name: 'e2e: Text2Img, stopped while it waits',
	nodes: [
		{ parameters: {}, id: 'c0000000-0014-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
		{
			parameters: {
				resource: 'image',
				operation: 'text2img',
				modelId: { __rl: true, mode: 'id', value: 'flux' },
				prompt: 'a lighthouse in a long storm',
				width: 512,
				height: 512,
				samples: 1,
				waitForCompletion: true,
				maxWaitTime: 300,
				output: 'urls',
			},
			id: 'c0000000-0014-4000-8000-000000000002',
			name: 'ModelsLab',
			type: 'n8n-nodes-modelslab.modelsLab',
			typeVersion: 1,
			position: [220, 0],
			credentials: { modelsLabApi: { id: 'modelslab-standard', name: 'ModelsLab account' } },
		},
	],
	connections: { Start: { main: [[{ node: 'ModelsLab', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
};

/**
 * What each line stores for the stopped execution (n8n, not the node). 2.x keeps the record its stop
 * wrote: the cancel error, no run data. On 1.123 the stop's write (the cancel error on the data it read)
 * races the run's own save (the trigger's run, no error), so any mix of the two may be kept. Neither
 * line ever stores a run of the ModelsLab node.
 */
const CANCELLED = 'The execution was cancelled manually';
const STORED: Record<N8nVersion, { errors: Array<string | undefined>; ranNodes: string[][] }> = {
	'2.41.1': { errors: [CANCELLED], ranNodes: [[]] },
	'1.123.81': { errors: [CANCELLED, undefined], ranNodes: [[], ['Start']] },
};

export function cancelSuite(version: N8nVersion): void {
	describe(`stopping an execution mid-wait, on a running n8n ${version} server`, () => {
		let sandbox: Sandbox;
		let n8n: N8nServer;
		let credentials: ModelsLabCredentials;

		beforeAll(async () => {
			// the job takes a minute; create says eta 8, so the first fetch comes at 7 s, and that fetch's
			// eta (53 s, read as at most 30) puts the next one about 25 s later
			sandbox = await startSandbox({ processingMs: 60_000, etaSeconds: 8 });
			// debug: n8n logs "Workflow execution finished" once the run has really ended
			n8n = await startN8n({ name: `cancel-${version}`, n8n: version, tgz: packedTarball(), env: { N8N_LOG_LEVEL: 'debug' } });
			await n8n.setupOwner();
			credentials = await n8n.createSandboxCredentials(sandbox.baseUrl);
		});

		afterAll(async () => {
			await n8n?.stop();
			await sandbox?.close();
		});

		it('the stop ends the wait at once: canceled, the node done within 5 s, no further request for the job', async () => {
			const saved = await n8n.createWorkflow(WORKFLOW, credentials);
			const { executionId } = await n8n.runWorkflow(saved.id, 'Start');

			// the create, then the first fetch (at about 7 s): the node is now asleep until the next poll
			const fetched = Date.now() + 30_000;
			while (sandbox.stats.fetches < 1 && Date.now() < fetched) await sleep(50);
			expect(sandbox.stats.requests.map((r) => [r.route, r.status])).toEqual([
				['create', 200],
				['fetch', 200],
			]);
			const [create, firstFetch] = sandbox.stats.requests;
			const jobId = create.jobId;
			expect(firstFetch.jobId).toBe(jobId);
			expect(firstFetch.response).toMatchObject({ status: 'processing' });
			await sleep(500);
			expect(n8n.log()).not.toContain('Workflow execution finished');

			const stoppedAt = Date.now();
			const stopped = await n8n.rest<{ status: string; finished: boolean }>('POST', `/rest/executions/${executionId}/stop`);
			expect(stopped).toMatchObject({ status: 'canceled', finished: false });

			// n8n marks it canceled and releases it as it stops it, whatever the node does; the run itself ends
			// only when the node returns: n8n logs "Workflow execution finished" (debug) with the node's error
			const nodeEnded = new RegExp(`Workflow execution finished with error.*"message":\\s*"Execution cancelled while waiting for request ${jobId}"`);
			let endedAfter: number | undefined;
			while (endedAfter === undefined && Date.now() - stoppedAt < 5000) {
				if (nodeEnded.test(n8n.log())) endedAfter = Date.now() - stoppedAt;
				else await sleep(50);
			}
			process.stderr.write(`[e2e] n8n ${version}: the run ended ${endedAfter} ms after the stop\n`);
			expect(endedAfter).toBeLessThan(5000);

			// past the time the next poll was due (its fetch's eta puts it about 25 s after the first one)
			await sleep(Math.max(0, firstFetch.t + 30_000 - Date.now()));
			expect(sandbox.stats.requests.filter((r) => r.jobId === jobId && r.t >= stoppedAt)).toEqual([]);
			expect(sandbox.stats.requests).toHaveLength(2);
			// read what n8n stored only now: 1.x may still be saving the execution just after the stop
			const execution: Execution = await n8n.getExecution(executionId);
			expect(execution).toMatchObject({ status: 'canceled', finished: false });
			expect(STORED[version].errors).toContain(execution.data.resultData.error?.message);
			expect(STORED[version].ranNodes).toContainEqual(Object.keys(execution.data.resultData.runData));
		}, 120_000);

		it('n8n called no address but loopback', () => {
			expect(n8n.blockedOutbound()).toEqual([]);
		});
	});
}
