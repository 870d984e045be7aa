/**
 * A model's own optional fields, as data in its catalog entry: the node shows each in Options for the
 * models that take it, checks it by its kind, and sends it (API name: the name in snake_case) only when
 * the user added it. Shared by the image and the video catalogs.
 */
export type ModelOption =
	| { name: string; label: string; kind: 'boolean'; description: string }
	| { name: string; label: string; kind: 'text'; maxLength: number; description: string };

/** Veo 3.x's fields on its model pages (google/Veo-3.1, google/veo3-fast). */
export const VEO_OPTIONS: readonly ModelOption[] = [
	{ name: 'generateAudio', label: 'Generate Audio', kind: 'boolean', description: 'Whether Veo makes a soundtrack with the video (ModelsLab makes one when this is not added)' },
	{ name: 'negativePrompt', label: 'Negative Prompt', kind: 'text', maxLength: 2000, description: 'What the video should not show' },
	{ name: 'enhancePrompt', label: 'Enhance Prompt', kind: 'boolean', description: 'Whether Veo rewrites the prompt before making the video' },
];

/** Seedance text to video's `camera_fixed` (PY SeeDanceT2VSchema). */
export const SEEDANCE_T2V_OPTIONS: readonly ModelOption[] = [
	{ name: 'cameraFixed', label: 'Fixed Camera', kind: 'boolean', description: 'Whether the camera stays still' },
];
