/** Small statistics helpers: the benchmark reports medians, percentiles and ratios, never single runs. */

/** Linear-interpolated quantile (p in 0..1) of the finite values; NaN for none. */
export function quantile(values: number[], p: number): number {
	const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
	if (sorted.length === 0) return Number.NaN;
	const index = (sorted.length - 1) * p;
	const lo = Math.floor(index);
	const hi = Math.ceil(index);
	return sorted[lo] + (sorted[hi] - sorted[lo]) * (index - lo);
}

export const median = (values: number[]): number => quantile(values, 0.5);

export function sum(values: number[]): number {
	return values.reduce((a, b) => a + b, 0);
}

export function max(values: number[]): number {
	return values.length === 0 ? Number.NaN : Math.max(...values);
}

/** A number for a table cell: fixed digits, "n/a" for NaN. */
export function fmt(value: number, digits = 0): string {
	return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** "3.2×" (how many times larger b is than a). */
export function ratio(a: number, b: number, digits = 1): string {
	return Number.isFinite(a) && Number.isFinite(b) && a > 0 ? `${(b / a).toFixed(digits)}×` : 'n/a';
}
