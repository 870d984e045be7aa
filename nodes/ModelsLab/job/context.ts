/** A job's context: what an item asks for (the wait and output fields) and its account, read once per item. */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { ApiContext } from '../api/context';
import type { ApiDefinition } from '../api/apis';
import type { MediaKind } from '../media/fileTypes';
import type { OutputSettings } from '../media/outputItems';
import { requestOptionsField, waitAndOutputFields } from '../parameters/outputFields';
import { isToolMode, parseParameters, readFields } from '../parameters/validate';
import { jobSettingsSchema, requestOptionsSchema } from '../schemas/settings';
import type { Clock } from '../time/clock';
import { systemClock } from '../time/clock';
import type { ItemMemory } from './retryMemory';

interface JobSettings extends OutputSettings {
	waitForCompletion: boolean;
	/** Seconds. */
	maxWaitTime: number;
}

export interface JobContext extends ApiContext {
	settings: JobSettings;
	/** With Retry On Fail: where the item's job is remembered for n8n's next try (job/retryMemory.ts). */
	memory?: ItemMemory;
}

export async function startJobContext(
	this: IExecuteFunctions,
	api: ApiDefinition,
	itemIndex: number,
	format: OutputSettings['format'],
	clock: Clock = systemClock,
	media: MediaKind = 'image',
): Promise<JobContext> {
	const settings: Omit<JobSettings, 'format'> = parseParameters(
		this.getNode(),
		jobSettingsSchema,
		readFields.call(this, waitAndOutputFields, itemIndex),
		waitAndOutputFields,
		itemIndex,
	);
	const node = this.getNode();
	const { requestOptions } = parseParameters(
		node,
		requestOptionsSchema,
		readFields.call(this, [requestOptionsField], itemIndex),
		[requestOptionsField],
		itemIndex,
	);
	const credentials = await this.getCredentials(api.credentialType, itemIndex);
	return {
		api,
		itemIndex,
		settings: {
			...settings,
			format,
			media,
			toolAnswer: isToolMode(node),
			// version 1 keeps the made-up "unknown" its saved workflows may test for
			idWhenMissing: node.typeVersion >= 2 ? null : 'unknown',
		},
		baseUrl: String(credentials.baseUrl ?? ''),
		secret: String(credentials.apiKey ?? ''),
		deadline: clock.now() + settings.maxWaitTime * 1000,
		clock,
		requestSettings: requestOptions,
	};
}

