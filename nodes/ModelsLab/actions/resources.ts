/**
 * The resources, in the editor's order: Image first, the default, so a node saved without `resource`
 * means Image. Adding a resource: its folder with its registry, and its line here.
 */
import * as image from './image';
import type { Operation } from './operation';
import * as video from './video';

export const resources = [image, video] as const;

/** Every operation of every resource: operation values are unique across resources. */
export const allOperations: readonly Operation[] = resources.flatMap((entry) => entry.operations as readonly Operation[]);

/** The operations of a saved resource value; Image for a value no resource has. */
export function operationsOf(resource: unknown): readonly Operation[] {
	return (resources.find((entry) => entry.resource.value === resource) ?? resources[0]).operations;
}
