/**
 * The package as it was at an earlier commit, built and packed from a temporary git worktree (under the
 * OS temp folder, removed afterwards) with this checkout's node_modules: what the benchmark compares
 * the node against when it measures a change (the queue scenario's "node without adaptation").
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { REPO_ROOT } from '../../scripts/real-n8n';

function run(cmd: string, args: string[], cwd: string): string {
	return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface PackedCommit {
	tgz: string;
	/** the abbreviated hash */
	commit: string;
	subject: string;
}

export function packAtCommit(rev: string): PackedCommit {
	const commit = run('git', ['rev-parse', '--short', rev], REPO_ROOT).trim();
	const subject = run('git', ['log', '-1', '--format=%s', commit], REPO_ROOT).trim();
	const dir = mkdtempSync(path.join(os.tmpdir(), `modelslab-at-${commit}-`));
	const tree = path.join(dir, 'tree');
	run('git', ['worktree', 'add', '--detach', tree, commit], REPO_ROOT);
	try {
		symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(tree, 'node_modules'), 'dir');
		const bin = (name: string) => path.join(REPO_ROOT, 'node_modules', '.bin', name);
		run(bin('tsc'), ['-p', 'tsconfig.json'], tree);
		run(bin('gulp'), ['build:icons'], tree);
		const packed = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], tree)) as Array<{ filename: string }>;
		const tgz = path.join(dir, `${commit}-${packed[0].filename}`);
		copyFileSync(path.join(dir, packed[0].filename), tgz);
		if (!existsSync(tgz)) throw new Error(`npm pack did not write ${tgz}`);
		return { tgz, commit, subject };
	} finally {
		run('git', ['worktree', 'remove', '--force', tree], REPO_ROOT);
		rmSync(tree, { recursive: true, force: true });
	}
}
