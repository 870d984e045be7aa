import type { INodeParameters } from 'n8n-workflow';

import { mp4Info } from '../../nodes/ModelsLab/media/mp4';
import { runNode, useSandbox } from './setup';

/**
 * A video streamed into binary data, in-process against the sandbox: Max Video Size (MB) refuses a file
 * by its Content-Length before reading it, or stops a file without one (chunked) as soon as it passes the
 * cap; and an MP4 whose header the node cannot parse is still stored whole, its facts from the answer.
 */
const sandbox = useSandbox();
/** Far more than the cap and the sockets' buffers, so a download that went on would show in the log. */
const PAYLOAD = 64 * 1024 * 1024;
const MB = 1024 * 1024;

// Hailuo 2.3 takes no duration: the answer's meta holds no size and no duration to fall back to
const binaryVideo = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'video',
	operation: 'textToVideo',
	model: 'Hailuo-2.3-t2v',
	prompt: 'the mug turns slowly',
	output: 'binary',
	...extra,
});

/** The one video job the run created: its id and its link on the image host. */
function videoJob() {
	const { id, future_links: links } = sandbox().counters().requests[0].response as { id: number; future_links: string[] };
	return { id: String(id), link: links[0] };
}

describe('Video: Max Video Size (MB)', () => {
	it.each([
		['refuses a Content-Length above it before reading the body', false],
		['stops a download without Content-Length (chunked) as soon as it passes it', true],
	])('%s: the item fails at once, its request ID kept, the download stopped early', async (_name, cdnChunked) => {
		sandbox().configure({ videoPayloadBytes: PAYLOAD, cdnChunked });
		const result = await runNode(sandbox(), { parameters: binaryVideo({ maxImageSize: 1 }), continueOnFail: true });
		const { id, link } = videoJob();
		expect(result.outputs).toEqual([
			{
				json: {
					error: `Could not download video 0 of request ${id}: larger than the 1 MB limit set in Max Video Size (MB)`,
					description: `Tried once: ${link}.`,
					id,
				},
				pairedItem: { item: 0 },
			},
		]);
		// one try, and the host wrote a few MB (the cap plus what the sockets buffer) of the 64 MB
		const [download, ...more] = sandbox().counters().cdnLog;
		expect(more).toEqual([]);
		expect(download).toMatchObject({ path: new URL(link).pathname, status: 200 });
		expect(download.bytes).toBeLessThan(PAYLOAD / 4);
		const head = await fetch(link, { method: 'HEAD' });
		expect(head.headers.get('content-length')).toEqual(cdnChunked ? null : expect.stringMatching(/^\d+$/));
	});

	it('a video without Content-Length within the cap arrives whole', async () => {
		sandbox().configure({ videoPayloadBytes: 2 * MB, cdnChunked: true });
		const result = await runNode(sandbox(), { parameters: binaryVideo({ maxImageSize: 3 }) });
		expect(result.error).toBeUndefined();
		expect(result.binaries[0].data.equals(sandbox().jobBytes(videoJob().id))).toBe(true);
		expect(result.outputs[0].json).toMatchObject({ width: 1280, height: 720, durationSeconds: 5 });
	});
});

describe('Video: a header the node cannot parse', () => {
	it('a version 1 mvhd cut short: stored byte for byte at the first try, size and duration from the answer (none: null)', async () => {
		sandbox().configure({ videoMalformedMvhd: true });
		const result = await runNode(sandbox(), { parameters: binaryVideo() });
		expect(result.error).toBeUndefined();
		const { id } = videoJob();
		const file = result.binaries[0].data;
		expect(file.equals(sandbox().jobBytes(id))).toBe(true);
		expect(mp4Info(file)).toBeUndefined();
		expect(sandbox().counters().cdnRequests).toBe(1);
		expect(result.outputs[0].binary?.data).toMatchObject({ mimeType: 'video/mp4', fileExtension: 'mp4' });
		expect(result.outputs[0].json).toMatchObject({ id, status: 'success', width: null, height: null, durationSeconds: null });
	});
});
