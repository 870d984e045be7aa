/**
 * What the repository itself must not hold: paths of a developer's machine (every path is relative to
 * the repo), and files that belong in the tools cache or a build.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);

// a home or work folder of some machine (work, home, root, Users folders, a Windows user folder)
const MACHINE_PATH = /(?<![\w.:/-])(?:\/work\/[\w.-]+|\/home\/[\w.-]+\/|\/root\/|\/Users\/[\w.-]+\/|[A-Z]:\\Users\\)/;

describe('the repository', () => {
	it('names no absolute path of a developer machine', () => {
		const found = tracked
			.filter((file) => !/\.(png|jpe?g|webp|gif|ico)$/.test(file) && file !== 'package-lock.json')
			.flatMap((file) =>
				readFileSync(path.join(REPO_ROOT, file), 'utf8')
					.split('\n')
					.map((line, index) => ({ file, line: index + 1, text: line }))
					.filter(({ text }) => MACHINE_PATH.test(text)),
			);
		expect(found).toEqual([]);
	});

	it('the machine-path check recognises one', () => {
		// built from parts, so this file names no such path itself
		const samples = [['', 'work', 'main', 'sandbox'], ['', 'home', 'dev', 'n8n'], ['', 'root', '.cache']].map((parts) => `see ${parts.join('/')}`);
		samples.push(['C:', 'Users', 'me', 'x'].join('\\'));
		expect(samples.filter((t) => MACHINE_PATH.test(t))).toHaveLength(4);
		expect(['http://127.0.0.1:5678/home/workflows', './work/x', 'sandbox/README.md'].filter((t) => MACHINE_PATH.test(t))).toEqual([]);
	});

	it('holds no build output, tools cache or packed tarball', () => {
		expect(tracked.filter((file) => /^(dist|node_modules|\.tmp|demo-output)\/|\.tgz$/.test(file))).toEqual([]);
	});
});
