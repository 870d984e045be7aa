import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';

export interface MachineInfo {
	cpu: string;
	cores: number;
	ramGiB: number;
	os: string;
	benchNode: string;
	n8nNode: string;
	n8nVersion: string;
	date: string;
	/** 1-minute load average sampled every second during the run */
	load?: { median: number; max: number };
}

function cpuModel(): string {
	try {
		const line = readFileSync('/proc/cpuinfo', 'utf8')
			.split('\n')
			.find((l) => l.startsWith('model name'));
		if (line) return line.split(':')[1].trim();
	} catch {
		// not Linux
	}
	return os.cpus()[0]?.model ?? 'unknown';
}

/** What the table header states: CPU, cores, RAM, OS, both Node versions, n8n's version, the date. */
export function machineInfo(n8nNode: string, n8nVersion: string): MachineInfo {
	return {
		cpu: cpuModel(),
		cores: os.availableParallelism?.() ?? os.cpus().length,
		ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
		os: `${os.type()} ${os.release()} ${os.arch()}`,
		benchNode: process.version,
		n8nNode: execFileSync(n8nNode, ['--version'], { encoding: 'utf8' }).trim(),
		n8nVersion,
		date: new Date().toISOString().slice(0, 10),
	};
}

/** The 1-minute load average every second: other work on the machine shows up in the report. */
export function startLoadSampler(): { stop(): { median: number; max: number } } {
	const samples: number[] = [os.loadavg()[0]];
	const timer = setInterval(() => samples.push(os.loadavg()[0]), 1000);
	timer.unref();
	return {
		stop() {
			clearInterval(timer);
			const sorted = [...samples].sort((a, b) => a - b);
			return { median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] };
		},
	};
}
