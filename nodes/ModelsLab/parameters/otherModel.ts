/** The Other model choice of the v7 operations, and the refusals that name a field before anything is sent. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { OTHER_MODEL } from './modelFields';
import { describeValue } from './validate';

/** ModelsLab's model IDs are short slugs; anything longer is a mistake, not a model. */
const MAX_MODEL_ID_LENGTH = 200;

/** Body fields the node sets itself; Extra Body may not replace them. */
const OWN_FIELDS = ['key', 'model_id', 'prompt', 'init_image', 'init_image_2'];

export function refusal(this: IExecuteFunctions, itemIndex: number, message: string): NodeOperationError {
	return new NodeOperationError(this.getNode(), message, { itemIndex, description: 'Nothing was sent to ModelsLab.' });
}

/** Extra Body of the Other model: a JSON object whose fields go into the body as they are. */
export function extraBody(this: IExecuteFunctions, itemIndex: number, value: unknown): IDataObject {
	let parsed = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value.trim() || '{}');
		} catch {
			throw refusal.call(this, itemIndex, `Extra Body (JSON) must be a JSON object, got ${describeValue(value)}`);
		}
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw refusal.call(this, itemIndex, `Extra Body (JSON) must be a JSON object, got ${describeValue(value)}`);
	const own = Object.keys(parsed).filter((name) => OWN_FIELDS.includes(name));
	if (own.length) throw refusal.call(this, itemIndex, `Extra Body (JSON) cannot set ${own.join(', ')}: the node sets ${own.length > 1 ? 'them' : 'it'} from its own fields`);
	return parsed as IDataObject;
}


/** Other Model ID…: the model ID given and the Extra Body fields. */
export function otherModel(this: IExecuteFunctions, itemIndex: number): { id: string; extra: IDataObject } {
	const given = this.getNodeParameter('otherModelId', itemIndex, '', { extractValue: true }) as unknown;
	if (typeof given !== 'string' && typeof given !== 'number') throw refusal.call(this, itemIndex, `Model ID must be text, got ${describeValue(given)}`);
	const id = String(given).trim();
	if (!id) throw refusal.call(this, itemIndex, 'Model ID is required for Other Model ID…');
	if (id.length > MAX_MODEL_ID_LENGTH || /\s/.test(id)) throw refusal.call(this, itemIndex, `Model ID must be one word of at most ${MAX_MODEL_ID_LENGTH} characters, got ${describeValue(id)}`);
	return { id, extra: extraBody.call(this, itemIndex, this.getNodeParameter('extraBody', itemIndex, '{}')) };
}

/**
 * The catalog model an item chose (its Model value, also from an expression), or undefined for
 * Other Model ID…; any other value is refused, naming the choices.
 */
export function chosenModel<Model extends { id: string }>(
	this: IExecuteFunctions,
	itemIndex: number,
	catalog: readonly Model[],
): { chosen: unknown; model: Model | undefined } {
	const chosen = this.getNodeParameter('model', itemIndex, catalog[0].id) as unknown;
	const model = catalog.find((candidate) => candidate.id === chosen);
	if (!model && chosen !== OTHER_MODEL) {
		throw refusal.call(this, itemIndex, `Model must be one of ${[...catalog.map((entry) => entry.id), OTHER_MODEL].join(', ')}, got ${describeValue(chosen)}`);
	}
	return { chosen, model };
}
