/**
 * Chromium (Debian's) through playwright-core from the tools cache. playwright-core is not a dependency of
 * this repo, so it is required from the cache at run time and typed here by the few calls the tests make.
 * Every request the page makes to a host other than loopback is aborted and recorded.
 */
import { tools } from '../../scripts/real-n8n';

/** The few DOM members the page-side callbacks use (the tests compile without the DOM lib). */
export interface DomElement {
	readonly innerText?: string;
	readonly offsetParent: unknown;
	querySelectorAll(selectors: string): ArrayLike<DomElement>;
	getAttribute(name: string): string | null;
	/** on <img> */
	readonly complete?: boolean;
	readonly naturalWidth?: number;
	readonly naturalHeight?: number;
	readonly src?: string;
}

export interface Locator {
	click(options?: { timeout?: number }): Promise<void>;
	dblclick(options?: { timeout?: number }): Promise<void>;
	fill(value: string): Promise<void>;
	waitFor(options?: { state?: 'attached' | 'detached' | 'visible' | 'hidden'; timeout?: number }): Promise<void>;
	isVisible(): Promise<boolean>;
	innerText(): Promise<string>;
	inputValue(): Promise<string>;
	getAttribute(name: string): Promise<string | null>;
	count(): Promise<number>;
	first(): Locator;
	nth(index: number): Locator;
	locator(selector: string, options?: { hasText?: string | RegExp }): Locator;
	getByText(text: string | RegExp, options?: { exact?: boolean }): Locator;
	scrollIntoViewIfNeeded(): Promise<void>;
	screenshot(options: { path: string }): Promise<Buffer>;
	boundingBox(): Promise<{ x: number; y: number; width: number; height: number } | null>;
	evaluate<R>(fn: (element: DomElement) => R): Promise<R>;
	evaluateAll<R>(fn: (elements: DomElement[]) => R): Promise<R>;
	filter(options: { hasText: string | RegExp }): Locator;
}

export interface Route {
	request(): { url(): string };
	continue(): Promise<void>;
	abort(): Promise<void>;
}

export interface Page {
	goto(url: string): Promise<unknown>;
	locator(selector: string, options?: { hasText?: string | RegExp }): Locator;
	getByText(text: string | RegExp, options?: { exact?: boolean }): Locator;
	waitForURL(predicate: (url: URL) => boolean, options?: { timeout?: number }): Promise<void>;
	waitForTimeout(ms: number): Promise<void>;
	screenshot(options: { path: string; fullPage?: boolean }): Promise<Buffer>;
	keyboard: { press(key: string): Promise<void> };
	mouse: { move(x: number, y: number): Promise<void> };
	on(event: 'console', listener: (message: { type(): string; text(): string }) => void): void;
	on(event: 'pageerror', listener: (error: Error) => void): void;
	on(event: 'dialog', listener: (dialog: { accept(): Promise<void> }) => void): void;
	setDefaultTimeout(ms: number): void;
	setViewportSize(size: { width: number; height: number }): Promise<void>;
	viewportSize(): { width: number; height: number } | null;
}

export interface BrowserContext {
	route(pattern: string, handler: (route: Route) => Promise<void>): Promise<void>;
	newPage(): Promise<Page>;
	close(): Promise<void>;
}

export interface Browser {
	newContext(options: { viewport: { width: number; height: number }; deviceScaleFactor?: number }): Promise<BrowserContext>;
	close(): Promise<void>;
}

interface PlaywrightCore {
	chromium: { launch(options: { executablePath: string; args: string[]; timeout?: number }): Promise<Browser> };
}

export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-quic',
	'--no-first-run',
	// belt and braces: Chromium itself resolves no name but loopback
	'--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];

export async function launchChromium(): Promise<Browser> {
	const { playwright, chromium } = tools({ browser: true });
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const pw = require(playwright) as PlaywrightCore;
	return await pw.chromium.launch({ executablePath: chromium, args: CHROMIUM_ARGS, timeout: 60000 });
}

function isLoopbackUrl(raw: string): boolean {
	const url = new URL(raw);
	if (url.protocol === 'data:' || url.protocol === 'blob:' || url.protocol === 'about:') return true;
	return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/** A context whose every non-loopback request is aborted; `blocked` lists them. */
export async function guardedContext(
	browser: Browser,
	viewport = { width: 1360, height: 1300 },
): Promise<{ context: BrowserContext; blocked: string[] }> {
	const context = await browser.newContext({ viewport });
	const blocked: string[] = [];
	await context.route('**/*', async (route) => {
		const url = route.request().url();
		if (isLoopbackUrl(url)) return await route.continue();
		blocked.push(url);
		return await route.abort();
	});
	return { context, blocked };
}
