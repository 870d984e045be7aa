/** File names: the node's own (request ID or link, index, extension from the type) and the File Name option made safe. */
import { extensionFor } from './fileTypes';

export function imageFileName(requestId: string, imageIndex: number, mimeType: string): string {
	return `modelslab-${requestId}-${imageIndex}.${extensionFor(mimeType)}`;
}

/**
 * The file name of an image whose answer had no usable request id: the link's own name and the
 * image index (`<name>-<imageIndex>.<ext>`); `modelslab-<imageIndex>` for base64 data without a link.
 */
export function linkFileName(url: string | null, imageIndex: number, mimeType: string): string {
	let name = '';
	try {
		const last = url ? (new URL(url).pathname.split('/').pop() ?? '') : '';
		name = decodeURIComponent(last).replace(/\.[^.]*$/, '');
	} catch {
		name = '';
	}
	const safe = name.replace(/[^\w.-]+/g, '_').replace(/^[._]+/, '').slice(0, 100);
	return `${safe || 'modelslab'}-${imageIndex}.${extensionFor(mimeType)}`;
}

/** Image and video extensions a name may already end with (one or more); the node's own one replaces them. */
const TYPED_EXTENSIONS = /(\.(png|jpe?g|jpe|jfif|webp|gif|avif|bmp|tiff?|heic|heif|svg|mp4|m4v|mov|webm|mkv|bin))+$/i;
/**
 * Path separators, control characters (C0 and C1), text-direction overrides that disguise an
 * extension, and half an emoji (a lone surrogate).
 */
const UNSAFE_IN_NAME = /[/\\\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]|\p{Cs}/gu;
const MAX_FILE_NAME_LENGTH = 200;

/**
 * The File Name option made safe: path separators and control characters become "_", an image
 * extension typed by the user is replaced by the bytes' own, "-<imageIndex>" is added when the
 * item has several images, and the whole is at most 200 characters. Undefined when nothing
 * usable is left, so the node's own name is used.
 */
export function chosenFileName(name: string, imageIndex: number | undefined, mimeType: string): string | undefined {
	// a longer name is cut anyway, and the trims below stay cheap on a megabyte from an expression;
	// leading dots would hide the file on Unix, dots and spaces before the extension are noise
	const base = name
		.slice(0, 2 * MAX_FILE_NAME_LENGTH)
		.replace(UNSAFE_IN_NAME, '_')
		.trim()
		.replace(TYPED_EXTENSIONS, '')
		.replace(/^[.\s]+|[.\s]+$/g, '');
	if (base.replace(/[_.\s]/g, '') === '') return undefined;
	const ending = `${imageIndex === undefined ? '' : `-${imageIndex}`}.${extensionFor(mimeType)}`;
	// a cut between the two halves of an emoji would leave half a character
	const kept = base
		.slice(0, MAX_FILE_NAME_LENGTH - ending.length)
		.replace(/[\uD800-\uDBFF]$/, '')
		.replace(/[.\s]+$/, '');
	return `${kept}${ending}`;
}
