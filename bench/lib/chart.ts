/**
 * The chart of scenarios 1 and 3 (node versus loop), drawn as SVG by hand (no chart dependency) and turned
 * into a PNG by Chromium through playwright-core from the tools cache.
 */
import { writeFileSync } from 'node:fs';

import { tools } from '../../scripts/real-n8n';

export interface Bar {
	label: string;
	value: number;
	/** text above the bar; default the value */
	text?: string;
	/** small second line under the label */
	note?: string;
	/** shows the note as a warning (red) */
	warn?: boolean;
	color: string;
}

export interface Panel {
	title: string;
	subtitle: string;
	unit: string;
	groups: Array<{ label: string; bars: Bar[] }>;
	goals: Array<{ value: number; label: string }>;
}

export const COLORS = { node: '#ea4b71', nodeAlt: '#f59ab0', loop: '#7b8494' };

/** a white outline behind text, so it stays readable over lines and bars */
const HALO = 'stroke="#ffffff" stroke-width="4" stroke-linejoin="round" paint-order="stroke"';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(value: number): number {
	const exp = 10 ** Math.floor(Math.log10(value));
	for (const step of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (step * exp >= value) return step * exp;
	return 10 * exp;
}

function panelSvg(panel: Panel, x0: number, width: number, height: number): string {
	const top = 92;
	const bottom = height - 78;
	const left = x0 + 64;
	const right = x0 + width - 24;
	const values = [...panel.groups.flatMap((g) => g.bars.map((b) => b.value)), ...panel.goals.map((g) => g.value)].filter(Number.isFinite);
	const yMax = niceMax(Math.max(...values) * 1.12);
	const y = (v: number) => bottom - (Math.max(0, v) / yMax) * (bottom - top);
	const out: string[] = [];
	out.push(`<text x="${x0 + 24}" y="34" font-size="20" font-weight="700" fill="#1f2430">${esc(panel.title)}</text>`);
	out.push(`<text x="${x0 + 24}" y="58" font-size="13.5" fill="#5b6270">${esc(panel.subtitle)}</text>`);
	for (let i = 0; i <= 5; i++) {
		const v = (yMax / 5) * i;
		out.push(`<line x1="${left}" x2="${right}" y1="${y(v)}" y2="${y(v)}" stroke="#e6e8ec"/>`);
		const label = yMax >= 10 ? v.toFixed(0) : v.toFixed(yMax >= 2 ? 1 : 2);
		out.push(`<text x="${left - 8}" y="${y(v) + 4}" font-size="12" text-anchor="end" fill="#5b6270">${label}</text>`);
	}
	out.push(`<text transform="translate(${x0 + 18},${(top + bottom) / 2}) rotate(-90)" font-size="12.5" text-anchor="middle" fill="#5b6270">${esc(panel.unit)}</text>`);
	// goal lines under the bars, their labels above everything (see the end)
	for (const goal of panel.goals) {
		out.push(`<line x1="${left}" x2="${right}" y1="${y(goal.value)}" y2="${y(goal.value)}" stroke="#1a9e5c" stroke-width="1.5" stroke-dasharray="6 4"/>`);
	}
	const labels: string[] = [];
	const groupWidth = (right - left) / panel.groups.length;
	panel.groups.forEach((group, gi) => {
		const gx = left + gi * groupWidth;
		const barWidth = Math.min(70, (groupWidth - 30) / group.bars.length - 10);
		// room for the widest label or note under a bar (about 7 px a character)
		const slot = Math.max(barWidth + 10, ...group.bars.map((b) => 7 * Math.max(b.label.length, (b.note ?? '').length) + 8));
		const total = group.bars.length * slot - (slot - barWidth);
		group.bars.forEach((bar, bi) => {
			const bx = gx + (groupWidth - total) / 2 + bi * slot;
			const by = y(bar.value);
			out.push(`<rect x="${bx}" y="${by}" width="${barWidth}" height="${Math.max(1, bottom - by)}" rx="3" fill="${bar.color}"/>`);
			labels.push(
				`<text x="${bx + barWidth / 2}" y="${by - 6}" font-size="13" font-weight="600" text-anchor="middle" fill="#1f2430" ${HALO}>${esc(bar.text ?? String(bar.value))}</text>`,
			);
			out.push(`<text x="${bx + barWidth / 2}" y="${bottom + 18}" font-size="12" text-anchor="middle" fill="#1f2430">${esc(bar.label)}</text>`);
			if (bar.note) {
				const style = bar.warn ? 'fill="#c0392b" font-weight="700"' : 'fill="#5b6270"';
				out.push(`<text x="${bx + barWidth / 2}" y="${bottom + 33}" font-size="11" text-anchor="middle" ${style}>${esc(bar.note)}</text>`);
			}
		});
		out.push(`<text x="${gx + groupWidth / 2}" y="${bottom + 58}" font-size="13.5" font-weight="600" text-anchor="middle" fill="#1f2430">${esc(group.label)}</text>`);
	});
	for (const goal of panel.goals) {
		labels.push(`<text x="${right}" y="${y(goal.value) - 5}" font-size="11.5" text-anchor="end" fill="#1a9e5c" ${HALO}>${esc(goal.label)}</text>`);
	}
	out.push(`<line x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}" stroke="#9aa1ad"/>`);
	return [...out, ...labels].join('\n');
}

export function chartSvg(panels: Panel[], footer: string, width = 1200, height = 540): string {
	const panelWidth = width / panels.length;
	const body = panels.map((p, i) => panelSvg(p, i * panelWidth, panelWidth, height - 20)).join('\n');
	return [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif">`,
		`<rect width="${width}" height="${height}" fill="#ffffff"/>`,
		...panels.slice(1).map((_, i) => `<line x1="${(i + 1) * panelWidth}" x2="${(i + 1) * panelWidth}" y1="20" y2="${height - 40}" stroke="#e6e8ec"/>`),
		body,
		`<text x="${width / 2}" y="${height - 10}" font-size="11.5" text-anchor="middle" fill="#5b6270">${esc(footer)}</text>`,
		'</svg>',
	].join('\n');
}

interface PlaywrightCore {
	chromium: {
		launch(options: { executablePath: string; args: string[]; timeout?: number }): Promise<{
			newPage(options: { viewport: { width: number; height: number }; deviceScaleFactor: number }): Promise<{
				setContent(html: string): Promise<void>;
				screenshot(options: { path: string; clip: { x: number; y: number; width: number; height: number } }): Promise<Buffer>;
			}>;
			close(): Promise<void>;
		}>;
	};
}

/** Renders the SVG with Chromium (offline: the page is inline and loads nothing) and writes the PNG. */
export async function svgToPng(svg: string, file: string, width: number, height: number): Promise<void> {
	const { playwright, chromium } = tools({ browser: true });
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const pw = require(playwright) as PlaywrightCore;
	const browser = await pw.chromium.launch({
		executablePath: chromium,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--host-resolver-rules=MAP * ~NOTFOUND'],
		timeout: 60000,
	});
	try {
		const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 2 });
		await page.setContent(`<!DOCTYPE html><html><body style="margin:0">${svg}</body></html>`);
		await page.screenshot({ path: file, clip: { x: 0, y: 0, width, height } });
	} finally {
		await browser.close();
	}
}

export function writeSvg(svg: string, file: string): void {
	writeFileSync(file, svg);
}
