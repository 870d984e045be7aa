/**
 * The editor in Chromium: sign in to a running n8n through its login form, open a workflow with one ModelsLab
 * node per operation, and check what a user sees. Each operation's parameter panel shows its key fields by
 * their display names, the credential dialog shows its fields and a passing connection test against the
 * sandbox, "Execute step" on Text to Image shows the image as binary output, picking a model on Generate
 * Image (and on each Video operation) shows only that model's fields, examples/01 runs on the canvas with
 * every node and its item count in view (the README's picture), and a node added from the nodes panel is
 * the newest version.
 *
 * Screenshots go to .tmp/e2e/screenshots/ on every run; with MODELSLAB_UPDATE_DOCS=1 they also
 * replace the committed ones in docs/.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

import { modelsFor } from '../../nodes/ModelsLab/catalogs/images';
import { videoModelsFor } from '../../nodes/ModelsLab/catalogs/videos';
import type { Sandbox } from '../../sandbox/server';
import { startSandbox } from '../../sandbox/server';
import type { Browser, BrowserContext, Page } from './browser';
import { guardedContext, launchChromium } from './browser';
import type { ModelsLabCredentials, N8nServer, SavedWorkflow, WorkflowJson } from '../../scripts/real-n8n';
import { OWNER, REPO_ROOT, SANDBOX_KEYS, loadExample, startN8n, triggerOf } from '../../scripts/real-n8n';
import { packedTarball } from './helpers';

const SHOTS = path.join(REPO_ROOT, '.tmp', 'e2e', 'screenshots');
const DOCS = path.join(REPO_ROOT, 'docs');
const UPDATE_DOCS = process.env.MODELSLAB_UPDATE_DOCS === '1';
const TOUR = path.join(__dirname, 'fixtures', 'editor-tour.json');

const ndv = '[data-test-id="ndv"]';
const byTestId = (id: string) => `[data-test-id="${id}"]`;

describe('the ModelsLab node in the n8n editor (Chromium)', () => {
	let sandbox: Sandbox;
	let n8n: N8nServer;
	let browser: Browser | undefined;
	let context: BrowserContext | undefined;
	let page: Page;
	let blocked: string[] = [];
	let workflow: SavedWorkflow;
	let credentials: ModelsLabCredentials;
	const pageErrors: string[] = [];

	async function screenshot(name: string, target: { screenshot(o: { path: string }): Promise<Buffer> } = page) {
		mkdirSync(SHOTS, { recursive: true });
		const file = path.join(SHOTS, name);
		await target.screenshot({ path: file });
		if (UPDATE_DOCS) {
			mkdirSync(DOCS, { recursive: true });
			copyFileSync(file, path.join(DOCS, name));
		}
		return file;
	}

	/** The canvas node named `name`, by its name attribute: after a run the node's text starts with its item count. */
	const canvasNode = (name: string) => page.locator(`${byTestId('canvas-node')}[data-node-name=${JSON.stringify(name)}]`).first();

	async function openNode(name: string) {
		const node = canvasNode(name);
		await node.waitFor();
		await node.dblclick();
		await page.locator(ndv).waitFor();
		await page.locator(`${ndv} ${byTestId('node-parameters')}`).waitFor();
		// no hover or focus effects on the field that opened under the double-clicked canvas node
		await page.mouse.move(1, 1);
		await page.locator('body').evaluate(() => {
			const doc = (globalThis as unknown as { document: { activeElement: { blur?: () => void } | null } }).document;
			doc.activeElement?.blur?.();
		});
	}

	async function closeNode() {
		await page.locator(`${ndv} ${byTestId('ndv-close-button')}`).click();
		await page.locator(ndv).waitFor({ state: 'hidden' });
	}

	/** The display names of the parameters (and credential slot) shown right now inside `container`. */
	async function visibleLabels(container = `${ndv} ${byTestId('node-parameters')}`): Promise<string[]> {
		return await page.locator(container).first().evaluate((root) => {
			const labels = Array.from(root.querySelectorAll('[data-test-id="credentials-label"], label'));
			return [
				...new Set(
					labels
						.filter((el) => el.offsetParent !== null) // visible
						// the first line is the name; a required field adds " *", hover adds "Fixed / Expression"
						.map((el) => (el.innerText ?? '').split('\n')[0].replace(/\s*\*$/, '').trim())
						.filter(Boolean),
				),
			];
		});
	}

	async function selectedOperation(): Promise<string> {
		return await page.locator(`${ndv} ${byTestId('parameter-input-operation')} input`).first().inputValue();
	}

	beforeAll(async () => {
		sandbox = await startSandbox({ processingMs: 1000 });
		n8n = await startN8n({ name: 'editor', tgz: packedTarball() });
		await n8n.setupOwner();
		credentials = await n8n.createSandboxCredentials(sandbox.baseUrl);
		workflow = await n8n.createWorkflow(JSON.parse(readFileSync(TOUR, 'utf8')) as WorkflowJson, credentials);

		browser = await launchChromium();
		({ context, blocked } = await guardedContext(browser));
		page = await context.newPage();
		page.setDefaultTimeout(30000);
		page.on('pageerror', (error) => pageErrors.push(error.message));
		// leaving a workflow with unsaved changes (the Format test changes one) asks "leave the page?": yes
		page.on('dialog', (dialog) => void dialog.accept());
	}, 180000);

	afterAll(async () => {
		await context?.close().catch(() => undefined);
		await browser?.close().catch(() => undefined);
		await n8n?.stop();
		await sandbox?.close();
		if (pageErrors.length) process.stderr.write(`[editor] page errors:\n${pageErrors.join('\n')}\n`);
	});

	it('signs in through the login form and opens the workflow', async () => {
		await page.goto(`${n8n.baseUrl}/signin`);
		await page.locator(`${byTestId('emailOrLdapLoginId')} input`).fill(OWNER.email);
		await page.locator(`${byTestId('password')} input`).fill(OWNER.password);
		await page.locator(byTestId('form-submit-button')).click();
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'));

		await page.goto(`${n8n.baseUrl}/workflow/${workflow.id}`);
		await page.locator(byTestId('canvas-node')).first().waitFor();
		expect(await page.locator(byTestId('canvas-node')).count()).toBe(14);
	});

	/** The fields every editing operation shows after its own: the wait loop and the output. */
	const WAIT_AND_OUTPUT = ['Wait for Completion', 'Max Wait Time (Seconds)', 'Output', 'Put Output File in Field', 'File Name'];

	/** The Operation field's text for the v7 operations, which their canvas nodes are named short of. */
	const GENERATE_IMAGE = 'Generate Image (Imagen, Nano Banana, Seedream, FLUX.2 …)';
	const EDIT_IMAGE = 'Edit Image (Nano Banana Pro, FLUX Kontext, Seedream …)';

	/**
	 * One row per operation: its canvas node (named after the operation, or `node`) opens on that operation, the
	 * panel shows every field in `shown` and none in `hidden`, and the screenshot goes to `screenshot`.
	 */
	const PANELS: Array<{ operation: string; node?: string; shows: string; shown: string[]; hidden: string[]; screenshot: string }> = [
		{
			operation: 'Text to Image',
			shows: 'its key fields',
			shown: [
				'Credential for ModelsLab API',
				'Operation',
				'Model',
				'Prompt',
				'Negative Prompt',
				'Format',
				'Width',
				'Height',
				'Number of Images',
				'Options',
				'Wait for Completion',
				'Max Wait Time (Seconds)',
				'Output',
				'Put Output File in Field',
				'File Name',
				'Max Image Size (MB)',
				'Concurrency',
			],
			hidden: [],
			screenshot: 'editor-text2img.png',
		},
		{
			operation: 'Enterprise Text to Image',
			shows: 'its key fields and the enterprise credential',
			shown: ['Credential for ModelsLab Enterprise API', 'Model', 'Prompt', 'Format', 'Width', 'Height', 'Wait for Completion', 'Output'],
			hidden: ['Credential for ModelsLab API'],
			screenshot: 'editor-enterprise-text2img.png',
		},
		{
			operation: 'Fetch Result',
			shows: 'Request ID and API, and no generation fields',
			shown: ['Credential for ModelsLab API', 'Request ID', 'API', 'Wait for Completion', 'Output'],
			hidden: ['Prompt', 'Width'],
			screenshot: 'editor-fetch-result.png',
		},
		{
			operation: 'Image to Image',
			shows: 'the input image, the model picker, Prompt and Strength',
			shown: [
				'Credential for ModelsLab API',
				'Image Source',
				'Input Binary Field',
				'Model',
				'Prompt',
				'Negative Prompt',
				'Strength',
				'Number of Images',
				'Options',
				...WAIT_AND_OUTPUT,
			],
			// the output has the input's size, and there is no mask
			hidden: ['Format', 'Width', 'Height', 'Image URL', 'Mask Source'],
			screenshot: 'editor-img2img.png',
		},
		{
			operation: 'Inpaint',
			shows: 'the input image and the mask, Prompt and Strength',
			shown: [
				'Credential for ModelsLab API',
				'Image Source',
				'Input Binary Field',
				'Mask Source',
				'Mask Binary Field',
				'Model',
				'Prompt',
				'Strength',
				'Options',
				...WAIT_AND_OUTPUT,
			],
			hidden: ['Width', 'Height', 'Image URL', 'Mask URL'],
			screenshot: 'editor-inpaint.png',
		},
		{
			operation: 'Upscale',
			shows: 'the image link, Upscale Model, Scale and Face Enhance, and no prompt',
			shown: ['Credential for ModelsLab API', 'Image Source', 'Image URL', 'Upscale Model', 'Scale', 'Face Enhance', ...WAIT_AND_OUTPUT],
			// the URL source hides the binary field
			hidden: ['Input Binary Field', 'Prompt', 'Model', 'Strength'],
			screenshot: 'editor-upscale.png',
		},
		{
			operation: 'Remove Background',
			shows: 'the input image and the alpha matting options, and no prompt',
			shown: [
				'Credential for ModelsLab API',
				'Image Source',
				'Input Binary Field',
				'Options',
				'Alpha Matting',
				'Alpha Matting Erode Size',
				...WAIT_AND_OUTPUT,
			],
			hidden: ['Prompt', 'Model', 'Mask Source'],
			screenshot: 'editor-remove-background.png',
		},
		{
			operation: 'Outpaint',
			shows: 'the input image, Prompt, the target canvas and Overlap Width',
			shown: [
				'Credential for ModelsLab API',
				'Image Source',
				'Input Binary Field',
				'Prompt',
				'Negative Prompt',
				'Format',
				'Width',
				'Height',
				'Overlap Width',
				'Options',
				...WAIT_AND_OUTPUT,
			],
			hidden: ['Model', 'Strength', 'Mask Source'],
			screenshot: 'editor-outpaint.png',
		},
		{
			operation: 'Remove Object',
			shows: 'the input image and the mask link, and nothing else to fill in',
			shown: ['Credential for ModelsLab API', 'Image Source', 'Input Binary Field', 'Mask Source', 'Mask URL', ...WAIT_AND_OUTPUT],
			// the URL source hides the mask's binary field; the route takes only the two images
			hidden: ['Mask Binary Field', 'Prompt', 'Model', 'Options'],
			screenshot: 'editor-object-removal.png',
		},
		{
			operation: GENERATE_IMAGE,
			node: 'Generate Image',
			shows: 'the Model list, Prompt and Format, and only the fields Imagen 4 takes',
			shown: [
				'Credential for ModelsLab API',
				'Operation',
				'Model',
				'Prompt',
				'Format',
				'Options',
				...WAIT_AND_OUTPUT,
				'Max Image Size (MB)',
				'Concurrency',
			],
			// Imagen 4 takes an aspect ratio from Format: no pixels, no Images; no reference images on Generate
			hidden: ['Width', 'Height', 'Images', 'Negative Prompt', 'Model ID', 'Extra Body (JSON)', 'Image Source', 'Input Binary Fields', 'Image URLs'],
			screenshot: 'editor-generate.png',
		},
		{
			operation: EDIT_IMAGE,
			node: 'Edit Image',
			shows: 'the Model list, the reference images from binary fields, Prompt and Format',
			shown: [
				'Credential for ModelsLab API',
				'Operation',
				'Model',
				'Image Source',
				'Input Binary Fields',
				'Prompt',
				'Format',
				'Options',
				...WAIT_AND_OUTPUT,
				'Max Image Size (MB)',
				'Concurrency',
			],
			// binary references hide the links; Nano Banana Pro takes a ratio, not pixels, and no Images
			hidden: ['Image URLs', 'Width', 'Height', 'Images', 'Strength', 'Model ID', 'Extra Body (JSON)', 'Input Binary Field'],
			screenshot: 'editor-edit.png',
		},
		{
			operation: 'Image to Video',
			shows: 'the Model list, the image from a binary field and Prompt, and none of the fields Seedance does not take',
			shown: [
				'Credential for ModelsLab API',
				'Resource',
				'Operation',
				'Model',
				'Image Source',
				'Input Binary Field',
				'Prompt',
				'Options',
				...WAIT_AND_OUTPUT,
				'Max Video Size (MB)',
				'Concurrency',
			],
			// Seedance takes the photo's shape and its own length: no Format, Duration or Resolution; the binary source hides the link
			hidden: [
				'Format',
				'Duration (Seconds)',
				'Resolution',
				'Image URL',
				'Last Frame Binary Field',
				'Last Frame URL',
				'Model ID',
				'Extra Body (JSON)',
				'Max Image Size (MB)',
				'Width',
				'Height',
				'Negative Prompt',
			],
			screenshot: 'editor-image-to-video.png',
		},
		{
			operation: 'Text to Video',
			shows: 'the Model list, Prompt, and the Format and Duration Veo 3.1 takes',
			shown: [
				'Credential for ModelsLab API',
				'Resource',
				'Operation',
				'Model',
				'Prompt',
				'Format',
				'Duration (Seconds)',
				'Options',
				...WAIT_AND_OUTPUT,
				'Max Video Size (MB)',
				'Concurrency',
			],
			// Veo 3.1 has no resolution choice; text to video takes no image
			hidden: ['Resolution', 'Image Source', 'Input Binary Field', 'Image URL', 'Model ID', 'Extra Body (JSON)', 'Max Image Size (MB)', 'Width', 'Height'],
			screenshot: 'editor-text-to-video.png',
		},
	];

	for (const panel of PANELS) {
		it(`${panel.node ?? panel.operation}: the panel shows ${panel.shows}`, async () => {
			await openNode(panel.node ?? panel.operation);
			expect(await selectedOperation()).toBe(panel.operation);
			const labels = await visibleLabels();
			expect(labels).toEqual(expect.arrayContaining(panel.shown));
			for (const hidden of panel.hidden) expect(labels).not.toContain(hidden);
			await screenshot(panel.screenshot);
			await closeNode();
		});
	}

	it('the ModelsLab API credential dialog shows API Key and Base URL, hides the key, and its test passes', async () => {
		await openNode('Text to Image');
		const dialog = page.locator(byTestId('credential-edit-dialog'));
		try {
			await page.locator(`${ndv} ${byTestId('credential-edit-button')}`).click();
			await dialog.waitFor();
			// the free wallet_balance test ran against the sandbox and passed
			await page.locator(byTestId('credentials-config-container-test-success')).waitFor();
			expect(sandbox.stats.requests.some((r) => r.route === 'wallet' && r.status === 200)).toBe(true);
			expect(await visibleLabels(byTestId('credential-edit-dialog'))).toEqual(
				expect.arrayContaining(['API Key', 'Base URL']),
			);
			expect(await page.locator(byTestId('editCredential-modal')).innerText()).toContain('ModelsLab API');

			const baseUrl = page.locator(`${byTestId('parameter-input-baseUrl')} input`).first();
			expect(await baseUrl.inputValue()).toBe(sandbox.baseUrl);
			const apiKey = page.locator(`${byTestId('parameter-input-apiKey')} input`).first();
			expect(await apiKey.getAttribute('type')).toBe('password');
			expect(await apiKey.inputValue()).not.toContain(SANDBOX_KEYS.standard);

			await page.waitForTimeout(500); // let the dialog's buttons finish fading in
			await screenshot('credential-dialog.png', page.locator('.el-dialog:has([data-test-id="credential-edit-dialog"])'));
		} finally {
			for (let i = 0; i < 3 && ((await dialog.isVisible()) || (await page.locator(ndv).isVisible())); i++) {
				await page.keyboard.press('Escape');
				await page.waitForTimeout(300);
			}
		}
		await dialog.waitFor({ state: 'hidden' });
		await page.locator(ndv).waitFor({ state: 'hidden' });
	});

	it('"Execute step" on Text to Image shows the generated PNG as binary output', async () => {
		sandbox.reset();
		await openNode('Text to Image');
		await page.locator(`${ndv} ${byTestId('node-execute-button')}`).click();

		const output = page.locator(`${ndv} ${byTestId('output-panel')}`);
		await output.locator(byTestId('ndv-binary-data_0')).waitFor({ timeout: 60000 });
		expect(sandbox.stats.creates).toBe(1);
		const jobId = sandbox.stats.jobs[0].id;
		const text = await output.innerText();
		expect(text).toContain('Binary');
		expect(text).toContain(`modelslab-${jobId}-0.png`);
		expect(text).toContain('image/png');

		// "View" renders the file the way a user sees it: an <img> served by n8n's binary-data route
		await output.locator(byTestId('ndv-view-binary-data')).click();
		const image = output.locator('img[src*="/rest/binary-data"]').first();
		await image.waitFor();
		await page.waitForTimeout(300);
		const rendered = await image.evaluate((img) => ({
			complete: img.complete,
			width: img.naturalWidth,
			height: img.naturalHeight,
			src: img.src ?? '',
		}));
		expect(rendered).toMatchObject({ complete: true, width: 512, height: 512 });
		expect(rendered.src).toContain('mimeType=image%2Fpng');
		await screenshot('editor-execute-step.png');
		await closeNode();
	});

	it('Text to Image: Format lists the social formats; Story hides Width and Height, and "Execute step" makes a 576 × 1024 image', async () => {
		sandbox.reset();
		await openNode('Text to Image');
		await page.locator(`${ndv} ${byTestId('parameter-input-format')}`).click();
		const options = page.locator('.el-select-dropdown__item:visible');
		await options.first().waitFor();
		const names = await options.evaluateAll((items) => items.map((item) => (item.innerText ?? '').split('\n')[0].trim()));
		expect(names).toEqual([
			'Custom',
			'Square 1:1 (Instagram / Facebook post)',
			'Portrait 4:5 (Instagram portrait post)',
			'Story / Reel 9:16',
			'Landscape 16:9 (YouTube thumbnail, X)',
			'Link preview 1.91:1 (LinkedIn, Facebook link)',
			'Pin 2:3 (Pinterest)',
		]);
		await screenshot('editor-formats.png');
		await options.filter({ hasText: 'Story / Reel 9:16' }).first().click();
		await page.waitForTimeout(300);
		const labels = await visibleLabels();
		expect(labels).toEqual(expect.arrayContaining(['Format', 'Number of Images', 'File Name']));
		expect(labels).not.toContain('Width');
		expect(labels).not.toContain('Height');

		await page.locator(`${ndv} ${byTestId('node-execute-button')}`).click();
		const output = page.locator(`${ndv} ${byTestId('output-panel')}`);
		// the panel still shows the earlier run's binary: wait for this run's job and its file
		for (let waited = 0; sandbox.stats.creates === 0 && waited < 60000; waited += 100) await page.waitForTimeout(100);
		const [create] = sandbox.stats.requests.filter((r) => r.route === 'create');
		expect(create.body).toMatchObject({ width: 576, height: 1024 });
		await output.getByText(`modelslab-${sandbox.stats.jobs[0].id}-0.png`).first().waitFor({ timeout: 60000 });
		await output.locator(byTestId('ndv-view-binary-data')).click();
		const image = output.locator('img[src*="/rest/binary-data"]').first();
		await image.waitFor();
		await page.waitForTimeout(300);
		expect(await image.evaluate((img) => ({ width: img.naturalWidth, height: img.naturalHeight }))).toEqual({ width: 576, height: 1024 });
		await closeNode();
	});

	/** Opens the dropdown of parameter `name` and gives its options' names (the first line of each), in order. */
	async function openOptions(name: string): Promise<string[]> {
		await page.locator(`${ndv} ${byTestId(`parameter-input-${name}`)}`).click();
		const options = page.locator('.el-select-dropdown__item:visible');
		await options.first().waitFor();
		return await options.evaluateAll((items) => items.map((item) => (item.innerText ?? '').split('\n')[0].trim()));
	}

	/** Picks the option named exactly `option` in parameter `name`'s dropdown; gives the names it listed. */
	async function choose(name: string, option: string): Promise<string[]> {
		const names = await openOptions(name);
		expect(names).toContain(option);
		await page.locator('.el-select-dropdown__item:visible').nth(names.indexOf(option)).click();
		await page.locator('.el-select-dropdown__item:visible').first().waitFor({ state: 'hidden' });
		await page.waitForTimeout(300);
		return names;
	}

	const PRESETS = [
		'Square 1:1 (Instagram / Facebook post)',
		'Portrait 4:5 (Instagram portrait post)',
		'Story / Reel 9:16',
		'Landscape 16:9 (YouTube thumbnail, X)',
		'Link preview 1.91:1 (LinkedIn, Facebook link)',
		'Pin 2:3 (Pinterest)',
	];
	/** The fields a model of Generate Image may or may not have; each step below says which it shows. */
	const MODEL_FIELDS = ['Format', 'Width', 'Height', 'Images', 'Model ID', 'Extra Body (JSON)'];

	it('Generate Image: picking a model shows only its fields, and "Execute step" sends only them', async () => {
		sandbox.reset();
		await openNode('Generate Image');
		expect(await selectedOperation()).toBe(GENERATE_IMAGE);
		const expectFields = async (shown: string[]) => {
			const labels = await visibleLabels();
			expect(labels).toEqual(expect.arrayContaining(['Model', 'Prompt', 'Options', ...shown]));
			expect(MODEL_FIELDS.filter((field) => labels.includes(field))).toEqual(shown);
		};

		// the Model list is the catalog's Generate models, in its order, then Other Model ID…
		const models = await choose('model', 'Imagen 4 (Google)');
		expect(models).toEqual([...modelsFor('generate').map((model) => model.name), 'Other Model ID…']);
		// Imagen 4: Format with the six presets (it takes aspect ratios only: no Custom), no Width, Height or Images
		await expectFields(['Format']);
		expect(await choose('format', 'Story / Reel 9:16')).toEqual(PRESETS);

		// FLUX.2 Pro takes pixels: Format has Custom, and Custom shows Width and Height
		await choose('model', 'FLUX.2 Pro (Black Forest Labs)');
		await expectFields(['Format']);
		expect(await choose('format', 'Custom')).toEqual(['Custom', ...PRESETS]);
		await expectFields(['Format', 'Width', 'Height']);

		// Imagen 4 Ultra makes up to 4 images: Images; ratios again, so no Width or Height
		await choose('model', 'Imagen 4 Ultra (Google)');
		await expectFields(['Format', 'Images']);
		expect(await choose('format', 'Square 1:1 (Instagram / Facebook post)')).toEqual(PRESETS);

		// Other Model ID…: its ID and Extra Body, no Format
		await choose('model', 'Other Model ID…');
		await expectFields(['Model ID', 'Extra Body (JSON)']);

		// Nano Banana takes no size: no Format at all
		await choose('model', 'Nano Banana (Google)');
		await expectFields([]);

		// what the editor kept of the earlier models' fields is not sent: only the model, the prompt and the key
		await page.locator(`${ndv} ${byTestId('node-execute-button')}`).click();
		for (let waited = 0; sandbox.stats.creates === 0 && waited < 60000; waited += 100) await page.waitForTimeout(100);
		const output = page.locator(`${ndv} ${byTestId('output-panel')}`);
		await output.getByText(`modelslab-${sandbox.stats.jobs[0].id}-0.png`).first().waitFor({ timeout: 60000 });
		expect(sandbox.stats.requests.filter((r) => r.route === 'v7TextToImage').map((r) => [r.path, r.body])).toEqual([
			['/api/v7/images/text-to-image', { key: SANDBOX_KEYS.standard, model_id: 'nano-banana-t2i', prompt: 'A ceramic mug on a sunlit kitchen table, soft morning light' }],
		]);
		expect(sandbox.stats.creates).toBe(1);
		await closeNode();
	});

	it('Edit Image: Nano Banana Pro\'s Format offers Same as Input, and URLs as the source show Image URLs instead of the binary fields', async () => {
		await openNode('Edit Image');
		expect(await selectedOperation()).toBe(EDIT_IMAGE);
		expect(await choose('model', 'Nano Banana Pro (Google), up to 14 images')).toEqual([...modelsFor('edit').map((model) => model.name), 'Other Model ID…']);
		expect(await choose('format', 'Story / Reel 9:16')).toEqual(['Same as Input', ...PRESETS]);
		expect(await choose('imageSource', 'URLs')).toEqual(['Binary Files', 'URLs']);
		const labels = await visibleLabels();
		expect(labels).toEqual(expect.arrayContaining(['Image Source', 'Image URLs', 'Prompt', 'Format']));
		expect(labels).not.toContain('Input Binary Fields');
		// Nano Banana (two images exactly) takes no size and no Images: none of the model fields
		await choose('model', 'Nano Banana (Google), two images');
		expect((await visibleLabels()).filter((label) => MODEL_FIELDS.includes(label))).toEqual([]);
		await closeNode();
	});

	/** The fields a video model may or may not have; each step below says which it shows. */
	const VIDEO_MODEL_FIELDS = ['Format', 'Duration (Seconds)', 'Resolution', 'Model ID', 'Extra Body (JSON)'];
	async function videoFieldsShown(): Promise<string[]> {
		const labels = await visibleLabels();
		expect(labels).toEqual(expect.arrayContaining(['Model', 'Prompt', 'Options']));
		return VIDEO_MODEL_FIELDS.filter((field) => labels.includes(field));
	}

	it('Image to Video: the Model list is the catalog\'s image-to-video models, each showing only its fields; URL as the source shows the links', async () => {
		await openNode('Image to Video');
		expect(await selectedOperation()).toBe('Image to Video');
		expect(await page.locator(`${ndv} ${byTestId('parameter-input-resource')} input`).first().inputValue()).toBe('Video');
		// the video default for Max Wait Time
		expect(await page.locator(`${ndv} ${byTestId('parameter-input-maxWaitTime')} input`).first().inputValue()).toBe('900');
		// Seedance (the fixture's): none of the model fields
		expect(await videoFieldsShown()).toEqual([]);
		// Wan 2.6: its two lengths and two resolutions
		expect(await choose('model', 'Wan 2.6 (Alibaba)')).toEqual([...videoModelsFor('imageToVideo').map((model) => model.name), 'Other Model ID…']);
		expect(await videoFieldsShown()).toEqual(['Duration (Seconds)', 'Resolution']);
		expect(await choose('duration', '10 s')).toEqual(['5 s', '10 s']);
		expect(await choose('resolution', '1080p')).toEqual(['720p', '1080p']);
		// Hailuo 02 Start and End Frame: the end frame from a binary field too
		await choose('model', 'Hailuo 02 Start and End Frame (MiniMax)');
		expect(await videoFieldsShown()).toEqual([]);
		expect(await visibleLabels()).toEqual(expect.arrayContaining(['Input Binary Field', 'Last Frame Binary Field']));
		// URL as the source: both links instead of both binary fields
		expect(await choose('imageSource', 'URL')).toEqual(['Binary File', 'URL']);
		const labels = await visibleLabels();
		expect(labels).toEqual(expect.arrayContaining(['Image URL', 'Last Frame URL']));
		expect(labels).not.toContain('Input Binary Field');
		expect(labels).not.toContain('Last Frame Binary Field');
		// Other Model ID…: its ID and Extra Body
		await choose('model', 'Other Model ID…');
		expect(await videoFieldsShown()).toEqual(['Model ID', 'Extra Body (JSON)']);
		await closeNode();
	});

	/** The names "Add Option" of the Options collection offers (it lists the ones not added yet), then closes it again. */
	async function addableOptions(): Promise<string[]> {
		const add = page.locator(`${ndv} ${byTestId('collection-parameter-add')}`).first();
		await add.click();
		const items = page.locator(`${byTestId('collection-parameter-option')}:visible`);
		await items.first().waitFor();
		const names = await items.evaluateAll((list) => list.map((item) => (item.innerText ?? '').split('\n')[0].trim()));
		await add.click();
		await items.first().waitFor({ state: 'hidden' });
		return names.sort();
	}

	it('Text to Video: the Model list is the catalog\'s text-to-video models; Veo 3.1 offers its two formats, three lengths and its own options, Wan 2.6 lengths and resolutions, Hailuo 2.3 none', async () => {
		await openNode('Text to Video');
		expect(await selectedOperation()).toBe('Text to Video');
		// the fixture's Veo 3.1 has its own Generate Audio added (off); the rest of Veo's options can be added
		expect(await visibleLabels()).toContain('Generate Audio');
		expect(await addableOptions()).toEqual(['Enhance Prompt', 'Negative Prompt', 'Track ID', 'Webhook URL']);
		expect(await choose('model', 'Veo 3.1 (Google)')).toEqual([...videoModelsFor('textToVideo').map((model) => model.name), 'Other Model ID…']);
		expect(await videoFieldsShown()).toEqual(['Format', 'Duration (Seconds)']);
		expect(await choose('format', 'Story / Reel 9:16')).toEqual(['Landscape 16:9', 'Story / Reel 9:16']);
		expect(await choose('duration', '8 s')).toEqual(['4 s', '6 s', '8 s']);
		await choose('model', 'Wan 2.6 (Alibaba)');
		expect(await videoFieldsShown()).toEqual(['Duration (Seconds)', 'Resolution']);
		await choose('model', 'Hailuo 2.3 (MiniMax)');
		expect(await videoFieldsShown()).toEqual([]);
		// Hailuo 2.3 has no options of its own: Veo's Generate Audio is hidden, only the shared ones remain
		expect(await visibleLabels()).not.toContain('Generate Audio');
		expect(await addableOptions()).toEqual(['Track ID', 'Webhook URL']);
		await closeNode();
	});

	it('examples/04: the AI Agent canvas shows ModelsLab as its tool, and the tool panel its fields', async () => {
		const example = loadExample('04-ai-agent-tool.json');
		const agent = await n8n.createWorkflow(example, credentials);
		await page.goto(`${n8n.baseUrl}/workflow/${agent.id}`);
		await page.locator(byTestId('canvas-node')).first().waitFor();
		expect(await page.locator(byTestId('canvas-node')).count()).toBe(4);
		await page.waitForTimeout(500);
		await screenshot('editor-ai-agent.png');

		await openNode('ModelsLab');
		const labels = await visibleLabels();
		expect(labels).toEqual(
			expect.arrayContaining(['Credential for ModelsLab API', 'Tool Description', 'Description', 'Prompt', 'Width', 'Height', 'Output']),
		);
		expect(await page.locator(`${ndv} ${byTestId('node-parameters')}`).innerText()).toContain('$fromAI');
		await closeNode();
	});

	it('examples/01: the bulk workflow runs from the canvas, and every node shows on it with its item count (README picture)', async () => {
		sandbox.reset();
		const example = loadExample('01-rows-to-images.json');
		const bulk = await n8n.createWorkflow(example, credentials);
		const editorViewport = page.viewportSize();
		// the README's picture: a whole workflow at a laptop's size
		await page.setViewportSize({ width: 1280, height: 720 });
		try {
			await page.goto(`${n8n.baseUrl}/workflow/${bulk.id}`);
			await page.locator(byTestId('canvas-node')).first().waitFor();
			expect(await page.locator(byTestId('canvas-node')).count()).toBe(example.nodes.length);

			await page.locator(byTestId('execute-workflow-button')).first().click();
			// the green check on every node, once the run has ended
			for (const node of example.nodes) await canvasNode(node.name).locator(byTestId('canvas-node-status-success')).waitFor({ timeout: 60000 });
			expect(sandbox.stats.creates).toBe(3);
			// "Workflow executed successfully" and no other message
			const toasts = page.locator('.el-notification');
			expect(await toasts.evaluateAll((els) => els.map((el) => (el.innerText ?? '').trim()))).toEqual(['Workflow executed successfully']);
			await toasts.locator('.el-notification__closeBtn').first().click();
			await toasts.first().waitFor({ state: 'hidden' });

			// fit to view (n8n stops at 100 %), then two steps closer so the names read at the README's width
			await page.locator(byTestId('zoom-to-fit')).click();
			for (let step = 0; step < 2; step++) await page.locator(byTestId('zoom-in-button')).click();
			await page.mouse.move(640, 150);
			await page.waitForTimeout(500);

			// every node of the example shows its name and lies whole inside the canvas; ModelsLab says its operation
			const canvas = (await page.locator(byTestId('canvas')).first().boundingBox())!;
			const cropped: string[] = [];
			for (const node of example.nodes) {
				expect(await canvasNode(node.name).innerText()).toContain(node.name);
				const box = await canvasNode(node.name).boundingBox();
				const inside = !!box && box.x >= canvas.x && box.y >= canvas.y && box.x + box.width <= canvas.x + canvas.width && box.y + box.height <= canvas.y + canvas.height;
				if (!inside) cropped.push(node.name);
			}
			expect(cropped).toEqual([]);
			const modelsLab = example.nodes.find((node) => node.type === 'n8n-nodes-modelslab.modelsLab');
			expect(modelsLab?.name).toBe('ModelsLab');
			expect(await canvasNode('ModelsLab').getByText('ModelsLab', { exact: true }).isVisible()).toBe(true);
			expect(await canvasNode('ModelsLab').innerText()).toMatch(/^3 items\nModelsLab\nText to Image$/);
			// an item count on every connection: one run, three rows, three images
			const edges = await page.locator(byTestId('edge-label')).evaluateAll((els) =>
				els.map((el) => `${el.getAttribute('data-source-node-name')} → ${el.getAttribute('data-target-node-name')}: ${(el.innerText ?? '').trim()}`),
			);
			expect(edges).toEqual([`${triggerOf(example)} → Rows: 1 item`, 'Rows → ModelsLab: 3 items']);
			expect(await page.locator(byTestId('canvas-node-status-warning')).count()).toBe(0);
			expect(await page.locator(ndv).isVisible()).toBe(false);
			await screenshot('editor-workflow.png');
		} finally {
			if (editorViewport) await page.setViewportSize(editorViewport);
		}
	});

	it('a ModelsLab node added from the nodes panel is version 2 (docs/where-it-runs.md "Node versions") and opens on the chosen action', async () => {
		const empty = await n8n.createWorkflow({
			name: 'editor: a new ModelsLab node',
			nodes: [{ parameters: {}, id: 'e0000000-0015-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] }],
			connections: {},
		});
		await page.goto(`${n8n.baseUrl}/workflow/${empty.id}`);
		await page.locator(byTestId('canvas-node')).first().waitFor();
		const blockedBefore = blocked.length;
		await page.locator(byTestId('node-creator-plus-button')).click();
		await page.locator(byTestId('node-creator-search-bar')).first().fill('ModelsLab');
		// a community node opens its details panel, with its operations listed by their action text
		await page.locator(byTestId('node-creator-action-item')).filter({ hasText: 'ModelsLab' }).first().click();
		await page.locator(`${byTestId('node-creator')} ${byTestId('node-creator-item-name')}`).filter({ hasText: /^Generate images from text$/ }).first().click();
		await page.locator(ndv).waitFor();
		expect(await selectedOperation()).toBe('Text to Image');
		await closeNode();
		await page.keyboard.press('Control+s');

		let saved: WorkflowJson | undefined;
		for (let waited = 0; waited < 15000; waited += 200) {
			saved = await n8n.rest<WorkflowJson>('GET', `/rest/workflows/${empty.id}`);
			if (saved.nodes.length === 2) break;
			await page.waitForTimeout(200);
		}
		const added = saved?.nodes.find((node) => node.name !== 'Start');
		expect(added).toMatchObject({ type: 'n8n-nodes-modelslab.modelsLab', typeVersion: 2 });
		// n8n saves no value equal to its default: no operation means Text to Image, the first one
		expect(added?.parameters).toEqual({ modelId: { __rl: true, mode: 'id', value: 'flux' }, options: {}, requestOptions: {} });

		// the details panel is n8n's: it looks the installed package up on npm (aborted here, and it still works)
		expect(new Set(blocked.splice(blockedBefore))).toEqual(new Set(['https://registry.npmjs.org/n8n-nodes-modelslab']));
	});

	it('neither the browser nor n8n called any address but loopback', () => {
		expect(blocked).toEqual([]);
		expect(n8n.blockedOutbound()).toEqual([]);
	});
});
