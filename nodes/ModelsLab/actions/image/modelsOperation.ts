import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ImageModel, ModelDirection } from '../../catalogs/images';
import { IMAGE_MODELS, modelsFor } from '../../catalogs/images';
import type { JobContext } from '../../job/context';
import { startJobContext } from '../../job/context';
import { runJob } from '../../job/runJob';
import type { InputImage } from '../../media/inputImages';
import { readInputImage, uploadImage } from '../../media/inputImages';
import { OTHER_MODEL, modelFields, ownOptions } from '../../parameters/modelFields';
import { waitAndOutputFields } from '../../parameters/outputFields';
import { chosenModel, otherModel, refusal, textOf } from '../../parameters/otherModel';
import { describeValue, parseParameters, readFields } from '../../parameters/validate';
import { CUSTOM_FORMAT } from '../../schemas/formats';
import type { ModelParams } from '../../schemas/modelRules';
import { modelBody, modelSchema, referenceCountText } from '../../schemas/modelRules';
import { toApiFields } from '../../schemas/requestBody';
import { httpUrl } from '../../schemas/rules';
import { APIS } from '../../api/apis';
import type { Operation, OperationFacts } from '../operation';

type ModelsFacts<Value extends string> = Omit<OperationFacts<Value>, 'apis' | 'route'> & {
	direction: ModelDirection;
	route: string;
};

/** The reference images of an edit, in the order given: files read and checked, or links checked. */
async function readReferences(this: IExecuteFunctions, itemIndex: number, values: Record<string, unknown>): Promise<InputImage[]> {
	if (values.imageSource !== 'binary' && values.imageSource !== 'url') {
		throw refusal.call(this, itemIndex, `Image Source must be one of binary, url, got ${describeValue(values.imageSource)}`);
	}
	const list = (value: unknown, label: string) =>
		textOf
			.call(this, itemIndex, label, value)
			.split(values.imageSource === 'url' ? /[\n,]/ : ',')
			.map((entry) => entry.trim())
			.filter(Boolean);
	if (values.imageSource === 'url') {
		return list(values.imageUrls, 'Image URLs').map((url) => {
			if (!httpUrl.safeParse(url).success) throw refusal.call(this, itemIndex, `Image URLs: ${describeValue(url)} is not an http(s) URL`);
			return { name: 'image', source: 'url', url };
		});
	}
	const images: InputImage[] = [];
	for (const binaryField of list(values.inputBinaryFields, 'Input Binary Fields')) {
		images.push(await readInputImage.call(this, itemIndex, 'image', { source: 'binary', binaryField }));
	}
	return images;
}

/** More or fewer references than the model takes is refused before any upload or create. */
function checkReferenceCount(this: IExecuteFunctions, itemIndex: number, model: ImageModel, count: number): void {
	const { min, max } = model.references!;
	if (count >= min && count <= max) return;
	throw refusal.call(this, itemIndex, `${model.name} takes ${referenceCountText(model)} reference image${max > 1 ? 's' : ''}, got ${count}`);
}

/** The body's reference images as the model's schema takes them: a list, one value, or init_image and init_image_2. */
async function referenceBody(this: IExecuteFunctions, images: InputImage[], model: ImageModel | undefined, context: JobContext): Promise<IDataObject> {
	const links: string[] = [];
	for (const image of images) links.push(image.source === 'url' ? image.url : await uploadImage.call(this, image, context));
	switch (model?.references?.sentAs ?? 'list') {
		case 'single':
			return { init_image: links[0] };
		case 'pair':
			return { init_image: links[0], init_image_2: links[1] };
		default:
			return { init_image: links };
	}
}

/**
 * The v7 model operations (Generate Image, Edit Image): one route per direction, where `model_id`
 * picks the model, and the catalog says which fields, rules and body each model has. A model chosen
 * by an expression is resolved per item, and only its own fields are read.
 */
export function modelsOperation<Value extends string>(
	{ direction, ...facts }: ModelsFacts<Value>,
	fullCatalog: readonly ImageModel[] = IMAGE_MODELS,
): Operation<Value> {
	const catalog = modelsFor(direction, fullCatalog);
	const fields = modelFields(direction, catalog);
	const properties: INodeProperties[] = [...fields, ...waitAndOutputFields];
	const schemas = new Map(catalog.map((model) => [model.id, modelSchema(model)]));
	const otherSchema = modelSchema({ id: OTHER_MODEL, name: 'Other Model ID…', direction, size: { by: 'none' }, source: '' });
	const byName = (name: string) => fields.filter((field) => field.name === name).slice(0, 1);
	return {
		facts: { ...facts, apis: ['v7Images'] },
		description: properties,
		async execute(this: IExecuteFunctions, itemIndex: number) {
			const { chosen, model, fromExpression } = (chosenModel<ImageModel>).call(this, itemIndex, catalog, fields);
			// only the fields the chosen model takes are read: with a model from an expression, n8n keeps every model's
			const wanted = ['prompt', 'options', ...(model?.size.by === 'none' || !model ? [] : ['format']), ...(model?.samples ? ['samples'] : [])];
			const read = readFields.call(this, wanted.flatMap(byName), itemIndex);
			const values = model && fromExpression ? { ...read, options: ownOptions(read.options, model) } : read;
			if (model?.size.by === 'pixels' && values.format === CUSTOM_FORMAT) Object.assign(values, readFields.call(this, [...byName('width'), ...byName('height')], itemIndex));
			// Other Model ID… is checked as a model that takes no size: its prompt and options have the same rules
			const schema = model ? schemas.get(model.id)! : otherSchema;
			const params: ModelParams = parseParameters(this.getNode(), schema, values, properties, itemIndex);
			const other = model ? undefined : otherModel.call(this, itemIndex, fields);
			const referenceValues = direction === 'edit' ? readFields.call(this, ['imageSource', 'inputBinaryFields', 'imageUrls'].flatMap(byName), itemIndex) : {};
			const references = direction === 'edit' ? await readReferences.call(this, itemIndex, referenceValues) : [];
			if (model?.references) checkReferenceCount.call(this, itemIndex, model, references.length);
			if (direction === 'edit' && !references.length) throw refusal.call(this, itemIndex, 'Edit Image needs at least one reference image');

			const context = await startJobContext.call(this, APIS.v7Images, itemIndex, params.format ?? CUSTOM_FORMAT);
			const identity = [facts.value, chosen, other, params, references.map((image) => (image.source === 'binary' ? image.bytes : image.url))];
			return await runJob.call(
				this,
				{
					route: facts.route,
					identity,
					body: async (jobContext) => ({
						...(model ? modelBody(model, params) : { model_id: other!.id, prompt: params.prompt, ...toApiFields(params.options, 'boolean') }),
						...other?.extra,
						...(references.length ? await referenceBody.call(this, references, model, jobContext) : {}),
					}),
				},
				context,
			);
		},
	};
}
