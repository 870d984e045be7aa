/**
 * Runs the zod schema over what n8n hands the node and, on failure, names each field by the label
 * the user sees, with the value given and the allowed range. Nothing is sent before this passes.
 */
import type { IExecuteFunctions, INode, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { ZodIssue, ZodTypeAny, z } from 'zod';

import { shorten } from '../schemas/rules';

function labelsOf(properties: INodeProperties[]): Map<string, string> {
	const labels = new Map<string, string>();
	for (const property of properties) {
		labels.set(property.name, property.displayName);
		for (const option of property.options ?? []) {
			if ('displayName' in option && 'name' in option) {
				labels.set(`${property.name}.${option.name}`, option.displayName);
			}
		}
	}
	return labels;
}

function valueAt(input: unknown, path: Array<string | number>): unknown {
	return path.reduce<unknown>(
		(value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined),
		input,
	);
}

/** A value as the user would recognise it, cut short: an expression can yield a megabyte. */
export function describeValue(value: unknown): string {
	if (value === undefined) return 'nothing';
	return shorten(typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value));
}

function describeIssue(issue: ZodIssue, input: unknown, labels: Map<string, string>): string {
	const path = issue.path.map(String);
	const field = labels.get(path.slice(0, 2).join('.')) ?? labels.get(path[0]) ?? path.join('.');
	const value = valueAt(input, issue.path);
	if (issue.code === 'unrecognized_keys') {
		const verb = issue.keys.length > 1 ? 'are' : 'is';
		// a field at the top that this operation (or model) does not take is named by its own label
		if (path.length === 0) return `${issue.keys.map((key) => labels.get(key) ?? key).join(', ')} ${verb} not available for this operation`;
		return `${field}: ${issue.keys.join(', ')} ${verb} not available for this operation`;
	}
	const loraLike = issue.code === 'custom' && path[1] === 'loras';
	return loraLike ? `${field}: ${issue.message}` : `${field} ${issue.message}, got ${describeValue(value)}`;
}

type ValidationResult<T> = { ok: true; data: T } | { ok: false; problems: string[] };

export function validateParameters<Schema extends ZodTypeAny>(
	schema: Schema,
	input: unknown,
	properties: INodeProperties[],
): ValidationResult<z.output<Schema>> {
	const result = schema.safeParse(input);
	if (result.success) return { ok: true, data: result.data };
	const labels = labelsOf(properties);
	return {
		ok: false,
		problems: result.error.issues.map((issue: ZodIssue) => describeIssue(issue, input, labels)),
	};
}

/** Whether the node runs as an AI Agent tool: n8n names a node's tool variant `<type>Tool`, as `@tool` reads it. */
export function isToolMode(node: INode): boolean {
	return node.type.endsWith('Tool');
}

/** Whether a field exists in this mode: some have a tool and a non-tool variant (`@tool` display option). */
function inMode(field: INodeProperties, toolMode: boolean): boolean {
	const shown = field.displayOptions?.show?.['@tool'];
	const hidden = field.displayOptions?.hide?.['@tool'];
	return (!shown || shown.includes(toolMode)) && !hidden?.includes(toolMode);
}

/**
 * The one parameter reader: the fields' values for an item, by name. A hidden field reads as its
 * default (the mode's own), as n8n gives it; a model picker (resource locator) gives its ID.
 */
export function readFields(this: IExecuteFunctions, fields: INodeProperties[], itemIndex: number): Record<string, unknown> {
	const toolMode = isToolMode(this.getNode());
	return Object.fromEntries(
		fields
			.filter((field) => inMode(field, toolMode))
			.map((field) => [
				field.name,
				this.getNodeParameter(field.name, itemIndex, field.default, field.type === 'resourceLocator' ? { extractValue: true } : undefined),
			]),
	);
}

/** The value of field `name` of `fields` (its first definition, where variants share the name), read as readFields reads. */
export function readField(this: IExecuteFunctions, fields: INodeProperties[], name: string, itemIndex: number): unknown {
	return readFields.call(this, fields.filter((field) => field.name === name).slice(0, 1), itemIndex)[name];
}

/** The validated values, or a field-named error for the item before anything is sent. */
export function parseParameters<Schema extends ZodTypeAny>(
	node: INode,
	schema: Schema,
	input: unknown,
	properties: INodeProperties[],
	itemIndex?: number,
): z.output<Schema> {
	const validation = validateParameters(schema, input, properties);
	if (validation.ok) return validation.data;
	throw new NodeOperationError(node, `Invalid parameters: ${validation.problems.join('; ')}`, {
		itemIndex,
		description: 'Nothing was sent to ModelsLab.',
	});
}
