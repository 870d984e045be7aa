import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

export type NodeError = NodeApiError | NodeOperationError;

/** Only n8n's node errors leave the node: they carry the item index and show properly in the UI. */
export function ensureNodeError(node: INode, error: unknown, itemIndex: number): NodeError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	return new NodeOperationError(node, error as Error, { itemIndex });
}

/** Puts the request id where continue-on-fail error items and users can pick it up. */
export function withRequestId<E extends NodeError>(error: E, requestId: string | undefined): E {
	if (requestId) error.context.requestId = requestId;
	return error;
}

export function cancelledError(node: INode, itemIndex: number | undefined, requestId?: string) {
	const error = new NodeOperationError(
		node,
		requestId
			? `Execution cancelled while waiting for request ${requestId}`
			: 'Execution cancelled',
		{
			itemIndex,
			description: requestId ? `Collect it later with Fetch Result and request ID ${requestId}.` : undefined,
		},
	);
	return withRequestId(error, requestId);
}
