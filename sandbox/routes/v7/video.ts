// Family: v7 video-fusion (`v7video`): Image to Video and Text to Video for the models of the video
// catalog, and their fetch route. Answers have the v7 images family's shapes, plus `progress` (0-100)
// while processing; a create always answers `processing` (reference §4: "Video generation is
// asynchronous"), and the job's one output is an MP4 on the image host (`future_links` end in `.mp4`).
import type { SandboxContext } from '../../core/context';
import { type Job, progress } from '../../core/job';
import type { ApiRouteName } from '../../core/routeNames';
import { processingBody, successBody } from '../../jobs/answers';
import { createRoute } from '../../jobs/create';
import { fetchRoute, type FetchShapes } from '../../jobs/fetch';
import { checkV7Video, V7_VIDEO_PATHS } from './videoChecks';
import type { V7VideoDirection } from './videoCatalog';

/** The fetch family of v7 video jobs: only the video fetch route finds them, and it finds no other job. */
const FAMILY = 'v7video';

const fetchPath = (id: number | string) => `/api/v7/video-fusion/fetch/${id}`;

/** A processing answer with how far the job is. */
function videoProcessing(ctx: SandboxContext, job: Job, eta: number) {
	return { ...processingBody(ctx, job, eta), progress: progress(job) };
}

const VIDEO_SHAPES: FetchShapes = { processing: videoProcessing, success: successBody };

const videoCreate = <Name extends ApiRouteName>(name: Name, direction: V7VideoDirection) =>
	createRoute({
		name,
		path: V7_VIDEO_PATHS[direction],
		tier: 'standard',
		family: FAMILY,
		fetchPath,
		check: (ctx, body) => checkV7Video(ctx, body, direction),
		errorField: 'message',
		processing: videoProcessing,
		alwaysProcessing: true,
	});

export const v7VideoRoutes = [
	videoCreate('v7ImageToVideo', 'imageToVideo'),
	videoCreate('v7TextToVideo', 'textToVideo'),
	fetchRoute('v7VideoFetch', /^\/api\/v7\/video-fusion\/fetch\/([^/]+)$/, 'standard', FAMILY, VIDEO_SHAPES),
];
