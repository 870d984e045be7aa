import type { INodeProperties } from 'n8n-workflow';

import type { Resource } from '../operation';
import { operationFields, operationProperty } from '../operation';
import * as enterpriseText2img from './enterpriseText2img.operation';
import { fetchResultOperation } from './fetchResult.operation';
import * as img2img from './img2img.operation';
import * as inpaint from './inpaint.operation';
import * as objectRemoval from './objectRemoval.operation';
import * as outpaint from './outpaint.operation';
import * as removeBackground from './removeBackground.operation';
import * as text2img from './text2img.operation';
import * as upscale from './upscale.operation';

/**
 * The registry of the Image resource: every operation, in the editor's order (the first is the
 * default). The Operation field, the subtitle, the credentials, the router, the model picker and
 * Fetch Result's list of which API holds which jobs all read this list. Adding an operation: its
 * file, and its line here.
 */
const makers = [
	text2img,
	img2img,
	inpaint,
	upscale,
	removeBackground,
	outpaint,
	objectRemoval,
	enterpriseText2img,
] as const;

/** The operations that create jobs, then Fetch Result, which collects any of them. */
export const operations = [...makers, fetchResultOperation(makers)] as const;

export type ImageOperation = (typeof operations)[number]['facts']['value'];

export const resource: Resource = { name: 'Image', value: 'image' };

export const description: INodeProperties[] = [
	operationProperty(resource.value, operations),
	...operationFields(resource.value, operations),
];
