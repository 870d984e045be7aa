// The names of the API routes: what faults target (`route`) and request and job records carry. Route
// modules may name their routes only from this list (defineRoute), and server.ts's registry must give
// every name a route, so the list, the registry and the public types cannot drift apart.
export type ApiRouteName =
	| 'create'
	| 'fetch'
	| 'wallet'
	| 'modelList'
	| 'requestCount'
	| 'img2img'
	| 'inpaint'
	| 'upscale'
	| 'removeBackground'
	| 'outpaint'
	| 'objectRemoval'
	| 'imageEditingFetch'
	| 'upload'
	| 'base64ToUrl'
	| 'base64Crop'
	| 'v7TextToImage'
	| 'v7ImageToImage'
	| 'v7ImagesFetch'
	| 'v7Models'
	| 'v7ImageToVideo'
	| 'v7TextToVideo'
	| 'v7VideoFetch';
