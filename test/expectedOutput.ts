/** What the in-process and the real-n8n tests expect the node to output for a finished job. */

/** A success answer of the sandbox, as far as the expected items need it. */
export interface SuccessAnswer {
	status: 'success';
	id: number;
	generationTime: number;
	output: string[];
	meta: Record<string, unknown>;
}

/**
 * The json of image `imageIndex` of a success answer. The sandbox's images have the size its meta
 * reports; Format is custom, or null from Fetch Result, which cannot know it.
 */
export function successJson(answer: SuccessAnswer, imageIndex: number, format: string | null = 'custom') {
	return {
		id: String(answer.id),
		status: 'success',
		imageUrl: answer.output[imageIndex],
		imageIndex,
		seed: answer.meta.seed,
		width: answer.meta.width,
		height: answer.meta.height,
		format,
		generationTime: answer.generationTime,
		meta: answer.meta,
	};
}
