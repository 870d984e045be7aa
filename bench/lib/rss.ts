import { readFileSync, readdirSync } from 'node:fs';

/** Resident set size of one process in bytes (VmRSS), or 0 once it is gone. */
export function rssOf(pid: number): number {
	try {
		const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return match ? Number(match[1]) * 1024 : 0;
	} catch {
		return 0;
	}
}

/** The process and all its descendants (n8n's task runner is a child process). */
export function processTree(pid: number): number[] {
	const found = [pid];
	for (let i = 0; i < found.length; i++) {
		let tasks: string[] = [];
		try {
			tasks = readdirSync(`/proc/${found[i]}/task`);
		} catch {
			continue;
		}
		for (const task of tasks) {
			try {
				for (const child of readFileSync(`/proc/${found[i]}/task/${task}/children`, 'utf8').split(/\s+/)) {
					if (child) found.push(Number(child));
				}
			} catch {
				// the task ended meanwhile
			}
		}
	}
	return found;
}

export interface RssSample {
	t: number;
	/** n8n's main process */
	main: number;
	/** main + every descendant */
	tree: number;
}

export function sampleRss(pid: number): RssSample {
	const tree = processTree(pid);
	return { t: Date.now(), main: rssOf(pid), tree: tree.reduce((total, p) => total + rssOf(p), 0) };
}

/** Samples every `intervalMs` until stopped; returns every sample. */
export function startRssSampler(pid: number, intervalMs = 100): { stop(): RssSample[] } {
	const samples: RssSample[] = [sampleRss(pid)];
	const timer = setInterval(() => samples.push(sampleRss(pid)), intervalMs);
	return {
		stop() {
			clearInterval(timer);
			samples.push(sampleRss(pid));
			return samples;
		},
	};
}

/** CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat (clock ticks of 10 ms). */
export function cpuMsOf(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	// the fields after the command name (which may hold spaces, inside parentheses): utime and stime are the 12th and 13th
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return (Number(fields[11]) + Number(fields[12])) * 10;
}
