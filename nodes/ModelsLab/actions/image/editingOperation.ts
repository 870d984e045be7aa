import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { AnyZodObject, z } from 'zod';

import { imageInputFields } from '../../parameters/generationFields';
import { waitAndOutputFields } from '../../parameters/outputFields';
import type { InputImage, Sending } from '../../media/inputImages';
import { checkMaskSize, imageFieldValue, readInputImage } from '../../media/inputImages';
import type { JobContext } from '../../job/context';
import { startJobContext } from '../../job/context';
import { runJob } from '../../job/runJob';
import { parseParameters, readFields } from '../../parameters/validate';
import { CUSTOM_FORMAT, withFormatSize } from '../../schemas/formats';
import type { ImageInputName } from '../../schemas/imageEditing';
import { chosenImageInputs, imageInputOf, withImageInputs } from '../../schemas/imageEditing';
import type { ApiKind } from '../../api/apis';
import { APIS } from '../../api/apis';
import type { Operation, OperationFacts } from '../operation';

/** Where a route takes its input files: the body field of the image (and of the mask, if any). */
export interface ImageFields {
	image: 'init_image' | 'image';
	mask?: 'mask_image';
}

interface EditingDefinition<Value extends string, Schema extends AnyZodObject> {
	/** Its facts, with its create route; the job is fetched on its API's fetch route. */
	facts: Omit<OperationFacts<Value>, 'apis' | 'route'> & { api: Extract<ApiKind, 'standard' | 'imageEditing'>; route: string };
	/** Its own fields, between the image inputs and the wait/output fields. */
	fields: INodeProperties[];
	schema: Schema;
	imageFields: ImageFields;
	/** How this route takes a binary input, per the reference. */
	sending(params: z.output<Schema>): Sending;
	/** Added to the body when a file goes inline (the route's base64 flag). */
	inlineFlags?: IDataObject;
	/** The create body from the validated fields, without the images. */
	toBody(params: z.output<Schema>): IDataObject;
}

/** The create body: the route's fields, then each file the way the route takes it (uploads are free). */
async function requestBody<Schema extends AnyZodObject>(
	this: IExecuteFunctions,
	definition: EditingDefinition<string, Schema>,
	params: z.output<Schema>,
	images: InputImage[],
	context: JobContext,
): Promise<IDataObject> {
	const { imageFields } = definition;
	const sending = definition.sending(params);
	const body = definition.toBody(params);
	for (const image of images) {
		body[image.name === 'mask' ? imageFields.mask! : imageFields.image] = await imageFieldValue.call(this, image, sending, context);
	}
	if (sending === 'inline' && images.some((image) => image.source === 'binary')) Object.assign(body, definition.inlineFlags);
	return body;
}

/**
 * The six operations that take an image in are this one definition with their own route, fields,
 * schema and body: read and check the inputs (nothing is sent before they pass), start the job
 * context, send the files the way the route takes them, then create and settle the job as Text to
 * Image does.
 */
export function editingOperation<Value extends string, Schema extends AnyZodObject>(
	definition: EditingDefinition<Value, Schema>,
): Operation<Value> {
	const { facts, fields, schema, imageFields } = definition;
	const inputs: ImageInputName[] = imageFields.mask ? ['image', 'mask'] : ['image'];
	const inputFields = inputs.flatMap((name) => imageInputFields(name));
	const properties = [...inputFields, ...fields, ...waitAndOutputFields];
	const fullSchema = withImageInputs(schema, inputs);
	const { api: kind, ...rest } = facts;
	return {
		facts: { ...rest, apis: [kind] },
		description: properties,
		async execute(this: IExecuteFunctions, itemIndex: number) {
			const input = withFormatSize(chosenImageInputs(readFields.call(this, [...inputFields, ...fields], itemIndex), inputs));
			const params = parseParameters(this.getNode(), fullSchema, input, properties, itemIndex) as z.output<Schema> &
				Record<string, unknown>;
			const images: InputImage[] = [];
			for (const name of inputs) images.push(await readInputImage.call(this, itemIndex, name, imageInputOf(params, name)));
			if (images[1]) checkMaskSize.call(this, itemIndex, images[0], images[1]);

			// an operation without a Format field outputs what its input or its own fields make: custom
			const format = typeof params.format === 'string' ? params.format : CUSTOM_FORMAT;
			const context = await startJobContext.call(this, APIS[kind], itemIndex, format);
			const identity = [facts.value, params, images.map((image) => (image.source === 'binary' ? image.bytes : image.url))];
			return await runJob.call(this, { route: facts.route, identity, body: async (jobContext) => await requestBody.call(this, definition, params, images, jobContext) }, context);
		},
	};
}
