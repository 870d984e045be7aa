/** A job's create: sent once, and again only after a refusal that says when to come back. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ApiAnswer } from '../api/answer';
import { comeBackLater } from '../api/answer';
import type { NodeError } from '../api/errors';
import { cancelledError, ensureNodeError, failureOf } from '../api/errors';
import { modelsLabApiRequest } from '../api/request';
import { RETRY_POLICIES, retryWithin } from '../time/retry';
import type { QueuePlace, Refusal } from './accountQueue';
import { accountQueue, acquirePlace } from './accountQueue';
import type { JobContext } from './context';
import { asAnswer, jobFailure } from './failures';

const RESENDS = RETRY_POLICIES.createResends;

/** The wait a refusal asks for, else the policy's default for its kind. */
const askedWaitMs = (seconds: number | undefined, defaultMs: number) => (seconds === undefined ? defaultMs : seconds * 1000);

/**
 * A create the account accepted. Its job holds `place` in the account's queue (job/accountQueue.ts)
 * until settleJob gives it back; `acceptedAt` (clock time) times the job for the queue's probes.
 */
export interface AcceptedCreate {
	answer: ApiAnswer;
	acceptedAt: number;
	place: QueuePlace;
	/** The create route it was accepted on: its timings are learned per account and route (job/readyTimes.ts). */
	route: string;
}

/** Why a create was not accepted, and how long it asks to wait before it is sent again. */
interface Refused {
	error: () => NodeError;
	waitMs: number;
	/** A 429: the refusal waits in the account's queue for a freed place or its time. */
	queued?: { refusal: Refusal; probeable: boolean };
}

/** One create. An accepted one holds its place; a refused one (429, the spam filter) says when to come back; any other failure is thrown. */
async function sendCreate(
	this: IExecuteFunctions,
	route: string,
	body: IDataObject,
	context: JobContext,
	place: QueuePlace,
): Promise<{ accepted: AcceptedCreate } | Refused> {
	try {
		const answer = asAnswer.call(
			this,
			await modelsLabApiRequest.call(this, {
				api: context.api,
				url: route,
				body,
				purpose: 'create',
				itemIndex: context.itemIndex,
				settings: context.requestSettings,
			}),
			context,
		);
		// HTTP 200 with "Rate limit exceeded" (the spam filter): refused, nothing queued, it says when to come back
		const later = comeBackLater(answer);
		if (!later) {
			place.accepted();
			return { accepted: { answer, acceptedAt: context.clock.now(), place, route } };
		}
		place.done();
		return {
			error: () => jobFailure.call(this, answer, undefined, context),
			waitMs: askedWaitMs(later.seconds, RESENDS.spamFilterDelayMs),
		};
	} catch (error) {
		const failure = failureOf(error);
		if (!failure.rateLimited) {
			place.done();
			throw ensureNodeError(this.getNode(), error, context.itemIndex);
		}
		return {
			error: () => ensureNodeError(this.getNode(), error, context.itemIndex),
			waitMs: askedWaitMs(failure.retryAfterSeconds, RESENDS.firstDelayMs),
			queued: { refusal: place.refused(), probeable: failure.queueFull === true },
		};
	}
}

/**
 * Sends the create until it is accepted, on the createResends policy. Only a refusal that created
 * nothing is resent (sendCreate throws any other failure): a 429 waits in the account's queue, the
 * spam filter waits what it asks.
 */
export async function createJob(this: IExecuteFunctions, route: string, body: IDataObject, context: JobContext): Promise<AcceptedCreate> {
	const queue = accountQueue(context);
	const signal = this.getExecutionCancelSignal();
	const cancelled = () => cancelledError(this.getNode(), context.itemIndex);
	const waiting = { clock: context.clock, signal, cancelled, deadline: context.deadline, policy: RESENDS };
	return await retryWithin<AcceptedCreate>(waiting, async () => {
		const place = await acquirePlace(queue, context.clock, signal);
		if (!place) throw cancelled();
		const sent = await sendCreate.call(this, route, body, context, place);
		if ('accepted' in sent) return { done: sent.accepted };
		const { waitMs, queued } = sent;
		const giveUp = () => {
			queued?.refusal.giveUp();
			throw sent.error();
		};
		if (!queued) return { giveUp, waitMs };
		// the account's queue is full and nothing of this process is in it: probe it sooner than
		// retry_after (job/accountQueue.ts); any other 429 waits what it asks
		const probeMs = queued.probeable ? queued.refusal.probeDelay(waitMs) : undefined;
		return {
			giveUp,
			waitMs: probeMs ?? waitMs,
			wait: async (ms) => {
				const woken = await queued.refusal.waitForPlace(ms, signal);
				if (woken === 'cancelled') {
					queued.refusal.giveUp();
					throw cancelled();
				}
				// a place freed by a job of this same account, or a probe sent before retry_after, is no resend:
				// only retry_after passing counts
				return woken === 'freed' || (probeMs !== undefined && probeMs < waitMs) ? 'uncounted' : 'counted';
			},
		};
	});
}
