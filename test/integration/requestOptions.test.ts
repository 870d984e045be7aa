import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createAnswer, expectImagesOfJob, runNode, text2imgParams, trafficLog, useSandbox } from './setup';

/**
 * Issue 12: n8n's own Request Options (Settings → Request Options: timeout, proxy, ignore SSL
 * issues), declared by the node and applied to API calls and image downloads alike.
 */

const sandbox = useSandbox();
const STANDARD_KEY = 'sandbox-standard-key';

interface ProxiedRequest {
	method: string;
	url: string;
	headers: http.IncomingHttpHeaders;
	body: string;
}

async function listen(server: net.Server): Promise<number> {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return (server.address() as AddressInfo).port;
}

async function close(server: net.Server & { closeAllConnections?: () => void }) {
	server.closeAllConnections?.();
	await new Promise((resolve) => server.close(resolve));
}

/** A forward proxy on 127.0.0.1: plain requests (absolute URLs) and CONNECT tunnels, each one logged. */
async function startProxy() {
	const seen: ProxiedRequest[] = [];
	const tunnels = new Set<net.Socket>();
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: body.toString() });
			const target = new URL(req.url ?? '');
			const upstream = http.request(
				{ host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: req.method, headers: req.headers },
				(answer) => {
					res.writeHead(answer.statusCode ?? 502, answer.headers);
					answer.pipe(res);
				},
			);
			upstream.on('error', () => res.destroy());
			upstream.end(body);
		});
	});
	server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
		seen.push({ method: 'CONNECT', url: req.url ?? '', headers: req.headers, body: '' });
		const [host, port] = (req.url ?? '').split(':');
		const upstream = net.connect(Number(port), host, () => {
			socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			upstream.write(head);
			upstream.pipe(socket);
			socket.pipe(upstream);
		});
		tunnels.add(socket).add(upstream);
		upstream.on('error', () => socket.destroy());
		socket.on('error', () => upstream.destroy());
	});
	const port = await listen(server);
	return {
		url: `http://127.0.0.1:${port}`,
		seen,
		close: async () => {
			for (const socket of tunnels) socket.destroy();
			await close(server);
		},
	};
}

