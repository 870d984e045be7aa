// Copies the non-TypeScript assets n8n loads at runtime next to the compiled
// code in dist/, keeping the folder structure (as n8n-nodes-starter does):
//   nodes/**/*.{png,svg}        -> dist/nodes/**        (node icons)
//   credentials/**/*.{png,svg}  -> dist/credentials/**  (credential icons)
//   nodes/**/*.node.json        -> dist/nodes/**        (codex files)
// `npm run build` runs `tsc` first, then `gulp build:icons`.
const { task, src, dest, parallel } = require('gulp');

// gulp 5 reads files as UTF-8 text by default, which corrupts binary PNGs:
// `encoding: false` copies every file byte for byte.
function copy(name, globs, base) {
	const run = () => src(globs, { base, encoding: false }).pipe(dest(`dist/${base}`));
	run.displayName = name;
	return run;
}

const copyNodeIcons = copy('copy:node-icons', ['nodes/**/*.{png,svg}'], 'nodes');
const copyCredentialIcons = copy('copy:credential-icons', ['credentials/**/*.{png,svg}'], 'credentials');
const copyCodex = copy('copy:codex', ['nodes/**/*.node.json'], 'nodes');

task('build:icons', parallel(copyNodeIcons, copyCredentialIcons, copyCodex));
task('build:codex', copyCodex);
