/** What the requests about one item need, from the API calls to the downloads of its files. */
import { createHash } from 'node:crypto';

import type { Clock } from '../time/clock';
import type { ApiDefinition } from './apis';
import type { RequestSettings } from './requestSettings';

/** One item's run: what every wait and download for it needs. */
export interface ItemContext {
	itemIndex: number;
	/** The credential's key, only to keep it out of what the node outputs. */
	secret: string;
	/** Clock time after which the node stops waiting, for the job and for its images. */
	deadline: number;
	clock: Clock;
	/** The node's Request Options, for API calls and downloads alike. */
	requestSettings?: RequestSettings;
}

/** An item's calls to one API. */
export interface ApiContext extends ItemContext {
	api: ApiDefinition;
	/** The credential's base URL: `fetch_result` links are followed only on its origin. */
	baseUrl: string;
}

/** What tells one account from another in this process: a hash of its base URL and key, never the key itself. */
export function accountId(account: { secret: string; baseUrl: string }): string {
	return createHash('sha256').update(`${account.baseUrl}\n${account.secret}`).digest('hex');
}
