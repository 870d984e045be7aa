/**
 * The documentation after the README was cut down for the people who install the node: no claim lost
 * (every test the 0.1.0 README cited is still cited and still exists), the README short with install and
 * the bulk walkthrough at the top, and every relative link and anchor resolving.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8');
const DOCS = [
	'README.md',
	'CONTRIBUTING.md',
	...readdirSync(path.join(REPO_ROOT, 'docs'))
		.filter((file) => file.endsWith('.md'))
		.map((file) => `docs/${file}`),
];

/**
 * Every `test/…` path the README cited before the split (`git show b11bed2:README.md | grep -oE
 * 'test/[A-Za-z0-9_./*-]+' | sort -u`), kept here because a shallow clone has no history to derive it from.
 */
const CITED_BEFORE = [
	'test/e2e/',
	'test/e2e/README.md',
	'test/e2e/cancel*.e2e.ts',
	'test/e2e/examples.suite.ts',
	'test/e2e/installedPackage.suite.ts',
	'test/harness/',
	'test/integration/',
	'test/integration/retryOnFail.test.ts',
	'test/integration/v7Images.test.ts',
	'test/integration/video.test.ts',
	'test/package/readmeCatalog.test.ts',
	'test/sandbox/',
	'test/unit/',
];
/** The e2e files the same README named by file name alone, in its list of test layers under `test/e2e/`. */
const NAMED_UNDER_E2E = [
	'installedPackage.e2e.ts',
	'installedPackage.n8n1.e2e.ts',
	'examples.e2e.ts',
	'examples.n8n1.e2e.ts',
	'queueMode.e2e.ts',
	'queueFailures.e2e.ts',
	'editor.e2e.ts',
	'demo.e2e.ts',
];

/** The files a cited path names: a folder, a file, or a `*` pattern within one folder. */
function filesNamed(cited: string): string[] {
	if (!cited.includes('*')) return existsSync(path.join(REPO_ROOT, cited)) ? [cited] : [];
	const folder = path.posix.dirname(cited);
	const pattern = new RegExp(`^${path.posix.basename(cited).replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`);
	return readdirSync(path.join(REPO_ROOT, folder))
		.filter((file) => pattern.test(file))
		.map((file) => `${folder}/${file}`);
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
	const seen = new Map<string, number>();
	const anchors = new Set<string>();
	for (const [, heading] of withoutCode(markdown).matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
		const slug = heading
			.toLowerCase()
			.replace(/[^\p{L}\p{N} _-]/gu, '')
			.replace(/ /g, '-');
		const count = seen.get(slug) ?? 0;
		seen.set(slug, count + 1);
		anchors.add(count ? `${slug}-${count}` : slug);
	}
	return anchors;
}

