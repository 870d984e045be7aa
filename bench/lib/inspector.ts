/**
 * A full garbage collection in n8n's main process and its memory right after, through the V8 inspector
 * (n8n started with NODE_OPTIONS=--inspect=127.0.0.1:0). It tells memory n8n still holds from garbage
 * V8 has not collected yet. The DevTools protocol needs a WebSocket client: Node 24 (the tools cache)
 * has one built in, so the few calls run there, in a child process.
 */
import { execFileSync } from 'node:child_process';

import { tools } from '../../scripts/real-n8n';

/** The main process's inspector URL: the first "Debugger listening on ws://…" line of n8n's log. */
export function inspectorUrl(log: string): string | undefined {
	return /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/.exec(log)?.[1];
}

export interface MemoryAfterGc {
	rssMB: number;
	heapUsedMB: number;
	externalMB: number;
}

const SCRIPT = `
const ws = new WebSocket(process.argv[1]);
let id = 0;
const pending = new Map();
ws.onmessage = (m) => { const d = JSON.parse(m.data); if (pending.has(d.id)) { pending.get(d.id)(d); pending.delete(d.id); } };
const call = (method, params = {}) => new Promise((resolve) => { const i = ++id; pending.set(i, resolve); ws.send(JSON.stringify({ id: i, method, params })); });
ws.onopen = async () => {
	await call('HeapProfiler.collectGarbage');
	await call('HeapProfiler.collectGarbage');
	const r = await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())' });
	process.stdout.write(r.result.result.value);
	ws.close();
	process.exit(0);
};
ws.onerror = (e) => { process.stderr.write(String(e.message ?? e)); process.exit(1); };
setTimeout(() => { process.stderr.write('inspector timeout'); process.exit(1); }, 30000);
`;

export function collectGarbage(url: string): MemoryAfterGc {
	const out = execFileSync(tools().node, ['-e', SCRIPT, url], { encoding: 'utf8', timeout: 60_000 });
	const usage = JSON.parse(out) as { rss: number; heapUsed: number; external: number };
	const mb = (bytes: number) => bytes / 2 ** 20;
	return { rssMB: mb(usage.rss), heapUsedMB: mb(usage.heapUsed), externalMB: mb(usage.external) };
}
