// Webhook calls when a job finishes. Only loopback receivers are called, so the sandbox never reaches out.
import * as dns from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { SandboxContext } from '../core/context';
import type { Job } from '../core/job';
import type { WebhookRecord } from '../core/types';
import { failedBody, outputEntries } from './answers';

function isLoopbackAddress(addr: string): boolean {
	if (net.isIPv4(addr)) return addr === '127.0.0.1';
	if (net.isIPv6(addr)) return addr === '::1' || addr === '::ffff:127.0.0.1';
	return false;
}

function isLoopbackHost(hostname: string): boolean {
	const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	return h === 'localhost' || isLoopbackAddress(h);
}

// Even "localhost" must resolve to a loopback address.
const loopbackLookup: net.LookupFunction = (hostname, options, callback) => {
	dns.lookup(hostname, options, (err, address, family) => {
		if (err) return callback(err, '');
		if (Array.isArray(address)) {
			const ok = address.filter((a) => isLoopbackAddress(a.address));
			if (ok.length === 0) return callback(new Error(`refusing non-loopback address for ${hostname}`), '');
			return callback(null, ok);
		}
		if (!isLoopbackAddress(address)) return callback(new Error(`refusing non-loopback address ${address}`), '');
		return callback(null, address, family);
	});
};

function webhookBody(ctx: SandboxContext, job: Job): Record<string, unknown> {
	if (job.failed) return failedBody(job);
	return {
		status: 'success',
		id: job.id,
		output: outputEntries(ctx, job),
		generationTime: job.generationTime,
		track_id: job.trackId,
		meta: job.meta,
	};
}

/** Why the webhook URL is not called, or null when it may be. */
function skipReason(url: string): string | null {
	let u: URL;
	try {
		u = new URL(url);
	} catch {
		return 'invalid URL';
	}
	if (u.protocol !== 'http:' && u.protocol !== 'https:') return `unsupported protocol ${u.protocol}`;
	if (!isLoopbackHost(u.hostname)) return 'non-loopback host';
	return null;
}

export function deliverWebhook(ctx: SandboxContext, job: Job, url: string): void {
	const body = webhookBody(ctx, job);
	const rec: WebhookRecord = { t: Date.now(), jobId: job.id, url, body, status: null, skipped: null, error: null };
	ctx.stats.webhookLog.push(rec);
	rec.skipped = skipReason(url);
	if (rec.skipped) return;
	ctx.stats.webhooks++;
	const payload = Buffer.from(JSON.stringify(body));
	const u = new URL(url);
	const mod = u.protocol === 'https:' ? https : http;
	const req = mod.request(u, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'content-length': payload.length, 'user-agent': 'modelslab-sandbox-webhook' },
		agent: false,
		lookup: loopbackLookup,
		rejectUnauthorized: false,
		timeout: 30000,
	});
	const { pendingWebhooks } = ctx;
	pendingWebhooks.add(req);
	req.on('response', (res) => {
		rec.status = res.statusCode ?? null;
		res.resume();
		res.on('end', () => pendingWebhooks.delete(req));
	});
	req.on('timeout', () => req.destroy(new Error('webhook timed out')));
	req.on('error', (e) => {
		rec.error = e.message;
		pendingWebhooks.delete(req);
	});
	req.on('close', () => pendingWebhooks.delete(req));
	req.end(payload);
}
