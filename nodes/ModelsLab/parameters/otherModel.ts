/** The Other model choice of the v7 operations, and the refusals that name a field before anything is sent. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, isExpression } from 'n8n-workflow';

import { OTHER_MODEL } from './modelFields';
import { describeValue, readField } from './validate';

/** ModelsLab's model IDs are short slugs; anything longer is a mistake, not a model. */
const MAX_MODEL_ID_LENGTH = 200;

/** Body fields the node sets itself; Extra Body may not replace them. */
const OWN_FIELDS = ['key', 'model_id', 'prompt', 'init_image', 'init_image_2'];

export function refusal(this: IExecuteFunctions, itemIndex: number, message: string): NodeOperationError {
	return new NodeOperationError(this.getNode(), message, { itemIndex, description: 'Nothing was sent to ModelsLab.' });
}

/** A text field's value as text ('' when empty; a number as its digits); anything else is refused, naming the field. */
export function textOf(this: IExecuteFunctions, itemIndex: number, label: string, value: unknown): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string') return value;
	if (typeof value === 'number') return String(value);
	throw refusal.call(this, itemIndex, `${label} must be text, got ${describeValue(value)}`);
}

/** Extra Body of the Other model: a JSON object whose fields go into the body as they are. */
function extraBody(this: IExecuteFunctions, itemIndex: number, value: unknown): IDataObject {
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


/** Other Model ID…: the model ID given and the Extra Body fields, read from the operation's `fields`. */
export function otherModel(this: IExecuteFunctions, itemIndex: number, fields: INodeProperties[]): { id: string; extra: IDataObject } {
	const id = textOf.call(this, itemIndex, 'Model ID', readField.call(this, fields, 'otherModelId', itemIndex)).trim();
	if (!id) throw refusal.call(this, itemIndex, 'Model ID is required for Other Model ID…');
	if (id.length > MAX_MODEL_ID_LENGTH || /\s/.test(id)) throw refusal.call(this, itemIndex, `Model ID must be one word of at most ${MAX_MODEL_ID_LENGTH} characters, got ${describeValue(id)}`);
	return { id, extra: extraBody.call(this, itemIndex, readField.call(this, fields, 'extraBody', itemIndex)) };
}

/**
 * The catalog model an item chose (its Model value in the operation's `fields`, also from an
 * expression), or undefined for Other Model ID…; any other value is refused, naming the choices.
 * `fromExpression`: n8n then shows, and fills in, every model's fields, so only the model's own count.
 */
export function chosenModel<Model extends { id: string }>(
	this: IExecuteFunctions,
	itemIndex: number,
	catalog: readonly Model[],
	fields: INodeProperties[],
): { chosen: unknown; model: Model | undefined; fromExpression: boolean } {
	const chosen = readField.call(this, fields, 'model', itemIndex);
	const model = catalog.find((candidate) => candidate.id === chosen);
	if (!model && chosen !== OTHER_MODEL) {
		throw refusal.call(this, itemIndex, `Model must be one of ${[...catalog.map((entry) => entry.id), OTHER_MODEL].join(', ')}, got ${describeValue(chosen)}`);
	}
	return { chosen, model, fromExpression: isExpression(this.getNode().parameters.model) };
}
