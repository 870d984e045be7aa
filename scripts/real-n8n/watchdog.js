'use strict';
// Preloaded into n8n (`node --require watchdog.js n8n start`): n8n stops by itself when the test process
// that started it is gone (even after a SIGKILL of jest), or after E2E_MAX_LIFETIME_MS at the latest
// (0 = no limit: the demo's keep-running mode).
const parentPid = Number(process.env.E2E_PARENT_PID);
const maxLifetimeMs = Number(process.env.E2E_MAX_LIFETIME_MS ?? 15 * 60 * 1000);

function stop(reason) {
	process.stderr.write(`[watchdog] stopping n8n: ${reason}\n`);
	process.kill(process.pid, 'SIGTERM');
	setTimeout(() => process.exit(1), 10000).unref();
}

if (parentPid > 0) {
	setInterval(() => {
		try {
			process.kill(parentPid, 0);
		} catch {
			stop(`test process ${parentPid} is gone`);
		}
	}, 2000).unref();
}
if (maxLifetimeMs > 0) setTimeout(() => stop(`max lifetime ${maxLifetimeMs} ms reached`), maxLifetimeMs).unref();
