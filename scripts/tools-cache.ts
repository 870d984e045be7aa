/**
 * `npm run tools-cache [-- --browser]`: installs, verifies or repairs the tools cache the real-n8n
 * layer uses (scripts/real-n8n/tools.ts) and prints its paths as one line of JSON. The demo, the e2e
 * suites and the benchmark do the same by themselves; this is for doing it ahead of time.
 */
import { tools } from './real-n8n/tools';

try {
	process.stdout.write(`${JSON.stringify(tools({ browser: process.argv.includes('--browser') }))}\n`);
} catch (error) {
	process.stderr.write(`${(error as Error).message}\n`);
	process.exitCode = 1;
}
