import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { encodePng } from '../../sandbox/images/png';
import type { Sandbox } from '../../sandbox/server';
import { DEFAULT_STANDARD_KEY } from '../../sandbox/server';

/** What the v7 sandbox tests send and read, shared by the images and video families. */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

const UPLOAD = '/api/v6/image_editing/base64_to_url';

/**
 * A loopback server standing for any other host: input and reference images point at it, and the
 * sandbox must never ask it. Registers its own start and stop.
 */
export function useElsewhere(): { origin: () => string; hits: () => number } {
	let server: http.Server;
	let hits = 0;
	let origin = '';
	beforeAll(async () => {
		server = http.createServer((_req, res) => {
			hits++;
			res.end();
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
	return { origin: () => origin, hits: () => hits };
}

/** Requests to the sandbox: raw, with the standard key, a job fetched until done, and an image it hosts. */
export function sandboxClient(sb: () => Sandbox, fetchPath: (id: number | string) => string, settleTries: number) {
	async function send(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json; headers: Headers }> {
		const res = await fetch(sb().baseUrl + path, {
			method,
			headers: { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		let json: Json = text;
		try {
			json = JSON.parse(text);
		} catch {
			/* not JSON (html, reset) */
		}
		return { status: res.status, json, headers: res.headers };
	}

	/** POSTs `body` with the standard key unless it names one. */
	const call = async (path: string, body: Record<string, unknown>) => await send('POST', path, { key: DEFAULT_STANDARD_KEY, ...body });

	const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

	/** Fetches the job on the family's fetch route until it is no longer processing. */
	async function settle(id: number): Promise<Json> {
		for (let i = 0; i < settleTries; i++) {
			const { json } = await call(fetchPath(id), {});
			if (json.status !== 'processing') return json;
			await sleep(20);
		}
		throw new Error(`job ${id} still processing`);
	}

	/** Uploads a width x height PNG through the v6 helper: an image the sandbox hosts itself. */
	async function upload(width: number, height: number): Promise<string> {
		const png = encodePng(width, height, Buffer.alloc(width * height * 3, 90));
		const { json } = await call(UPLOAD, { init_image: `data:image/png;base64,${png.toString('base64')}` });
		return json.output[0];
	}

	return { send, call, sleep, settle, upload };
}
