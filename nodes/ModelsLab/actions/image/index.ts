import type { INodeProperties } from 'n8n-workflow';

import type { Resource } from '../operation';
import * as video from '../video';
import { operationFields, operationProperty } from '../operation';
import * as edit from './edit.operation';
import * as enterpriseText2img from './enterpriseText2img.operation';
import { fetchResultOperation } from './fetchResult.operation';
import * as generate from './generate.operation';
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
 * file, and its line in one of the lists here.
 */
const v6Makers = [
	text2img,
	img2img,
	inpaint,
	upscale,
	removeBackground,
	outpaint,
	objectRemoval,
	enterpriseText2img,
] as const;

/** ModelsLab's v7 routes, listed after the operations saved workflows already use. */
const v7Makers = [generate, edit] as const;

/** The operations that create jobs, Fetch Result, which collects any of them, then the v7 operations. */
export const operations = [...v6Makers, fetchResultOperation([...v6Makers, ...v7Makers, ...video.operations]), ...v7Makers] as const;

export const resource: Resource = { name: 'Image', value: 'image' };

export const description: INodeProperties[] = [
	operationProperty(resource.value, operations),
	...operationFields(resource.value, operations),
];
