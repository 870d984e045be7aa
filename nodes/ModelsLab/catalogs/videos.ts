/**
 * ModelsLab's v7 video models (POST /api/v7/video-fusion/image-to-video and /text-to-video), as data:
 * each model is one entry, and its fields, rules and body are derived from it. Durations and
 * resolutions are strings on the wire, as ModelsLab's samples send them. Sources: ModelsLab's Python
 * SDK schemas and model pages, distilled in the project's v7 reference. Adding a model is one entry
 * here and one in the sandbox's own catalog (sandbox/routes/v7/videoCatalog.ts).
 */

import type { ModelOption } from './modelOptions';
import { SEEDANCE_T2V_OPTIONS, VEO_OPTIONS } from './modelOptions';

export type VideoDirection = 'imageToVideo' | 'textToVideo';

export interface VideoModel {
	/** ModelsLab's `model_id`, exact case. */
	id: string;
	name: string;
	direction: VideoDirection;
	/** Image to video: the start image as one link or a list; `lastFrame`: the list is [start, end]. */
	image?: { sentAs: 'single' | 'list'; lastFrame?: boolean };
	aspectRatios?: readonly string[];
	durations?: readonly string[];
	resolutions?: readonly string[];
	/** Its own optional fields, shown in Options for it alone. */
	options?: readonly ModelOption[];
	source: string;
}

const KLING_DURATIONS = ['5', '10'] as const;

export const VIDEO_MODELS: readonly VideoModel[] = [
	// image to video
	{ id: 'seedance-i2v', name: 'Seedance (ByteDance)', direction: 'imageToVideo', image: { sentAs: 'single' }, source: 'PY SeeDanceI2VSchema' },
	{ id: 'seedance-1.0-pro-i2v', name: 'Seedance 1.0 Pro (ByteDance)', direction: 'imageToVideo', image: { sentAs: 'list' }, source: 'PY SeeDance10ProI2VSchema ("Image input array")' },
	{ id: 'seedance-1.0-pro-fast-i2v', name: 'Seedance 1.0 Pro Fast (ByteDance)', direction: 'imageToVideo', image: { sentAs: 'single' }, source: 'PY SeeDance10ProFastI2VSchema' },
	{ id: 'wan2.6-i2v', name: 'Wan 2.6 (Alibaba)', direction: 'imageToVideo', image: { sentAs: 'single' }, durations: ['5', '10'], resolutions: ['720p', '1080p'], source: 'model page alibaba_cloud/wan-2.6-image-to-video' },
	{ id: 'kling-v2-1-master-i2v', name: 'Kling 2.1 Master (Kling AI)', direction: 'imageToVideo', image: { sentAs: 'single' }, durations: KLING_DURATIONS, source: 'PY KlingV21MasterI2VSchema' },
	{ id: 'Kling-V2-5-Turbo-i2v', name: 'Kling 2.5 Turbo (Kling AI)', direction: 'imageToVideo', image: { sentAs: 'single' }, durations: KLING_DURATIONS, source: 'PY; model page klingai/Kling-V2-5-Turbo-image-to-video' },
	{ id: 'kling-v2-1-i2v', name: 'Kling 2.1 (Kling AI)', direction: 'imageToVideo', image: { sentAs: 'single' }, durations: KLING_DURATIONS, source: 'PY KlingV21I2VSchema' },
	{ id: 'Hailuo-2.3-i2v', name: 'Hailuo 2.3 (MiniMax)', direction: 'imageToVideo', image: { sentAs: 'single' }, durations: ['6', '10'], source: 'PY Hailuo23I2VSchema; model page sends "6"' },
	{ id: 'Hailuo-02-i2v', name: 'Hailuo 02 (MiniMax)', direction: 'imageToVideo', image: { sentAs: 'single' }, source: 'PY Hailuo02I2VSchema' },
	{ id: 'Hailuo-02-start-end-frame', name: 'Hailuo 02 Start and End Frame (MiniMax)', direction: 'imageToVideo', image: { sentAs: 'list', lastFrame: true }, source: 'PY Hailuo02StartEndFrameSchema' },
	// text to video
	{ id: 'seedance-t2v', name: 'Seedance (ByteDance)', direction: 'textToVideo', aspectRatios: ['16:9', '4:3', '1:1', '9:21'], resolutions: ['720p', '480p'], options: SEEDANCE_T2V_OPTIONS, source: 'PY SeeDanceT2VSchema' },
	{ id: 'wan2.6-t2v', name: 'Wan 2.6 (Alibaba)', direction: 'textToVideo', durations: ['5', '10'], resolutions: ['720p', '1080p'], source: 'model page alibaba_cloud/wan-2.6-text-to-video' },
	{ id: 'veo-3.1', name: 'Veo 3.1 (Google)', direction: 'textToVideo', aspectRatios: ['16:9', '9:16'], durations: ['4', '6', '8'], options: VEO_OPTIONS, source: 'model page google/Veo-3.1' },
	{ id: 'veo-3.1-fast', name: 'Veo 3.1 Fast (Google)', direction: 'textToVideo', aspectRatios: ['16:9', '9:16'], durations: ['4', '6', '8'], options: VEO_OPTIONS, source: 'model page google/Veo-3.1-fast' },
	{ id: 'sora-2', name: 'Sora 2 (OpenAI)', direction: 'textToVideo', aspectRatios: ['16:9', '9:16'], durations: ['4', '8', '12'], source: 'PY openai Sora2Schema; model page openai/sora-2-t2v' },
	{ id: 'kling-v2-5-turbo-t2v', name: 'Kling 2.5 Turbo (Kling AI)', direction: 'textToVideo', aspectRatios: ['16:9', '9:16', '1:1'], durations: KLING_DURATIONS, source: 'PY KlingV25TurboT2VSchema' },
	{ id: 'kling-v2-1-master-t2v', name: 'Kling 2.1 Master (Kling AI)', direction: 'textToVideo', durations: KLING_DURATIONS, source: 'PY KlingV21MasterT2VSchema' },
	{ id: 'Hailuo-2.3-t2v', name: 'Hailuo 2.3 (MiniMax)', direction: 'textToVideo', source: 'PY Hailuo23T2VSchema' },
	{ id: 'seedance-1.0-pro-fast-t2v', name: 'Seedance 1.0 Pro Fast (ByteDance)', direction: 'textToVideo', source: 'PY SeeDance10ProFastT2VSchema' },
];

export function videoModelsFor(direction: VideoDirection, catalog: readonly VideoModel[] = VIDEO_MODELS): VideoModel[] {
	return catalog.filter((model) => model.direction === direction);
}
