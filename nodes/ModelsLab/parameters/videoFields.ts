/**
 * The fields of the Video resource, derived from the video catalog (catalogs/videos.ts): the Model
 * list, the start image (and end frame where a model takes one), and Format, Duration and Resolution
 * per model, each with only the values that model's schema allows. The wait and output fields are the
 * image operations' own, with defaults that fit video.
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { VideoDirection, VideoModel } from '../catalogs/videos';
import { LIMITS, rangeText } from '../schemas/limits';
import { imageInputFields } from './generationFields';
import { modelChoiceField, optionsFields, otherModelFields, promptField } from './modelFields';
import { waitAndOutputFields } from './outputFields';

/** What Format calls each aspect ratio; the value sent is the ratio itself. */
const RATIO_NAMES: Record<string, string> = {
	'9:16': 'Story / Reel 9:16',
	'16:9': 'Landscape 16:9',
	'1:1': 'Square 1:1',
	'4:3': 'Classic 4:3',
	'9:21': 'Tall 9:21',
};

/** The video defaults: jobs take minutes, and files are larger. Saved names are the image operations'. */
export const VIDEO_DEFAULTS = { maxWaitTime: 900, maxFileSize: 200 };

type Choice = 'aspectRatios' | 'durations' | 'resolutions';

/** One field per distinct list of values, shown for the models that have that list. */
function perModel(models: VideoModel[], choice: Choice, field: (values: readonly string[]) => Omit<INodeProperties, 'displayOptions'>): INodeProperties[] {
	const groups = new Map<string, string[]>();
	for (const model of models) {
		const values = model[choice];
		if (!values) continue;
		const key = values.join(',');
		groups.set(key, [...(groups.get(key) ?? []), model.id]);
	}
	return [...groups].map(([key, ids]) => ({ ...field(key.split(',')), displayOptions: { show: { model: ids } } }) as INodeProperties);
}

/** What a video model's option says of it. */
function describeVideoModel(model: VideoModel): string {
	return `Model ID ${model.id}${model.image && !model.aspectRatios ? '; the video takes the input image\'s shape' : ''}${model.image?.lastFrame ? '; a start and an end frame' : ''}`;
}

function lastFrameFields(models: VideoModel[]): INodeProperties[] {
	const ids = models.filter((model) => model.image?.lastFrame).map((model) => model.id);
	if (!ids.length) return [];
	return [
		{
			displayName: 'Last Frame Binary Field',
			name: 'lastFrameBinaryField',
			type: 'string',
			default: 'lastFrame',
			displayOptions: { show: { model: ids, imageSource: ['binary'] } },
			description: 'The binary field holding the end frame (PNG, JPEG or WebP, up to 5 MB)',
		},
		{
			displayName: 'Last Frame URL',
			name: 'lastFrameUrl',
			type: 'string',
			default: '',
			displayOptions: { show: { model: ids, imageSource: ['url'] } },
			description: 'A public http(s) link to the end frame',
		},
	];
}

/** The image operations' input fields, speaking of the video's start image. */
function startImageFields(): INodeProperties[] {
	const reworded = (text?: string) => text?.replace(/the image to edit/g, 'the start image');
	return imageInputFields('image').map((field) => ({
		...field,
		description: reworded(field.description),
		...(field.hint ? { hint: reworded(field.hint) } : {}),
		...(field.options ? { options: (field.options as INodePropertyOptions[]).map((option) => ({ ...option, description: reworded(option.description) })) } : {}),
	}));
}

/** The wait and output fields of a video job: the image operations' own, one for one (same names), with video wording and defaults. */
export function videoWaitAndOutputFields(): INodeProperties[] {
	return waitAndOutputFields.map((field) => {
		switch (field.name) {
			case 'waitForCompletion':
				return { ...field, description: 'Whether to wait until the video is ready. Off: output the request ID and status at once, and collect the video later with Fetch Result.' };
			case 'maxWaitTime':
				return {
					...field,
					default: VIDEO_DEFAULTS.maxWaitTime,
					hint: 'Videos take minutes. Webhook resume frees the execution while one renders; n8n\'s own workflow Timeout (and EXECUTIONS_TIMEOUT_MAX, 3600 s by default) still applies.',
					description: `How long to wait for the video, ${rangeText(LIMITS.maxWaitTime)} s. Past it the item fails with the request ID, which Fetch Result can collect later.`,
				};
			case 'output':
				return { ...field, options: [{ name: 'Binary Files', value: 'binary', description: 'Download each video into a binary file on its item' }, { name: 'Video URLs', value: 'urls', description: 'Only the links' }], description: 'What the next node receives for each video' };
			case 'binaryPropertyName':
				return { ...field, hint: 'The name of the binary field each video is stored in', description: 'The binary field each video is put in' };
			case 'fileName':
				return {
					...field,
					placeholder: 'e.g. {{ $json.sku }}-reel',
					description: 'The name of each video file, e.g. from a sheet column. The node ends it with the extension read from the file (.mp4), and turns slashes and control characters into "_". Empty: modelslab-(request ID)-(index).',
				};
			case 'maxImageSize':
				return { ...field, displayName: 'Max Video Size (MB)', default: VIDEO_DEFAULTS.maxFileSize, description: `The largest video to download, ${rangeText(LIMITS.maxImageSize)} MB. It streams into n8n's binary data, so memory stays small.` };
			default:
				return field;
		}
	});
}

/** Every field of a video operation, in the editor's order. */
export function videoFields(direction: VideoDirection, models: VideoModel[]): INodeProperties[] {
	return [
		modelChoiceField(models, describeVideoModel, 'video'),
		...otherModelFields('searchV7VideoModels'),
		...(direction === 'imageToVideo' ? [...startImageFields(), ...lastFrameFields(models)] : []),
		promptField('The mug turns slowly on the table, steam rising', 'What happens in the video'),
		...perModel(models, 'aspectRatios', (values, preferred = values.includes('9:16') ? '9:16' : values[0]) => ({
			displayName: 'Format',
			name: 'format',
			type: 'options',
			options: values.map((ratio) => ({ name: RATIO_NAMES[ratio] ?? ratio, value: ratio })),
			default: preferred,
			description: direction === 'imageToVideo' ? 'The video\'s aspect ratio' : 'The video\'s aspect ratio (a model without one makes its own)',
		})),
		...perModel(models, 'durations', (values, first = values[0]) => ({
			displayName: 'Duration (Seconds)',
			name: 'duration',
			type: 'options',
			options: values.map((seconds) => ({ name: `${seconds} s`, value: seconds })),
			default: first,
			description: 'How long the video runs: only the lengths this model offers',
		})),
		...perModel(models, 'resolutions', (values, first = values[0]) => ({
			displayName: 'Resolution',
			name: 'resolution',
			type: 'options',
			options: values.map((resolution) => ({ name: resolution, value: resolution })),
			default: first,
			description: 'The video\'s resolution: only those this model offers',
		})),
		...optionsFields(models),
		...videoWaitAndOutputFields(),
	];
}
