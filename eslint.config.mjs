// `n8n-node lint` in non-strict mode (package.json "n8n.strict": false): n8n's own community config, as
// @n8n/node-cli scaffolds it, plus one block. Strict mode requires this file to equal the template, which
// applies the community-node rules (no process, timers, child_process, fs or http; NodeApiError only) to
// every .ts file. The tests, scripts, benchmark and sandbox need exactly those and are never shipped, so
// those rules are off there and only there. nodes/, credentials/ and package.json get the full rule set.
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import { config } from '@n8n/node-cli/eslint';
import { globalIgnores } from 'eslint/config';

const notShipped = ['test/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts', 'sandbox/**/*.ts'];
const communityNodeRulesOff = Object.fromEntries(
	Object.keys(n8nCommunityNodesPlugin.rules).map((rule) => [`@n8n/community-nodes/${rule}`, 'off']),
);

export default [
	globalIgnores(['node_modules', 'coverage', '.tmp', 'demo-output']),
	...config,
	{ files: notShipped, rules: communityNodeRulesOff },
];
