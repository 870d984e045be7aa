'use strict';
// `node groupWatchdog.js PARENT_PID GROUP_PID MAX_LIFETIME_MS`, started beside a service that nothing can
// be preloaded into (Postgres, Redis): kills that service's process group when the test process that
// started it is gone (even after a SIGKILL of jest) or after MAX_LIFETIME_MS, and exits once the group is gone.
const [parentPid, groupPid, maxLifetimeMs] = process.argv.slice(2).map(Number);
const deadline = Date.now() + maxLifetimeMs;

function alive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

setInterval(() => {
	if (!alive(-groupPid)) process.exit(0);
	if (!alive(parentPid) || Date.now() > deadline) {
		try {
			process.kill(-groupPid, 'SIGKILL');
		} catch {
			// already gone
		}
		process.exit(0);
	}
}, 1000);
