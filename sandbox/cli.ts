#!/usr/bin/env node
// Standalone sandbox: prints one JSON line {"baseUrl","cdnUrl"} on stdout, stops on SIGTERM/SIGINT.
import { DEFAULT_ENTERPRISE_KEY, DEFAULT_STANDARD_KEY, type SandboxOptions, startSandbox } from './server';

const USAGE =
	'usage: node .tmp/scripts-build/sandbox/cli.js [--port N] [--cdn-port N] [--key K] [--enterprise-key K] [--processing-ms N] [--eta S]\n';

const FLAGS = {
	'--port': 'port',
	'--cdn-port': 'cdnPort',
	'--key': 'key',
	'--enterprise-key': 'enterpriseKey',
	'--processing-ms': 'processingMs',
	'--eta': 'eta',
} as const;

type Args = Partial<Record<(typeof FLAGS)[keyof typeof FLAGS], string>>;

function parseArgs(argv: string[]): Args {
	const out: Args = {};
	for (let i = 0; i < argv.length; i++) {
		let arg = argv[i];
		let value: string | undefined;
		const eq = arg.indexOf('=');
		if (arg.startsWith('--') && eq > 0) {
			value = arg.slice(eq + 1);
			arg = arg.slice(0, eq);
		}
		if (arg === '--help' || arg === '-h') {
			process.stdout.write(USAGE);
			process.exit(0);
		}
		const name = FLAGS[arg as keyof typeof FLAGS] as (typeof FLAGS)[keyof typeof FLAGS] | undefined;
		if (!name) throw new Error(`unknown argument: ${arg}`);
		if (value === undefined) {
			value = argv[++i];
			if (value === undefined) throw new Error(`missing value for ${arg}`);
		}
		out[name] = value;
	}
	return out;
}

function int(name: string, v: string): number {
	const n = Number(v);
	if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`);
	return n;
}

/** Exits with status 2 and the usage when `fn` throws. */
function orUsage<T>(fn: () => T): T {
	try {
		return fn();
	} catch (e) {
		process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
		process.exit(2);
	}
}

function toOptions(args: Args): SandboxOptions {
	const options: SandboxOptions = {
		accounts: [
			{ key: args.key ?? DEFAULT_STANDARD_KEY, kind: 'standard' },
			{ key: args.enterpriseKey ?? DEFAULT_ENTERPRISE_KEY, kind: 'enterprise' },
		],
	};
	if (args.port !== undefined) options.port = int('--port', args.port);
	if (args.cdnPort !== undefined) options.cdnPort = int('--cdn-port', args.cdnPort);
	if (args.processingMs !== undefined) options.processingMs = int('--processing-ms', args.processingMs);
	if (args.eta !== undefined) options.etaSeconds = int('--eta', args.eta);
	return options;
}

async function main(): Promise<void> {
	const args = orUsage(() => parseArgs(process.argv.slice(2)));
	const sandbox = await startSandbox(orUsage(() => toOptions(args)));
	process.stdout.write(`${JSON.stringify({ baseUrl: sandbox.baseUrl, cdnUrl: sandbox.cdnUrl })}\n`);
	let stopping = false;
	const stop = () => {
		if (stopping) return;
		stopping = true;
		void sandbox.close().then(() => process.exit(0));
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
}

main().catch((e: unknown) => {
	process.stderr.write(`${e instanceof Error && e.stack ? e.stack : String(e)}\n`);
	process.exit(1);
});