/** An HTTPS front for the sandbox's API with a self-signed certificate for 127.0.0.1, made for this run. */
async function startSelfSignedApi(target: () => string) {
	const dir = mkdtempSync(join(tmpdir(), 'modelslab-tls-'));
	execFileSync(
		'openssl',
		['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
			'-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
		{ stdio: 'ignore' },
	);
	const server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
		const api = new URL(target());
		const upstream = http.request(
			{ host: api.hostname, port: api.port, path: req.url, method: req.method, headers: { ...req.headers, host: api.host } },
			(answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		upstream.on('error', () => res.destroy());
		req.pipe(upstream);
	});
	const port = await listen(server);
	return {
		url: `https://127.0.0.1:${port}`,
		close: async () => {
			await close(server);
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

describe('Request Options → Proxy', () => {
	it('the proxy sees the API calls and the image download; the key is only in the calls to the API origin', async () => {
		const proxy = await startProxy();
		try {
			const result = await runNode(sandbox(), { parameters: text2imgParams({ requestOptions: { proxy: proxy.url } }) });
			expect(result.status).toBe('success');
			const answer = createAnswer(sandbox());
			expect(proxy.seen.map((request) => `${request.method} ${request.url}`)).toEqual([
				`POST ${sandbox().baseUrl}/api/v6/images/text2img`,
				`GET ${answer.output[0]}`,
			]);
			const [create, download] = proxy.seen;
			expect(JSON.parse(create.body)).toMatchObject({ key: STANDARD_KEY, prompt: 'a lighthouse at dawn' });
			expect(JSON.stringify(download)).not.toContain(STANDARD_KEY);
			// what the proxy forwarded is what the sandbox got: one create, one download
			expect(trafficLog(sandbox())).toEqual(['create 200']);
			expect(sandbox().counters().cdnRequests).toBe(1);
			expectImagesOfJob(sandbox(), result, answer.id);
		} finally {
			await proxy.close();
		}
	});

	it('an HTTPS API through the proxy goes through a CONNECT tunnel (here with Ignore SSL Issues for the test certificate)', async () => {
		const proxy = await startProxy();
		const api = await startSelfSignedApi(() => sandbox().baseUrl);
		try {
			const result = await runNode(sandbox(), {
				parameters: text2imgParams({ requestOptions: { proxy: proxy.url, allowUnauthorizedCerts: true } }),
				baseUrl: api.url,
			});
			expect(result.status).toBe('success');
			expect(proxy.seen.map((request) => `${request.method} ${request.url}`)).toEqual([
				`CONNECT ${api.url.replace('https://', '')}`,
				`GET ${createAnswer(sandbox()).output[0]}`,
			]);
			expect(JSON.stringify(proxy.seen)).not.toContain(STANDARD_KEY);
		} finally {
			await api.close();
			await proxy.close();
		}
	});
});

describe('Request Options → Ignore SSL Issues', () => {
	it('a self-signed HTTPS server: refused without it (nothing sent), works with it', async () => {
		const api = await startSelfSignedApi(() => sandbox().baseUrl);
		try {
			const refused = await runNode(sandbox(), { parameters: text2imgParams(), baseUrl: api.url });
			expect(refused.error).toMatchObject({
				name: 'NodeApiError',
				message: expect.stringMatching(/^Could not connect to ModelsLab securely: its certificate was not accepted \([A-Z_]+\)$/),
				description: expect.stringContaining('Nothing was sent. For a test server with a self-signed certificate, turn on Settings → Request Options → Ignore SSL Issues'),
			});
			expect(sandbox().counters().requests).toEqual([]);

			const accepted = await runNode(sandbox(), {
				parameters: text2imgParams({ requestOptions: { allowUnauthorizedCerts: true } }),
				baseUrl: api.url,
			});
			expect(accepted.status).toBe('success');
			expect(trafficLog(sandbox())).toEqual(['create 200']);
			expectImagesOfJob(sandbox(), accepted, createAnswer(sandbox()).id);
		} finally {
			await api.close();
		}
	});
});

describe('Request Options → Timeout', () => {
	it('a fetch slower than the timeout is abandoned and sent again', async () => {
		sandbox().configure({ processingMs: 200, etaSeconds: 0 });
		sandbox().injectFault({ route: 'fetch', kind: 'delay', ms: 1500 });
		const result = await runNode(sandbox(), { parameters: text2imgParams({ requestOptions: { timeout: 300 } }) });
		expect(result.status).toBe('success');
		const [, slow, quick] = sandbox().counters().requests;
		expect([slow.fault, quick.fault, quick.route]).toEqual(['delay', undefined, 'fetch']);
		// the node gave up on the slow one after 300 ms, then waited its 1 s retry delay
		expect(quick.t - slow.t).toBeLessThan(1500);
		expectImagesOfJob(sandbox(), result, createAnswer(sandbox()).id);
	});

	it('a create is never cut short by it: an accepted create is billed', async () => {
		sandbox().injectFault({ route: 'create', kind: 'delay', ms: 800 });
		const result = await runNode(sandbox(), { parameters: text2imgParams({ requestOptions: { timeout: 200 } }) });
		expect(result.status).toBe('success');
		expect(trafficLog(sandbox())).toEqual(['create 200 delay']);
		expect(sandbox().counters().createAttempts).toBe(1);
	});

	it('a download slower than the timeout is tried again', async () => {
		sandbox().injectFault({ route: 'cdn', kind: 'delay', ms: 1500 });
		const result = await runNode(sandbox(), { parameters: text2imgParams({ requestOptions: { timeout: 300 } }) });
		expect(result.status).toBe('success');
		expect(sandbox().counters().cdnLog.map((record) => record.fault)).toEqual(['delay', undefined]);
		expectImagesOfJob(sandbox(), result, createAnswer(sandbox()).id);
	});
});

describe('Request Options are validated like every field', () => {
	it.each([
		[{ timeout: 0 }, 'Invalid parameters: Timeout must be between 1 and 3600000, got 0'],
		[{ timeout: '={{ "soon" }}' }, 'Invalid parameters: Timeout must be a whole number (1–3600000), got "soon"'],
		[
			{ proxy: 'ftp://127.0.0.1:21' },
			'Invalid parameters: Proxy must be an http(s) URL such as http://myproxy:3128 (with user:password@ if it needs them), got "ftp://127.0.0.1:21"',
		],
	])('%j: the field named, nothing sent', async (requestOptions, message) => {
		const result = await runNode(sandbox(), { parameters: text2imgParams({ requestOptions }) });
		expect(result.error).toMatchObject({ message, description: 'Nothing was sent to ModelsLab.' });
		expect(sandbox().counters().requests).toEqual([]);
	});
});
