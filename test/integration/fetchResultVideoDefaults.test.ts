import type { INode, INodeParameters, INodeProperties } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { ModelsLab } from '../../nodes/ModelsLab/ModelsLab.node';
import { API_KINDS } from '../../nodes/ModelsLab/api/apis';
import { waitAndOutputFields } from '../../nodes/ModelsLab/parameters/outputFields';
import { VIDEO_DEFAULTS, videoWaitAndOutputFields } from '../../nodes/ModelsLab/parameters/videoFields';
import { systemClock } from '../../nodes/ModelsLab/time/clock';
import { fetchResultParams, runNode, text2imgParams, useSandbox } from './setup';

/**
 * Fetch Result with API Video v7 waits and caps as a video operation does (900 s, 200 MB, video
 * wording), through duplicate-named fields n8n picks by `api`; every other API keeps the image
 * operations' fields and defaults (300 s, 50 MB), so no saved workflow changes meaning.
 */
const sandbox = useSandbox();
const description = new ModelsLab().description;
const latestVersion = Math.max(...[description.version].flat());
const WAIT_NAMES = new Set(waitAndOutputFields.map((field) => field.name));

/** A field as the editor shows it, without the display options that choose it. */
function bare(field: INodeProperties): Omit<INodeProperties, 'displayOptions'> {
	const copy: Partial<INodeProperties> = { ...field };
	delete copy.displayOptions;
	return copy as Omit<INodeProperties, 'displayOptions'>;
}

/** The parameters n8n runs a node with: the saved ones, defaults filled in for the shown fields (as `Workflow` does). */
function resolved(parameters: INodeParameters): INodeParameters {
	const node = { parameters, typeVersion: latestVersion } as unknown as INode;
	return NodeHelpers.getNodeParameters(description.properties, parameters, true, false, node, description)!;
}

/** What n8n saves for a node: only values that differ from the shown field's default. */
function saved(parameters: INodeParameters): INodeParameters {
	const node = { parameters, typeVersion: latestVersion } as unknown as INode;
	return NodeHelpers.getNodeParameters(description.properties, parameters, false, false, node, description)!;
}

/** Fetch Result's wait and output fields the editor shows for these parameters, without their display options. */
function shownWaitFields(parameters: INodeParameters): Array<Omit<INodeProperties, 'displayOptions'>> {
	const values = resolved(parameters);
	const node = { parameters: values, typeVersion: latestVersion } as unknown as INode;
	return description.properties
		.filter((field) => WAIT_NAMES.has(field.name) && NodeHelpers.displayParameter(values, field, node, description))
		.map(bare);
}

const withoutDisplayOptions = (fields: INodeProperties[], shown: (field: INodeProperties) => boolean) =>
	fields.filter(shown).map(bare);
const notTool = (field: INodeProperties) => !field.displayOptions?.show?.['@tool'];
const waitOnBinaryOut = { waitForCompletion: true, output: 'binary' };

describe('Fetch Result: the wait and output fields follow the API', () => {
	it('API Video v7 with no Max Wait Time or Max Image Size saved resolves 900 s and 200 MB', () => {
		const values = resolved(fetchResultParams('42', { api: 'v7Video' }));
		expect(values).toMatchObject({ api: 'v7Video', maxWaitTime: 900, maxImageSize: 200, output: 'binary', waitForCompletion: true });
		expect(VIDEO_DEFAULTS).toEqual({ maxWaitTime: 900, maxFileSize: 200 });
	});

	it.each(API_KINDS.filter((kind) => kind !== 'v7Video'))('API %s keeps 300 s and 50 MB', (api) => {
		expect(resolved(fetchResultParams('42', { api }))).toMatchObject({ maxWaitTime: 300, maxImageSize: 50 });
	});

	it('a node saved with API Standard, or with no API, and no Max Wait Time still means 300 s and 50 MB', () => {
		expect(resolved(fetchResultParams('42', { api: 'standard' }))).toMatchObject({ maxWaitTime: 300, maxImageSize: 50 });
		expect(resolved(fetchResultParams('42'))).toMatchObject({ api: 'standard', maxWaitTime: 300, maxImageSize: 50 });
	});

	it('n8n saves a value only where it differs from the default of the API\'s own field', () => {
		expect(saved(resolved(fetchResultParams('42', { api: 'standard' })))).not.toHaveProperty('maxWaitTime');
		expect(saved(resolved(fetchResultParams('42', { api: 'v7Video' })))).not.toHaveProperty('maxWaitTime');
		expect(saved(resolved(fetchResultParams('42', { api: 'v7Video' })))).not.toHaveProperty('maxImageSize');
		// 300 s on a video fetch is a choice, saved, and read back as 300 s
		const video300 = saved(resolved(fetchResultParams('42', { api: 'v7Video', maxWaitTime: 300, maxImageSize: 50 })));
		expect(video300).toMatchObject({ maxWaitTime: 300, maxImageSize: 50 });
		expect(resolved(video300)).toMatchObject({ maxWaitTime: 300, maxImageSize: 50 });
		const standard900 = saved(resolved(fetchResultParams('42', { api: 'standard', maxWaitTime: 900 })));
		expect(standard900).toMatchObject({ maxWaitTime: 900 });
		expect(standard900).not.toHaveProperty('maxImageSize');
	});

	it('API Video v7 shows the video operations\' own fields (Max Video Size, Video URLs, each video)', () => {
		const shown = shownWaitFields(fetchResultParams('42', { api: 'v7Video', ...waitOnBinaryOut }));
		expect(shown).toEqual(withoutDisplayOptions(videoWaitAndOutputFields(), notTool));
		expect(shown.find((field) => field.name === 'maxImageSize')).toMatchObject({ displayName: 'Max Video Size (MB)', default: 200 });
		expect(shown.find((field) => field.name === 'output')?.options).toContainEqual(expect.objectContaining({ name: 'Video URLs', value: 'urls' }));
		expect(shown.find((field) => field.name === 'output')?.description).toBe('What the next node receives for each video');
	});

	it.each(API_KINDS.filter((kind) => kind !== 'v7Video'))('API %s shows exactly the image operations\' fields', (api) => {
		const shown = shownWaitFields(fetchResultParams('42', { api, ...waitOnBinaryOut }));
		expect(shown).toEqual(withoutDisplayOptions(waitAndOutputFields, notTool));
		expect(shown.find((field) => field.name === 'maxImageSize')).toMatchObject({ displayName: 'Max Image Size (MB)', default: 50 });
	});

	it('as an AI Agent tool, API Video v7 outputs Video URLs by default and other APIs Image URLs', () => {
		const asTool = (api: string) => {
			const toolDescription = { ...description, name: `${description.name}Tool` };
			const parameters = fetchResultParams('42', { api });
			const node = { parameters, typeVersion: latestVersion } as unknown as INode;
			const values = NodeHelpers.getNodeParameters(description.properties, parameters, true, false, node, toolDescription)!;
			const output = description.properties.find(
				(field) => field.name === 'output' && NodeHelpers.displayParameter(values, field, node, toolDescription),
			);
			return { value: values.output, choices: output?.options?.map((option) => option.name) };
		};
		expect(asTool('v7Video')).toEqual({ value: 'urls', choices: ['Binary Files', 'Video URLs'] });
		expect(asTool('standard')).toEqual({ value: 'urls', choices: ['Binary Files', 'Image URLs'] });
	});
});

