/**
 * `npm run tools-cache [-- --browser] [--services] [--n8n VERSION | --all]`: installs, verifies or
 * repairs the tools cache the real-n8n layer uses (scripts/real-n8n/tools.ts) and prints the paths of
 * each n8n line asked for, one line of JSON each. The demo, the e2e suites and the benchmark do the
 * same by themselves; this is for doing it ahead of time.
 */
import type { N8nVersion } from './real-n8n/tools';
import { N8N_VERSION, N8N_VERSIONS, tools } from './real-n8n/tools';

const args = process.argv.slice(2);
const asked = args.includes('--n8n') ? args[args.indexOf('--n8n') + 1] : undefined;
const lines: N8nVersion[] = args.includes('--all') ? N8N_VERSIONS : [(asked ?? N8N_VERSION) as N8nVersion];
try {
	for (const n8n of lines) {
		const t = tools({ n8n, browser: args.includes('--browser'), services: args.includes('--services') });
		process.stdout.write(`${JSON.stringify(t)}\n`);
	}
} catch (error) {
	process.stderr.write(`${(error as Error).message}\n`);
	process.exitCode = 1;
}
