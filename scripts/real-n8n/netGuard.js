'use strict';
// Preloaded into n8n (`node --require netGuard.js n8n start`): refuses every connection and DNS lookup
// that is not for a loopback address, and appends each refusal to $NET_GUARD_LOG (one JSON line).
// It enforces "nothing may call any address but loopback" instead of trusting the env switches alone.
const dns = require('node:dns');
const fs = require('node:fs');
const net = require('node:net');

const LOG = process.env.NET_GUARD_LOG;

function isLoopback(host) {
	if (host === undefined || host === null || host === '') return true; // Node's default is localhost
	const h = String(host).replace(/^\[|\]$/g, '').toLowerCase();
	if (h === 'localhost' || h.endsWith('.localhost')) return true;
	if (net.isIPv4(h)) return h.startsWith('127.');
	if (net.isIPv6(h)) return h === '::1' || h.startsWith('::ffff:127.');
	return false;
}

function refuse(host, via) {
	if (LOG) {
		try {
			fs.appendFileSync(LOG, JSON.stringify({ t: new Date().toISOString(), host: String(host), via }) + '\n');
		} catch {
			// the log is best effort; the refusal is not
		}
	}
	const error = new Error(`netGuard: refused non-loopback ${via} to ${host}`);
	error.code = 'ENOTFOUND';
	return error;
}

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
	let first = args[0];
	if (Array.isArray(first)) first = first[0]; // Node's internal normalized form
	let host;
	let path;
	if (first && typeof first === 'object') {
		host = first.host;
		path = first.path;
	} else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
		host = typeof args[1] === 'string' ? args[1] : undefined;
	} else if (typeof first === 'string') {
		path = first;
	}
	if (!path && !isLoopback(host)) {
		const error = refuse(host, 'connect');
		process.nextTick(() => this.destroy(error));
		return this;
	}
	return originalConnect.apply(this, args);
};

const originalLookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, options, callback) {
	const cb = typeof options === 'function' ? options : callback;
	if (!isLoopback(hostname) && !net.isIP(String(hostname))) {
		const error = refuse(hostname, 'dns');
		process.nextTick(() => cb(error));
		return {};
	}
	return originalLookup.apply(this, arguments);
};

const originalPromisesLookup = dns.promises.lookup;
dns.promises.lookup = async function guardedPromisesLookup(hostname, ...rest) {
	if (!isLoopback(hostname) && !net.isIP(String(hostname))) throw refuse(hostname, 'dns');
	return originalPromisesLookup.call(this, hostname, ...rest);
};
