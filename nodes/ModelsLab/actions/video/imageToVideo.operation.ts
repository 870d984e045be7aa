import { videoOperation } from './videoOperation';

/** Image to Video: POST /api/v7/video-fusion/image-to-video, a reel from a product photo. */
export const { facts, description, execute } = videoOperation({
	value: 'imageToVideo',
	name: 'Image to Video',
	action: 'Make a video from an image',
	description: 'Animate an image into a short video with Seedance, Wan, Kling or Hailuo (POST /api/v7/video-fusion/image-to-video)',
	direction: 'imageToVideo',
	route: '/api/v7/video-fusion/image-to-video',
});
