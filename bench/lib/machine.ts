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
