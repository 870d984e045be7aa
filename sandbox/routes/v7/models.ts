// The v7 model listing, `GET /api/v7/models?feature=&search=&key=` (the key in the query string, the only
// GET route). The reference documents the route but not its answer; this is the `{data, error, meta}`
// envelope of the vendor's sibling endpoints, with the fields the vendor's CLI reads.
import { sendJson } from '../../core/http';
import { authenticate, defineRoute } from '../../core/router';
import type { Body } from '../../core/validation';
import { V7_COMMUNITY_MODELS, V7_IMAGE_MODEL_NAMES, V7_IMAGE_MODELS } from './catalog';

/** The feature the image models are listed under; the sandbox knows no other (others list nothing). */
const IMAGE_FEATURE = 'imagen';

/** Every image model once (an id may serve both routes), then the community ones. */
function imageModels(): Array<{ model_id: string; model_name: string; feature: string }> {
	const names = new Map<string, string>();
	for (const { id } of V7_IMAGE_MODELS) names.set(id, V7_IMAGE_MODEL_NAMES[id] ?? id);
	for (const [id, name] of Object.entries(V7_COMMUNITY_MODELS)) names.set(id, name);
	return [...names].map(([model_id, model_name]) => ({ model_id, model_name, feature: IMAGE_FEATURE }));
}

function listing(query: Body) {
	const { feature, search } = query;
	const wanted = typeof search === 'string' ? search.trim().toLowerCase() : '';
	const featureOk = typeof feature !== 'string' || feature === '' || feature.toLowerCase() === IMAGE_FEATURE;
	const data = featureOk
		? imageModels().filter((m) => wanted === '' || m.model_id.toLowerCase().includes(wanted) || m.model_name.toLowerCase().includes(wanted))
		: [];
	return { data, error: null, meta: { total: data.length } };
}

export const v7ModelRoutes = [
	defineRoute({
		name: 'v7Models',
		path: '/api/v7/models',
		tier: 'any',
		method: 'GET',
		handle: (ctx, ex, query) => {
			if (authenticate(ctx, ex, query, 'any')) sendJson(ex, 200, listing(query));
		},
	}),
];
