// Family: v7 images (`v7images`): Text to Image and Image to Image for the provider models of the v7
// catalog, and their fetch route. Answers have the v6 images family's shapes (reference §1.3: no v7 schema
// is published and every v7 client reads the v6 fields); field errors come under `message`. Reference
// images are links the sandbox never fetches: it only reads the size of one it hosts itself.
import type { ApiRouteName } from '../../core/routeNames';
import { createRoute } from '../../jobs/create';
import { fetchRoute } from '../../jobs/fetch';
import type { V7Direction } from './catalog';
import { checkV7Image, V7_PATHS } from './checks';

/** The fetch family of v7 image jobs: only the v7 fetch route finds them, and it finds no other job. */
const FAMILY = 'v7images';

const v7Create = <Name extends ApiRouteName>(name: Name, direction: V7Direction) =>
	createRoute({
		name,
		path: V7_PATHS[direction],
		tier: 'standard',
		family: FAMILY,
		fetchPath: (id) => `/api/v7/images/fetch/${id}`,
		check: (ctx, body) => checkV7Image(ctx, body, direction),
		errorField: 'message',
	});

export const v7ImageRoutes = [
	v7Create('v7TextToImage', 'generate'),
	v7Create('v7ImageToImage', 'edit'),
	fetchRoute('v7ImagesFetch', /^\/api\/v7\/images\/fetch\/([^/]+)$/, 'standard', FAMILY),
];
