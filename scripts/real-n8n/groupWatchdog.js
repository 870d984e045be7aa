'use strict';
// `node groupWatchdog.js PARENT_PID GROUP_PID MAX_LIFETIME_MS [DIR]`, started beside a service that nothing
// can be preloaded into (Postgres, Redis): kills that service's process group when the test process that
// started it is gone (even after a SIGKILL of jest) or after MAX_LIFETIME_MS, then removes the service's
// temp DIR; it exits once the group is gone.
const fs = require('node:fs');

const [parentPid, groupPid, maxLifetimeMs] = process.argv.slice(2, 5).map(Number);
const dir = process.argv[5];
const deadline = Date.now() + maxLifetimeMs;

function alive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

const timer = setInterval(() => {
	if (!alive(-groupPid)) process.exit(0);
	if (!alive(parentPid) || Date.now() > deadline) {
		clearInterval(timer);
		try {
			process.kill(-groupPid, 'SIGKILL');
		} catch {
			// already gone
		}
		// its files may still be open for a moment after the SIGKILL
		setTimeout(() => {
			if (dir) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
			process.exit(0);
		}, 500);
	}
}, 1000);