describe('Fetch Result: the node waits and caps by the API\'s defaults', () => {
	/** Runs `work` on a clock that jumps instead of sleeping; gives the clock time at the end, from its start. */
	async function onFakeClock<T>(work: () => Promise<T>): Promise<{ result: T; elapsedMs: number }> {
		let time = Date.now();
		const start = time;
		const now = jest.spyOn(systemClock, 'now').mockImplementation(() => time);
		const sleep = jest.spyOn(systemClock, 'sleep').mockImplementation(async (ms: number) => {
			time += ms;
			await new Promise((resolve) => setImmediate(resolve));
		});
		try {
			return { result: await work(), elapsedMs: time - start };
		} finally {
			now.mockRestore();
			sleep.mockRestore();
		}
	}

	/** A job that stays processing far longer than any Max Wait Time here (an hour of real time). */
	async function longJob(parameters: INodeParameters): Promise<string> {
		sandbox().configure({ processingMs: 3_600_000, etaSeconds: 60 });
		const queued = await runNode(sandbox(), { parameters: { ...parameters, waitForCompletion: false } });
		expect(queued.outputs[0]?.json).toMatchObject({ status: 'processing' });
		return String(queued.outputs[0].json.id);
	}

	it('API Video v7 with no Max Wait Time saved waits up to 900 s', async () => {
		const id = await longJob({ resource: 'video', operation: 'textToVideo', model: 'sora-2', prompt: 'the mug turns slowly' });
		const { result, elapsedMs } = await onFakeClock(async () => await runNode(sandbox(), { parameters: fetchResultParams(id, { api: 'v7Video' }) }));
		expect(result.error?.message).toBe(`Request ${id} was still processing after 900 s (Max Wait Time)`);
		expect(elapsedMs).toBeGreaterThanOrEqual(890_000);
		expect(elapsedMs).toBeLessThanOrEqual(900_000);
	});

	it('API Standard with no Max Wait Time saved still waits up to 300 s', async () => {
		const id = await longJob(text2imgParams());
		const { result, elapsedMs } = await onFakeClock(async () => await runNode(sandbox(), { parameters: fetchResultParams(id, { api: 'standard' }) }));
		expect(result.error?.message).toBe(`Request ${id} was still processing after 300 s (Max Wait Time)`);
		expect(elapsedMs).toBeGreaterThanOrEqual(290_000);
		expect(elapsedMs).toBeLessThanOrEqual(300_000);
	});

	it('API Video v7 with no Max Image Size saved takes a 60 MiB video (over the image cap of 50 MiB); 50 MB set refuses it', async () => {
		sandbox().configure({ processingMs: 0, videoPayloadBytes: 60 * 1024 * 1024 });
		const queued = await runNode(sandbox(), {
			parameters: { resource: 'video', operation: 'textToVideo', model: 'sora-2', prompt: 'the mug turns slowly', waitForCompletion: false },
		});
		const id = String(queued.outputs[0].json.id);

		const fetched = await runNode(sandbox(), { parameters: fetchResultParams(id, { api: 'v7Video' }), skipBinaryRead: true });
		expect(fetched.error).toBeUndefined();
		expect(fetched.outputs[0].json).toMatchObject({ id, status: 'success' });
		// n8n writes the size in decimal MB: 60 MiB is 62.9 MB
		expect((fetched.outputs[0].binary?.data as { fileSize?: string }).fileSize).toBe('62.9 MB');

		const capped = await runNode(sandbox(), { parameters: fetchResultParams(id, { api: 'v7Video', maxImageSize: 50 }), skipBinaryRead: true });
		expect(capped.error?.message).toContain('larger than the 50 MB limit');
	});
});
