/** The errors of a job's life, each naming the request ID the user can collect the job with. */
import type { IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ApiAnswer } from '../api/answer';
import { describeStatus, isApiAnswer, isNotFound, readMessage, readStatus } from '../api/answer';
import { APIS } from '../api/apis';
import type { NodeError } from '../api/errors';
import { withRequestId } from '../api/errors';
import { redactSecret } from '../api/redact';
import { RETRY_POLICIES } from '../time/retry';
import type { JobContext } from './context';

export function asAnswer(this: IExecuteFunctions, body: unknown, context: JobContext): ApiAnswer {
	if (isApiAnswer(body)) return body;
	throw new NodeOperationError(this.getNode(), 'ModelsLab answered with something other than a JSON object', {
		itemIndex: context.itemIndex,
	});
}

function notFoundError(this: IExecuteFunctions, requestId: string, context: JobContext): NodeApiError {
	const error = new NodeApiError(this.getNode(), { status: 'error', message: 'Request not found' } as JsonObject, {
		message: `ModelsLab does not know request ${requestId}: Request not found`,
		description: `ModelsLab answers "Request not found" for an unknown or expired ID, and for a few seconds also for a job it has just accepted. So the node asked again for ${RETRY_POLICIES.notFoundGrace.graceMs / 1000} s from the first fetch (never past Max Wait Time): a wrong or expired ID fails after this grace time, not at once. Check the request ID and the API (${Object.values(APIS).map((api) => api.label).join(', ')}).`,
		itemIndex: context.itemIndex,
	});
	return withRequestId(error, requestId);
}

/** A status that is none of success, processing, error, failed: named with the id and the value. */
function unknownStatusError(
	this: IExecuteFunctions,
	answer: ApiAnswer,
	requestId: string | undefined,
	context: JobContext,
): NodeOperationError {
	const value = redactSecret(describeStatus(answer), context.secret);
	const subject = requestId ? `request ${requestId}` : 'the request';
	const error = new NodeOperationError(this.getNode(), `ModelsLab answered ${subject} with an unknown status: ${value}`, {
		itemIndex: context.itemIndex,
		description: requestId
			? `Expected "success", "processing", "error" or "failed". The job may still finish and be billed: collect it later with Fetch Result and request ID ${requestId}.`
			: 'Expected "success", "processing", "error" or "failed". The node does not send the request again: a job may exist and be billed.',
	});
	return withRequestId(error, requestId);
}

export function jobFailure(
	this: IExecuteFunctions,
	answer: ApiAnswer,
	requestId: string | undefined,
	context: JobContext,
): NodeError {
	if (requestId && isNotFound(answer)) return notFoundError.call(this, requestId, context);
	const status = readStatus(answer);
	if (status === undefined) return unknownStatusError.call(this, answer, requestId, context);
	const message = redactSecret(readMessage(answer), context.secret) || 'no message';
	const subject = requestId ? `request ${requestId}` : 'the request';
	// the answer's status and message, redacted, stand for the answer: it may echo the key
	const error = new NodeApiError(this.getNode(), { status, message } as JsonObject, {
		message: `ModelsLab ${status === 'failed' ? 'failed' : 'refused'} ${subject}: ${message}`,
		description: requestId
			? `Status "${status}" for request ID ${requestId} (Fetch Result, API: ${context.api.label}).`
			: `Status "${status}". No job was created, so nothing was billed.`,
		itemIndex: context.itemIndex,
	});
	return withRequestId(error, requestId);
}


/** Max Wait Time passed with the job still queued: it may finish and is billed either way. */
export function timeoutError(this: IExecuteFunctions, requestId: string, lastStatus: string, context: JobContext): NodeOperationError {
	return withRequestId(
		new NodeOperationError(
			this.getNode(),
			`Request ${requestId} was still ${lastStatus} after ${context.settings.maxWaitTime} s (Max Wait Time)`,
			{
				itemIndex: context.itemIndex,
				description: `The job may still finish and is billed either way. Collect it with Fetch Result (API: ${context.api.label}) and request ID ${requestId}, or raise Max Wait Time.`,
			},
		),
		requestId,
	);
}

export function queuedWithoutIdError(this: IExecuteFunctions, context: JobContext): NodeOperationError {
	return new NodeOperationError(this.getNode(), 'ModelsLab queued the job but gave no request ID to fetch it with', {
		itemIndex: context.itemIndex,
		description: 'The job may exist and be billed. The node does not send the request again; check your ModelsLab dashboard.',
	});
}
