#!/usr/bin/env node
/**
 * n8n's community-package scanner (@n8n/scan-community-package), offline: its lint step,
 * `analyzePackage(dir, patterns)`, with its own bundled rule versions, on what it scans after the
 * registry and provenance checks that need the network:
 *   - the tarball `npm pack` makes, as unpacked: compiled `**\/*.js` and package.json;
 *   - the source files it checks: package.json and nodes/, credentials/.
 *
 *   node scripts/scan-package.mjs                   # pack (dist/ must be built), scan both, exit 1 on a finding
 *   node scripts/scan-package.mjs --unpacked DIR    # scan an unpacked package folder only
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { SOURCE_FILE_PATTERNS, analyzePackage } from '@n8n/scan-community-package/scanner/scanner.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TARBALL_PATTERNS = ['**/*.js', 'package.json'];

function packAndUnpack(into) {
	const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', into], { cwd: REPO_ROOT, encoding: 'utf8' }));
	execFileSync('tar', ['-xzf', filename], { cwd: into });
	return path.join(into, 'package');
}

async function scan(label, dir, patterns) {
	const result = await analyzePackage(dir, patterns);
	process.stdout.write(`${result.passed ? 'passed' : 'FAILED'}: ${label} (${patterns.join(', ')})\n`);
	if (!result.passed) process.stdout.write(`${result.message}\n${result.details ?? ''}\n`);
	return result.passed;
}

// eslint-plugin-n8n-nodes-base switches its file-name rules to fixture mode under NODE_ENV=test (jest
// sets it); the plugin loads lazily, inside analyzePackage, so clearing it here is in time
delete process.env.NODE_ENV;

const args = process.argv.slice(2);
const unpacked = args[0] === '--unpacked' ? path.resolve(args[1]) : undefined;
let passed;
if (unpacked) {
	passed = await scan(`package ${unpacked}`, unpacked, TARBALL_PATTERNS);
} else {
	const work = mkdtempSync(path.join(tmpdir(), 'modelslab-scan-'));
	try {
		const packageDir = packAndUnpack(work);
		if (!readdirSync(path.join(packageDir, 'dist')).length) throw new Error('the packed dist/ is empty: run npm run build first');
		const tarball = await scan('the npm pack tarball', packageDir, TARBALL_PATTERNS);
		const source = await scan('the source', REPO_ROOT, SOURCE_FILE_PATTERNS);
		passed = tarball && source;
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}
process.exitCode = passed ? 0 : 1;
