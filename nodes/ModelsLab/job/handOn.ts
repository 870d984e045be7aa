/**
 * An item whose job is done has only its files left to download: it tells the router (actions/router.ts),
 * which then starts the next item, so the account's queue place the job held does not stand empty while
 * the files download.
 */
const listeners = new WeakMap<object, Map<number, () => void>>();

/** Calls `listener` once item `itemIndex` of this run has its job done; returns what stops listening. */
export function onJobDone(run: object, itemIndex: number, listener: () => void): () => void {
	let items = listeners.get(run);
	if (!items) listeners.set(run, (items = new Map()));
	items.set(itemIndex, listener);
	return () => items.delete(itemIndex);
}

/** Item `itemIndex` of this run has its job done: only its output is left. */
export function jobDone(run: object, itemIndex: number): void {
	const items = listeners.get(run);
	const listener = items?.get(itemIndex);
	items?.delete(itemIndex);
	listener?.();
}
