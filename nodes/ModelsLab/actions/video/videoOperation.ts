import type { IDataObject, IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { APIS } from '../../api/apis';
import type { VideoDirection, VideoModel } from '../../catalogs/videos';
import { VIDEO_MODELS, videoModelsFor } from '../../catalogs/videos';
import { startJobContext } from '../../job/context';
import { runJob } from '../../job/runJob';
import type { InputImage } from '../../media/inputImages';
import { readInputImage, uploadImage } from '../../media/inputImages';
import { chosenModel, otherModel, refusal, textOf } from '../../parameters/otherModel';
import { describeValue, parseParameters, readField, readFields } from '../../parameters/validate';
import { OTHER_MODEL, ownOptions } from '../../parameters/modelFields';
import { videoFields } from '../../parameters/videoFields';
import { chosenImageInputs, imageInputOf, withImageInputs } from '../../schemas/imageEditing';
import { toApiFields } from '../../schemas/requestBody';
import { httpUrl } from '../../schemas/rules';
import type { VideoParams } from '../../schemas/videoRules';
import { videoBody, videoSchema } from '../../schemas/videoRules';
import type { Operation, OperationFacts } from '../operation';

type VideoFacts<Value extends string> = Omit<OperationFacts<Value>, 'apis' | 'route'> & { direction: VideoDirection; route: string };

/** The end frame of a start-and-end model, from the same source as the start image. */
async function lastFrame(this: IExecuteFunctions, itemIndex: number, source: unknown, properties: INodeProperties[]): Promise<InputImage> {
	if (source === 'url') {
		const url = textOf.call(this, itemIndex, 'Last Frame URL', readField.call(this, properties, 'lastFrameUrl', itemIndex)).trim();
		if (!httpUrl.safeParse(url).success) throw refusal.call(this, itemIndex, `Last Frame URL must be an http(s) URL, got ${describeValue(url)}`);
		return { name: 'image', source: 'url', url };
	}
	const binaryField = textOf.call(this, itemIndex, 'Last Frame Binary Field', readField.call(this, properties, 'lastFrameBinaryField', itemIndex)).trim();
	if (!binaryField) throw refusal.call(this, itemIndex, 'Last Frame Binary Field is required: the binary field holding the end frame');
	return await readInputImage.call(this, itemIndex, 'image', { source: 'binary', binaryField }, 'Last Frame Binary Field');
}

/** The fields whose choices, and default, depend on the model. */
const PER_MODEL_FIELDS = ['format', 'duration', 'resolution'];

/**
 * With a model from an expression n8n shows every model's variant of these fields and fills each with
 * its first variant's default. A value the row's model lacks that is only another variant's default
 * was never chosen: the model's own default stands for it. Options: the shared ones and the model's own.
 */
function ownDefaults(values: Record<string, unknown>, model: VideoModel, properties: INodeProperties[], everyVariant: INodeProperties[]): Record<string, unknown> {
	const result: Record<string, unknown> = { ...values, options: ownOptions(values.options, model) };
	for (const name of PER_MODEL_FIELDS) {
		const own = properties.find((field) => field.name === name && (field.displayOptions?.show?.model as string[] | undefined)?.includes(model.id));
		const offered = (own?.options as INodePropertyOptions[] | undefined)?.map((option) => option.value);
		if (!own || !offered || !(name in result) || offered.includes(result[name] as string)) continue;
		if (everyVariant.some((field) => field.name === name && field.default === result[name])) result[name] = own.default;
	}
	return result;
}

/**
 * The Video operations (Image to Video, Text to Video, ModelsLab v7 video-fusion): one route per
 * direction, where `model_id` picks the model, and the video catalog says which fields, values and
 * body each model has. Output is video: streamed into binary data, or links.
 */
export function videoOperation<Value extends string>({ direction, ...facts }: VideoFacts<Value>, fullCatalog: readonly VideoModel[] = VIDEO_MODELS): Operation<Value> {
	const catalog = videoModelsFor(direction, fullCatalog);
	const properties: INodeProperties[] = videoFields(direction, catalog);
	const byName = (name: string) => properties.filter((field) => field.name === name).slice(0, 1);
	const imageFields = ['imageSource', 'inputBinaryField', 'imageUrl'].flatMap((name) => properties.filter((field) => field.name === name));
	// n8n may fill a field from the other video operation's variants too
	const everyVariant = (['imageToVideo', 'textToVideo'] as const).flatMap((each) => videoFields(each, videoModelsFor(each, fullCatalog)));
	// each model's schema, and Other Model ID…'s: a model of no fields of its own
	const withImage = (schema: ReturnType<typeof videoSchema>) => withImageInputs(schema, direction === 'imageToVideo' ? ['image'] : []);
	const schemas = new Map([...catalog, { id: OTHER_MODEL, name: 'this model', direction, source: '' }].map((model) => [model.id, withImage(videoSchema(model))]));
	return {
		facts: { ...facts, apis: ['v7Video'] },
		description: properties,
		async execute(this: IExecuteFunctions, itemIndex: number) {
			const { chosen, model, fromExpression } = (chosenModel<VideoModel>).call(this, itemIndex, catalog, properties);
			// only the fields the chosen model takes are read: with a model from an expression, n8n keeps every model's
			const wanted = ['prompt', 'options', ...(model?.aspectRatios ? ['format'] : []), ...(model?.durations ? ['duration'] : []), ...(model?.resolutions ? ['resolution'] : [])];
			const read = readFields.call(this, wanted.flatMap(byName), itemIndex);
			const values = model && fromExpression ? ownDefaults(read, model, properties, everyVariant) : read;
			const images = direction === 'imageToVideo' ? chosenImageInputs(readFields.call(this, imageFields, itemIndex), ['image']) : {};
			const params = parseParameters(this.getNode(), schemas.get(model?.id ?? OTHER_MODEL)!, { ...values, ...images }, properties, itemIndex) as VideoParams & Record<string, unknown>;
			const other = model ? undefined : otherModel.call(this, itemIndex, properties);
			const inputs: InputImage[] = [];
			if (direction === 'imageToVideo') {
				inputs.push(await readInputImage.call(this, itemIndex, 'image', imageInputOf(params, 'image')));
				if (model?.image?.lastFrame) inputs.push(await lastFrame.call(this, itemIndex, params.imageSource, properties));
			}

			const context = await startJobContext.call(this, APIS.v7Video, itemIndex, params.format ?? null, undefined, 'video');
			const identity = [facts.value, chosen, other, params, inputs.map((image) => (image.source === 'binary' ? image.bytes : image.url))];
			return await runJob.call(
				this,
				{
					route: facts.route,
					identity,
					body: async (jobContext) => {
						const links: string[] = [];
						for (const image of inputs) links.push(image.source === 'url' ? image.url : await uploadImage.call(this, image, jobContext));
						// Other Model ID…: one link, as most image-to-video schemas take it (Kling, Hailuo, Wan, Seedance)
						const single = model ? model.image?.sentAs === 'single' : true;
						const image: IDataObject = links.length ? { init_image: single ? links[0] : links } : {};
						const own = model ? videoBody(model, params) : { model_id: other!.id, prompt: params.prompt, ...toApiFields(params.options, 'boolean') };
						return { ...own, ...other?.extra, ...image };
					},
				},
				context,
			);
		},
	};
}
