import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { concurrencyField } from '../parameters/outputFields';
import { parseParameters, readFields } from '../parameters/validate';
import { concurrencySchema } from '../schemas/settings';
import type { NodeError } from '../api/errors';
import { ensureNodeError } from '../api/errors';
import { onJobDone } from '../job/handOn';
import { endOfTry } from '../job/retryMemory';
import { findOperation } from './operation';
import { operationsOf } from './resources';

/**
 * A failed item under "continue on fail": `{ error, description, id }`. For *Continue (using error
 * output)* n8n moves an item to the error output only when its json holds nothing but `error` and
 * `message` (setting the item's `error` would make n8n replace the json with the message alone), so
 * there the description goes in `message`, with the request ID where neither text names it.
 */
function errorItem(this: IExecuteFunctions, error: NodeError, itemIndex: number): INodeExecutionData {
	const requestId = error.context.requestId as string | undefined;
	const description = error.description ?? '';
	if (this.getNode().onError === 'continueErrorOutput') {
		const named = !requestId || error.message.includes(requestId) || description.includes(requestId);
		const message = `${description}${named ? '' : ` Request ID: ${requestId}.`}`.trim();
		return { json: { error: error.message, ...(message ? { message } : {}) }, pairedItem: { item: itemIndex } };
	}
	return {
		json: {
			error: error.message,
			...(description ? { description } : {}),
			...(requestId ? { id: requestId } : {}),
		},
		pairedItem: { item: itemIndex },
	};
}

/**
 * Runs the chosen operation for every input item, up to `concurrency` jobs at a time, and returns the
 * results in input order, each paired to its item. An item whose job is done starts the next while its
 * files download (while no more than `concurrency` others download). With "continue on fail" a failing item
 * becomes an error item and the others go on; otherwise no new item starts and the first error is thrown.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operations = operationsOf(this.getNodeParameter('resource', 0, 'image'));
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = findOperation(operations, operation);
	if (!handler) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	}
	const { concurrency } = parseParameters(
		this.getNode(),
		concurrencySchema,
		readFields.call(this, [concurrencyField], 0),
		[concurrencyField],
	);
	const cancelSignal = this.getExecutionCancelSignal();
	const results: INodeExecutionData[][] = items.map(() => []);
	let next = 0;
	const failures: Array<{ itemIndex: number; error: NodeError }> = [];

	const runItem = async (itemIndex: number) => {
		try {
			results[itemIndex] = await handler.execute.call(this, itemIndex);
		} catch (caught) {
			const error = ensureNodeError(this.getNode(), caught, itemIndex);
			if (this.continueOnFail()) {
				results[itemIndex] = [errorItem.call(this, error, itemIndex)];
			} else {
				failures.push({ itemIndex, error });
			}
		}
	};
	const downloading = new Set<Promise<void>>();
	const worker = async () => {
		while (next < items.length && failures.length === 0 && !cancelSignal?.aborted) {
			const itemIndex = next++;
			let handOn: () => void = () => undefined;
			const handedOn = new Promise<'handedOn'>((resolve) => (handOn = () => resolve('handedOn')));
			const stopListening = onJobDone(this, itemIndex, handOn);
			const run = runItem(itemIndex).finally(stopListening);
			if ((await Promise.race([run, handedOn])) !== 'handedOn') continue;
			// its job is done: its files download while this worker starts the next item
			downloading.add(run);
			void run.finally(() => downloading.delete(run));
			while (downloading.size > concurrency) await Promise.race(downloading);
		}
	};
	// in-flight items finish before an error is thrown, so no wait loop or download outlives the node
	await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
	await Promise.all(downloading);
	if (items.length) endOfTry.call(this);
	if (failures.length > 0) {
		throw failures.reduce((first, failure) => (failure.itemIndex < first.itemIndex ? failure : first)).error;
	}
	return [results.flat()];
}
