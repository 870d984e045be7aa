import type { INodeProperties } from 'n8n-workflow';

import type { Resource } from '../operation';
import { operationFields, operationProperty } from '../operation';
import * as imageToVideo from './imageToVideo.operation';
import * as textToVideo from './textToVideo.operation';

/** The registry of the Video resource, in the editor's order (the first is the default). */
export const operations = [imageToVideo, textToVideo] as const;

export const resource: Resource = { name: 'Video', value: 'video' };

export const description: INodeProperties[] = [
	operationProperty(resource.value, operations),
	...operationFields(resource.value, operations),
];
