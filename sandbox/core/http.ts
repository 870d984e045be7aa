// HTTP plumbing shared by the API and the CDN servers: bodies in, answers out, every answer recorded.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export const HOST = '127.0.0.1';
// an image and a mask of 5 MB each, as base64, fit
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export const DEFAULT_HTML =
	'<!DOCTYPE html>\n<html><head><title>ModelsLab</title></head><body><h1>Something went wrong</h1><p>Please try again later.</p></body></html>\n';

export const TEXT_PLAIN = 'text/plain; charset=utf-8';
export const TEXT_HTML = 'text/html; charset=utf-8';

/** The log entry an answer is written into (a RequestRecord or a CdnRecord). */
export interface AnswerEntry {
	status: number;
	response?: unknown;
}

/** One request being answered: what every route handler gets. */
export interface Exchange<Entry extends AnswerEntry = AnswerEntry> {
	req: http.IncomingMessage;
	res: http.ServerResponse;
	entry: Entry;
	/** a `shape` fault's change to the JSON answered (observed.ts) */
	reshape?: (body: unknown) => unknown;
	/** write `\/` for every `/`, as some recorded answers do */
	escapeSlashes?: boolean;
}

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const parts: Buffer[] = [];
		let size = 0;
		req.on('data', (c: Buffer) => {
			size += c.length;
			if (size > MAX_BODY_BYTES) {
				reject(new Error('body too large'));
				req.destroy();
				return;
			}
			parts.push(c);
		});
		req.on('end', () => resolve(Buffer.concat(parts)));
		req.on('error', reject);
	});
}

export function sendJson(ex: Exchange, status: number, answer: unknown, extraHeaders: http.OutgoingHttpHeaders = {}): void {
	const body = ex.reshape ? ex.reshape(answer) : answer;
	const json = JSON.stringify(body);
	const payload = Buffer.from(ex.escapeSlashes ? json.replace(/\//g, '\\/') : json);
	ex.entry.status = status;
	ex.entry.response = body;
	if (ex.res.destroyed) return;
	ex.res.writeHead(status, { 'content-type': 'application/json', 'content-length': payload.length, ...extraHeaders });
	ex.res.end(payload);
}

export function sendRaw(ex: Exchange, status: number, contentType: string | null, text: string): void {
	const payload = Buffer.from(text);
	ex.entry.status = status;
	ex.entry.response = text;
	if (ex.res.destroyed) return;
	const headers: http.OutgoingHttpHeaders = { 'content-length': payload.length };
	if (contentType) headers['content-type'] = contentType;
	ex.res.writeHead(status, headers);
	ex.res.end(payload);
}

/** No answer at all: status 0 in the log. */
export function resetSocket(ex: Exchange): void {
	ex.entry.status = 0;
	ex.req.socket.destroy();
}

/** A status fault's answer: a string body as text, anything else as JSON. */
export function sendStatusBody(ex: Exchange, status: number, body: unknown, headers?: Record<string, string>): void {
	if (typeof body === 'string') sendRaw(ex, status, TEXT_PLAIN, body);
	else sendJson(ex, status, body, headers);
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

/** A sandbox bug answers 500 instead of hanging the client. */
function guard(handler: Handler): http.RequestListener {
	return (req, res) => {
		handler(req, res).catch((e: unknown) => {
			if (!res.headersSent && !res.destroyed) {
				res.writeHead(500, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ status: 'error', message: `sandbox bug: ${e instanceof Error ? e.message : undefined}` }));
			} else res.destroy();
		});
	};
}

export function createServer(handler: Handler): http.Server {
	return http.createServer(guard(handler));
}

/** Listens on 127.0.0.1 only; resolves with the port. */
export function listen(server: http.Server, port: number): Promise<number> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, HOST, () => {
			server.off('error', reject);
			resolve((server.address() as AddressInfo).port);
		});
	});
}

export function closeServer(server: http.Server): Promise<void> {
	return new Promise((resolve) => {
		server.close(() => resolve());
		server.closeAllConnections();
	});
}
