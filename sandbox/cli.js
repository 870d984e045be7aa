#!/usr/bin/env node
'use strict';
// Standalone sandbox: prints one JSON line {"baseUrl","cdnUrl"} on stdout, stops on SIGTERM/SIGINT.
const { startSandbox, DEFAULT_STANDARD_KEY, DEFAULT_ENTERPRISE_KEY } = require('./server');

const USAGE =
	'usage: node sandbox/cli.js [--port N] [--cdn-port N] [--key K] [--enterprise-key K] [--processing-ms N] [--eta S]\n';

function parseArgs(argv) {
	const out = {};
	for (let i = 0; i < argv.length; i++) {
		let arg = argv[i];
		let value;
		const eq = arg.indexOf('=');
		if (arg.startsWith('--') && eq > 0) {
			value = arg.slice(eq + 1);
			arg = arg.slice(0, eq);
		}
		if (arg === '--help' || arg === '-h') {
			process.stdout.write(USAGE);
			process.exit(0);
		}
		const names = { '--port': 'port', '--cdn-port': 'cdnPort', '--key': 'key', '--enterprise-key': 'enterpriseKey', '--processing-ms': 'processingMs', '--eta': 'eta' };
		const name = names[arg];
		if (!name) throw new Error(`unknown argument: ${arg}`);
		if (value === undefined) {
			value = argv[++i];
			if (value === undefined) throw new Error(`missing value for ${arg}`);
		}
		out[name] = value;
	}
	return out;
}

function int(name, v) {
	const n = Number(v);
	if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`);
	return n;
}

async function main() {
	let args;
	try {
		args = parseArgs(process.argv.slice(2));
	} catch (e) {
		process.stderr.write(`${e.message}\n${USAGE}`);
		process.exit(2);
	}
	const options = {
		accounts: [
			{ key: args.key ?? DEFAULT_STANDARD_KEY, kind: 'standard' },
			{ key: args.enterpriseKey ?? DEFAULT_ENTERPRISE_KEY, kind: 'enterprise' },
		],
	};
	try {
		if (args.port !== undefined) options.port = int('--port', args.port);
		if (args.cdnPort !== undefined) options.cdnPort = int('--cdn-port', args.cdnPort);
		if (args.processingMs !== undefined) options.processingMs = int('--processing-ms', args.processingMs);
		if (args.eta !== undefined) options.etaSeconds = int('--eta', args.eta);
	} catch (e) {
		process.stderr.write(`${e.message}\n${USAGE}`);
		process.exit(2);
	}
	const sandbox = await startSandbox(options);
	process.stdout.write(`${JSON.stringify({ baseUrl: sandbox.baseUrl, cdnUrl: sandbox.cdnUrl })}\n`);
	let stopping = false;
	const stop = () => {
		if (stopping) return;
		stopping = true;
		sandbox.close().then(() => process.exit(0));
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
}

main().catch((e) => {
	process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
	process.exit(1);
});
