import { Container } from '@n8n/di';
import { BinaryDataConfig, BinaryDataService } from 'n8n-core';
import type { INodeExecutionData } from 'n8n-workflow';

/**
 * `default`: in memory, base64 in `binary[prop].data`.
 * `filesystem`: files under `<N8N_USER_FOLDER>/.n8n/storage`, `binary[prop].id` = `filesystem-v2:…`
 * (n8n 2.x's own default in regular mode).
 */
export type BinaryMode = 'default' | 'filesystem';

let activeMode: BinaryMode | undefined;

/**
 * Points the container's BinaryDataService (used by `this.helpers.prepareBinaryData`) at `mode`.
 * The service is a per-module-registry singleton, so runs in one test file must not overlap
 * with different modes.
 */
export async function useBinaryMode(mode: BinaryMode): Promise<BinaryDataService> {
	const service = Container.get(BinaryDataService);
	if (activeMode !== mode) {
		Container.get(BinaryDataConfig).mode = mode;
		// init() re-reads config.mode. The filesystem store is set up in every mode,
		// so files stored earlier stay readable after switching to 'default'.
		await service.init();
		activeMode = mode;
	}
	return service;
}

/** Buffers for every binary property of every item, whatever the storage mode. */
export async function readBinaries(
	items: INodeExecutionData[],
): Promise<Array<Record<string, Buffer>>> {
	const service = Container.get(BinaryDataService);
	return await Promise.all(
		items.map(async (item) => {
			const buffers: Record<string, Buffer> = {};
			for (const [property, binary] of Object.entries(item.binary ?? {})) {
				buffers[property] = await service.getAsBuffer(binary);
			}
			return buffers;
		}),
	);
}
