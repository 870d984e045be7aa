import { videoOperation } from './videoOperation';

/** Text to Video: POST /api/v7/video-fusion/text-to-video. */
export const { facts, description, execute } = videoOperation({
	value: 'textToVideo',
	name: 'Text to Video',
	action: 'Make a video from text',
	description: 'A short video from a prompt with Veo 3.1, Sora 2, Seedance, Wan or Kling (POST /api/v7/video-fusion/text-to-video)',
	direction: 'textToVideo',
	route: '/api/v7/video-fusion/text-to-video',
});
