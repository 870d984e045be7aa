import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { ImageModel } from '../../nodes/ModelsLab/catalogs/images';
import { IMAGE_MODELS } from '../../nodes/ModelsLab/catalogs/images';
import { VIDEO_MODELS } from '../../nodes/ModelsLab/catalogs/videos';
import { FORMAT_PRESETS } from '../../nodes/ModelsLab/schemas/formats';
import { formatsOf, ratioFor, referenceCountText } from '../../nodes/ModelsLab/schemas/modelRules';

/**
 * The model tables of docs/operations.md (the README's until it moved there; the file keeps its name, which
 * the docs cite) are the node's catalogs, written out: this test derives them and fails on any difference
 * (MODELSLAB_UPDATE_DOCS=1 writes them into docs/operations.md between their markers).
 */
const OPERATIONS_DOC = path.join(__dirname, '../../docs/operations.md');
const START = '<!-- v7 models: generated from nodes/ModelsLab/catalogs/images.ts by test/package/readmeCatalog.test.ts -->';
const END = '<!-- end of v7 models -->';

function sizeText(model: ImageModel): string {
	if (model.size.by === 'none') return 'none (no Format)';
	if (model.size.by === 'pixels') return `width × height ${model.size.min}–${model.size.max} (Custom, or the preset's size)`;
	const list = model.size.ratios === 'any' ? 'any ratio (none documented: the preset\'s own is sent)' : model.size.ratios.join(', ');
	return `aspect ratio ${list}${model.size.required ? '' : '; optional'}`;
}

function presetsText(model: ImageModel): string {
	if (model.size.by !== 'ratio') return model.size.by === 'pixels' ? 'the preset\'s pixel size' : '—';
	return FORMAT_PRESETS.map((preset) => `${preset.value} ${ratioFor(model, preset.value)}`).join(', ');
}

export function catalogTable(): string {
	const rows = IMAGE_MODELS.map((model) =>
		[
			model.name,
			`\`${model.id}\``,
			model.direction === 'generate' ? 'Generate Image' : 'Edit Image',
			sizeText(model),
			presetsText(model),
			formatsOf(model).includes('input') ? 'yes' : '—',
			model.references ? `${referenceCountText(model)} (${model.references.sentAs === 'pair' ? '`init_image`, `init_image_2`' : model.references.sentAs === 'single' ? '`init_image`' : '`init_image` list'})` : '—',
			model.samples ? `1–${model.samples.max}` : '1',
		].join(' | '),
	);
	return [
		START,
		'| Model | `model_id` | Operation | Size it takes | Format presets send | Same as Input | Reference images | Images |',
		'|---|---|---|---|---|---|---|---|',
		...rows.map((row) => `| ${row} |`),
		END,
	].join('\n');
}

const VIDEO_START = '<!-- video models: generated from nodes/ModelsLab/catalogs/videos.ts by test/package/readmeCatalog.test.ts -->';
const VIDEO_END = '<!-- end of video models -->';

export function videoTable(): string {
	const rows = VIDEO_MODELS.map((model) =>
		[
			model.name,
			`\`${model.id}\``,
			model.direction === 'imageToVideo' ? 'Image to Video' : 'Text to Video',
			model.image ? (model.image.lastFrame ? 'start and end frame (list)' : model.image.sentAs === 'list' ? 'one (list)' : 'one') : '—',
			model.aspectRatios?.join(', ') ?? (model.image ? 'the input image\'s shape' : 'the model\'s own'),
			model.durations ? `${model.durations.join(', ')} s` : '—',
			model.resolutions?.join(', ') ?? '—',
			model.options?.map((option) => option.label).join(', ') ?? '—',
		].join(' | '),
	);
	return [VIDEO_START, ...rows.map((row) => `| ${row} |`), VIDEO_END].join('\n');
}

describe('docs/operations.md: the model tables', () => {
	it.each([
		['v7 image models', START, END, catalogTable],
		['video models', VIDEO_START, VIDEO_END, videoTable],
	])('%s: the catalog, model by model', (_name, startMarker, endMarker, table) => {
		const doc = readFileSync(OPERATIONS_DOC, 'utf8');
		const start = doc.indexOf(startMarker);
		const end = doc.indexOf(endMarker);
		if (process.env.MODELSLAB_UPDATE_DOCS === '1' && start >= 0 && end > start) {
			writeFileSync(OPERATIONS_DOC, doc.slice(0, start) + table() + doc.slice(end + endMarker.length));
			return;
		}
		expect(start).toBeGreaterThanOrEqual(0);
		expect(doc.slice(start, end + endMarker.length)).toBe(table());
	});
});