/** Markdown without fenced code blocks and inline code, where brackets and hashes are not links or headings. */
function withoutCode(markdown: string): string {
	return markdown.replace(/^```[^]*?^```/gm, '').replace(/`[^`\n]*`/g, '``');
}

function relativeLinks(markdown: string): string[] {
	return [...withoutCode(markdown).matchAll(/\]\(([^)\s]+)(?: "[^"]*")?\)/g)].map(([, target]) => target).filter((target) => !/^[a-z]+:/i.test(target));
}

describe('the documentation', () => {
	const texts = Object.fromEntries(DOCS.map((file) => [file, read(file)]));
	const all = Object.values(texts).join('\n');

	it('is the README, CONTRIBUTING.md and one page per topic in docs/', () => {
		expect(DOCS.slice(2).sort()).toEqual(
			['docs/ai-agent-tool.md', 'docs/files-and-formats.md', 'docs/operations.md', 'docs/waiting-and-reliability.md', 'docs/where-it-runs.md'].sort(),
		);
	});

	it.each(CITED_BEFORE)('still cites %s, which still exists', (cited) => {
		expect(all).toContain(cited);
		expect(filesNamed(cited)).not.toEqual([]);
	});

	it.each(NAMED_UNDER_E2E)('still names test/e2e/%s, which still exists', (name) => {
		expect(all).toContain(name);
		expect(existsSync(path.join(REPO_ROOT, 'test', 'e2e', name))).toBe(true);
	});

	it('every test file any page cites exists', () => {
		const cited = [...new Set([...all.matchAll(/`(test\/[\w./*-]+)`/g)].map(([, file]) => file))];
		expect(cited.length).toBeGreaterThan(40);
		expect(cited.filter((file) => filesNamed(file).length === 0)).toEqual([]);
	});

	it.each(DOCS)('%s: every relative link names a file that exists, and every anchor a heading in it', (file) => {
		const broken = relativeLinks(texts[file]).filter((link) => {
			const [target, anchor] = link.split('#');
			const resolved = target ? path.join(path.dirname(path.join(REPO_ROOT, file)), decodeURIComponent(target)) : path.join(REPO_ROOT, file);
			if (!existsSync(resolved)) return true;
			return anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(readFileSync(resolved, 'utf8')).has(anchor);
		});
		expect(broken).toEqual([]);
	});

	it('the anchor check knows a broken one', () => {
		const anchors = anchorsOf('# A\n## Settings → Request Options\n## Bulk: 50 images (v7)\n## A\n```\n# not a heading\n```\n');
		expect([...anchors]).toEqual(['a', 'settings--request-options', 'bulk-50-images-v7', 'a-1']);
		expect(relativeLinks('[x](docs/a.md#b) `[y](no.md)` [z](https://n8n.io) ![i](p.png)')).toEqual(['docs/a.md#b', 'p.png']);
	});

	it("the codex (ModelsLab.node.json) links n8n's Docs to these pages, in the repository package.json names", () => {
		const { repository } = JSON.parse(read('package.json')) as { repository: { url: string } };
		const blob = `${repository.url.replace(/^git\+/, '').replace(/\.git$/, '')}/blob/main/`;
		const codex = JSON.parse(read('nodes/ModelsLab/ModelsLab.node.json')) as { resources: Record<string, Array<{ url: string }>> };
		const urls = Object.fromEntries(Object.entries(codex.resources).map(([kind, links]) => [kind, links.map((link) => link.url)]));
		expect(urls).toEqual({
			primaryDocumentation: [`${blob}docs/operations.md`],
			credentialDocumentation: [`${blob}docs/operations.md#credentials`],
		});
		expect(anchorsOf(texts['docs/operations.md'])).toContain('credentials');
	});

	it("shows every screenshot in docs/ somewhere (the editor tests write them, the docs show them)", () => {
		const images = readdirSync(path.join(REPO_ROOT, 'docs')).filter((file) => file.endsWith('.png'));
		expect(images.filter((image) => !all.includes(`${image})`))).toEqual([]);
	});
});

describe('the README, for the people who install the node', () => {
	const readme = read('README.md');
	const lines = readme.split('\n');
	const top = lines.slice(0, 40).join('\n');

	it('is under 250 lines', () => {
		expect(lines.length).toBeLessThan(250);
	});

	it('says in its first 40 lines what the node does, how to install it, and links the bulk walkthrough', () => {
		expect(top).toMatch(/^# n8n-nodes-modelslab\n/);
		expect(top).toContain('images and short videos');
		expect(top).toContain('Settings → Community Nodes');
		expect(top).toContain('cd ~/.n8n/nodes');
		expect(top).toContain('npm install n8n-nodes-modelslab');
		expect(top).toContain('(#bulk-50-story-images-from-a-google-sheet)');
		expect(anchorsOf(readme)).toContain('bulk-50-story-images-from-a-google-sheet');
	});

	it('shows one picture, a workflow in the editor', () => {
		expect([...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map(([, image]) => image)).toEqual(['docs/editor-workflow.png']);
	});

	it("gives in Develop the two commands .ci/run runs, and links CONTRIBUTING.md", () => {
		const develop = readme.slice(readme.indexOf('## Develop'));
		expect(develop).toContain('npm ci && npm run demo');
		expect(develop).toMatch(/^npm test /m);
		expect(develop).toContain('](CONTRIBUTING.md)');
		const ci = read('.ci/run');
		for (const command of [/^npm ci\b/m, /^npm run demo$/m, /^npm test$/m]) expect(ci).toMatch(command);
	});
});
