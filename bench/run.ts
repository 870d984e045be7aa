/**
 * `npm run bench`: the ModelsLab node against the hand-built HTTP Request + IF + Wait loop, on real n8n and
 * the in-repo sandbox. Writes BENCHMARKS.md and docs/bench-latency-batch.png, and the raw results to
 * .tmp/bench/results.json.
 *
 *   npm run bench                       the full run (what is committed; about 50 minutes)
 *   npm run bench -- --quick            fewer repetitions, for development
 *   npm run bench -- --only latency,longEta,load
 *                                       some scenarios; the others keep their results from .tmp/bench/results.json
 *   npm run bench -- --report-only      BENCHMARKS.md and the chart again from .tmp/bench/results.json
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

import type { N8nServer } from '../scripts/real-n8n';
import { REPO_ROOT, buildAndPack, n8nPackageDir, startN8n, tools } from '../scripts/real-n8n';
import { chartSvg, svgToPng } from './lib/chart';
import { machineInfo, startLoadSampler } from './lib/machine';
import type { Results } from './lib/report';
import { CHART_FILE, chartPanels, goals, renderMarkdown } from './lib/report';
import { batchScenario } from './scenarios/batch';
import { latencyScenario } from './scenarios/latency';
import { longEtaScenario } from './scenarios/longEta';
import { loadScenario } from './scenarios/load';
import { memoryScenario } from './scenarios/memory';
import { queueScenario } from './scenarios/queue';
import { scaleScenario } from './scenarios/scale';

const SCENARIOS = ['latency', 'longEta', 'batch', 'memory', 'load', 'queue', 'scale'] as const;
type Scenario = (typeof SCENARIOS)[number];

const OUT_DIR = path.join(REPO_ROOT, '.tmp', 'bench');
const RESULTS_FILE = path.join(OUT_DIR, 'results.json');

interface Args {
	quick: boolean;
	only: Set<Scenario>;
	reportOnly: boolean;
}

function parseArgs(argv: string[]): Args {
	const args: Args = { quick: false, only: new Set(SCENARIOS), reportOnly: false };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--quick') args.quick = true;
		else if (arg === '--report-only') args.reportOnly = true;
		else if (arg === '--only' || arg.startsWith('--only=')) {
			const list = arg.includes('=') ? arg.split('=')[1] : argv[++i];
			const names = (list ?? '').split(',').filter(Boolean);
			for (const name of names) if (!SCENARIOS.includes(name as Scenario)) throw new Error(`unknown scenario ${name}; known: ${SCENARIOS.join(', ')}`);
			args.only = new Set(names as Scenario[]);
		} else throw new Error(`unknown argument ${arg}`);
	}
	return args;
}

const started = Date.now();
function log(line: string): void {
	process.stdout.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
}

async function writeReport(results: Results): Promise<void> {
	writeFileSync(path.join(REPO_ROOT, 'BENCHMARKS.md'), renderMarkdown(results));
	log('wrote BENCHMARKS.md');
	const panels = chartPanels(results);
	if (panels.length > 0) {
		const m = results.machine;
		const footer = `npm run bench${results.quick ? ' --quick' : ''} · ${m.date} · n8n ${m.n8nVersion} on Node ${m.n8nNode} · ${m.cpu}, ${m.cores} cores`;
		const width = 600 * panels.length;
		const height = 540;
		const svg = chartSvg(panels, footer, width, height);
		writeFileSync(path.join(OUT_DIR, 'chart.svg'), svg);
		await svgToPng(svg, path.join(REPO_ROOT, CHART_FILE), width, height);
		log(`wrote ${CHART_FILE}`);
	}
	for (const g of goals(results)) log(`goal ${g.scenario} ${g.what}: node ${g.node} (goal ${g.goal}) -> ${g.met ? 'met' : 'MISSED'}`);
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	mkdirSync(OUT_DIR, { recursive: true });
	if (args.reportOnly) {
		await writeReport(JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Results);
		return;
	}
	const reps = args.quick ? { latency: 4, longEta: 1, batch: 1, memory: 1, queue: 1 } : { latency: 20, longEta: 2, batch: 5, memory: 2, queue: 2 };
	const t = tools();
	const n8nVersion = (JSON.parse(readFileSync(path.join(n8nPackageDir(t), 'package.json'), 'utf8')) as { version: string }).version;
	// a run of some scenarios keeps the others' results from the last run (when it measured the same way)
	const earlier = args.only.size < SCENARIOS.length && existsSync(RESULTS_FILE) ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Results) : undefined;
	const kept = earlier && earlier.quick === args.quick ? Object.fromEntries(SCENARIOS.filter((s) => !args.only.has(s) && earlier[s]).map((s) => [s, earlier[s]])) : {};
	if (Object.keys(kept).length > 0) log(`keeping the results of ${Object.keys(kept).join(', ')} from ${earlier!.startedAt}`);
	const results: Results = {
		...kept,
		...(Object.keys(kept).length > 0 ? { keptFrom: Object.fromEntries(Object.keys(kept).map((name) => [name, earlier!.keptFrom?.[name] ?? earlier!.startedAt])) } : {}),
		machine: machineInfo(t.node, n8nVersion),
		quick: args.quick,
		startedAt: new Date(started).toISOString(),
		durationMs: 0,
	};
	const load = startLoadSampler();
	// partial results survive a crash (BENCHMARKS.md is only written at the end)
	const save = () => writeFileSync(RESULTS_FILE, JSON.stringify({ ...results, durationMs: Date.now() - started }, null, '\t'));
	log(`building and packing the package (n8n ${n8nVersion}, ${results.machine.cpu}, ${results.machine.cores} cores)`);
	const tgz = buildAndPack();

	if (args.only.has('latency') || args.only.has('longEta') || args.only.has('batch')) {
		let n8n: N8nServer | undefined;
		try {
			n8n = await startN8n({ tgz, name: 'bench', env: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' }, maxLifetimeMs: 60 * 60 * 1000 });
			await n8n.setupOwner();
			log(`n8n ready at ${n8n.baseUrl}`);
			if (args.only.has('latency')) results.latency = await latencyScenario(n8n, reps.latency, log);
			save();
			if (args.only.has('longEta')) results.longEta = await longEtaScenario(n8n, reps.longEta, log, args.quick ? 8 : undefined);
			save();
			if (args.only.has('batch')) results.batch = await batchScenario(n8n, reps.batch, log);
			save();
			const blocked = n8n.blockedOutbound();
			if (blocked.length > 0) log(`warning: n8n tried to reach ${blocked.map((b) => b.host).join(', ')} (refused)`);
		} finally {
			await n8n?.stop();
		}
	}
	if (args.only.has('memory')) results.memory = await memoryScenario(tgz, [50, 100], reps.memory, log);
	save();
	if (args.only.has('queue')) results.queue = await queueScenario(tgz, { reps: reps.queue }, log);
	save();
	if (args.only.has('scale')) results.scale = await scaleScenario(tgz, log, args.quick ? 200 : undefined);
	save();
	if (args.only.has('load')) {
		results.load = loadScenario(
			[
				{ label: 'default Node', node: process.execPath },
				{ label: "n8n's Node", node: t.node },
			],
			args.quick ? 5 : 10,
			log,
		);
	}
	results.durationMs = Date.now() - started;
	results.machine.load = load.stop();
	log(`1-minute load average during the run: median ${results.machine.load.median.toFixed(2)}, max ${results.machine.load.max.toFixed(2)}`);
	writeFileSync(RESULTS_FILE, JSON.stringify(results, null, '\t'));
	log(`raw results in ${path.relative(REPO_ROOT, RESULTS_FILE)}`);
	await writeReport(results);
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		process.exit(1);
	},
);
