// @ts-check
// Runs in Node (test tooling): the packaged extension used the way a person uses it. Installs the .vsix into a
// fresh extensions folder with code-server --install-extension, opens test/integration/workspace in the workbench
// (headless Chromium), opens pizza.txt, selects all of it, runs "QKV Scope: Show Attention" from the Command
// Palette with the default "embedded" model, reads the panel inside the webview's frames, checks that heatmap cells
// show without scrolling in a 1440 × 900 window with the Explorer open (the first cell within the top 400 px),
// switches head with the keyboard and takes a screenshot (docs/screenshots/vscode-panel.png); then puts the cursor on
// " it", checks the attention painted on the editor, its hover and the status bar item, and takes the painted editor
// in the four themes at 1440 × 900 (docs/screenshots/vscode-editor-paint-*.png); and reloads the window to see the
// panel come back on the same head; then the Getting Started walkthrough (scripts/walkthroughChecks.mjs).
// Exit code 0 when every check passed; last line "N passed, N failed".
//
// Options: --vsix=FILE (default: <name>-linux-x64-<version>.vsix in the repository root), --screenshot=FILE,
// --timeout=SECONDS (default 240), --verbose.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { uiRun } from './uiRun.mjs';
import {
  REPO_ROOT, findTools, openAndSelectAll, startVsCode, stopwatchLog, switchTheme, WORKBENCH_THEMES, writeUserSettings,
} from './vscodeTools.mjs';
import { checkWalkthrough } from './walkthroughChecks.mjs';

const PIZZA = 'The pizza came out of the oven and it tasted good.';
const PIZZA_TOKENS = 12;
const COMMAND = 'QKV Scope: Show Attention';
const WINDOW = { width: 1440, height: 900 };
/** The picture first: the heatmap's first cell must start within this many CSS pixels of the window's top. */
const FIRST_CELL_MAX_Y = 400;

/** @param {string} name */
const option = (name) => process.argv.slice(2).find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const verbose = process.argv.includes('--verbose');
const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const vsix = path.resolve(option('vsix') ?? path.join(REPO_ROOT, `${manifest.name}-linux-x64-${manifest.version}.vsix`));
const screenshot = path.resolve(option('screenshot') ?? path.join(REPO_ROOT, 'docs', 'screenshots', 'vscode-panel.png'));
const workspace = path.join(REPO_ROOT, 'test', 'integration', 'workspace');
const timeoutMs = Number(option('timeout') ?? 240) * 1000;
const log = stopwatchLog('ui');

/**
 * Waits until the status bar shows a selection of `length` characters (VS Code writes "(N selected)").
 * @param {number} length
 */
async function selectionLength(length) {
  if (!vscode) throw new Error('VS Code is not running');
  await vscode.page.locator('.statusbar-item', { hasText: `(${length} selected)` }).waitFor({ timeout: 10_000 });
}

const scratch = mkdtempSync(path.join(os.tmpdir(), 'qkv-ui-'));
const userDataDir = path.join(scratch, 'user-data');
const extensionsDir = path.join(scratch, 'extensions');
/** @type {import('./vscodeTools.mjs').Tools} */
let tools;
try {
  tools = findTools();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
/** @type {import('./vscodeTools.mjs').VsCode | undefined} */
let vscode;
const { check, installVsix, screenshotCheck, failed, done } =
  uiRun({ name: 'ui', timeoutMs, verbose, log, scratch, vscode: () => vscode });

try {
  await installVsix(tools, vsix, extensionsDir, userDataDir);
  // No qkvScope.* settings: the default "embedded" model, as a new user gets it.
  writeUserSettings(userDataDir, { 'workbench.colorTheme': 'Default Light Modern', 'window.zoomLevel': 0 });
  vscode = await startVsCode({ tools, userDataDir, extensionsDir, log, verbose, viewport: WINDOW });
  const { page, base } = vscode;

  await check('the workbench opens the workspace', async () => {
    await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: 60_000 });
  });

  await check('pizza.txt opens from Quick Open and Ctrl+A selects the sentence', async () => {
    await openAndSelectAll(page, 'pizza.txt', 'pizza');
    await selectionLength(PIZZA.length);
    // The Explorer open, as a new user has it (the panel then gets half of what the side bar leaves).
    if (!(await page.locator('.part.sidebar').isVisible())) await page.keyboard.press('Control+B');
    await page.locator('.part.sidebar .explorer-folders-view').waitFor({ state: 'visible', timeout: 10_000 });
    return `${PIZZA.length} characters selected, Explorer open`;
  });

  // The webview is two frames deep: the webview host iframe, then the extension's page in iframe#active-frame.
  const panel = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  // The controls' "Layer 1 / 2 · Head 1 / 4" heading (the learning views repeat that text in their own places).
  const position = panel.locator('.qkv-position');
  const heatmap = panel.locator('canvas[data-n]');

  await check(`"${COMMAND}" runs from the Command Palette`, async () => {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${COMMAND}`);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: COMMAND }).first().waitFor();
    await page.keyboard.press('Enter');
  });

  await check('the panel paints the heatmap of layer 1, head 1 for the 12 tokens', async () => {
    await heatmap.waitFor({ timeout: 120_000 }); // the first run loads the embedded model
    const label = (await position.textContent({ timeout: 30_000 }))?.trim() ?? '';
    if (!/^Layer 1 \/ \d+ · Head 1 \/ \d+$/.test(label)) throw new Error(`the panel shows "${label}"`);
    const n = Number(await heatmap.getAttribute('data-n'));
    if (n !== PIZZA_TOKENS) throw new Error(`the heatmap has ${n} rows, not ${PIZZA_TOKENS}`);
    const model = await panel.locator('body').textContent();
    if (!model?.includes('embedded')) throw new Error('the panel does not name the embedded model');
    return label;
  });

  await check(`heatmap cells show without scrolling: the first starts within ${FIRST_CELL_MAX_Y} px of a ${WINDOW.width} × ` +
    `${WINDOW.height} window`, async () => {
    const box = await heatmap.boundingBox(); // in the window's coordinates, through both frames
    const originY = Number(await heatmap.getAttribute('data-origin-y'));
    const cell = Number(await heatmap.getAttribute('data-cell'));
    if (!box) throw new Error('the heatmap has no box');
    const first = box.y + originY;
    if (first > FIRST_CELL_MAX_Y || first + cell > WINDOW.height) throw new Error(`the first cell starts at y = ${first.toFixed(0)}`);
    return `first cell at y = ${first.toFixed(0)} (x = ${(box.x + Number(await heatmap.getAttribute('data-origin-x'))).toFixed(0)}), ` +
      `${cell} px cells`;
  });

  await check('ArrowRight in the panel switches to head 2', async () => {
    await position.click(); // focus the panel's document, on something that is not a control
    await page.keyboard.press('ArrowRight');
    await panel.locator('.qkv-position', { hasText: /^Layer 1 \/ \d+ · Head 2 \/ \d+$/ }).waitFor({ timeout: 15_000 });
    return (await position.textContent())?.trim();
  });

  await screenshotCheck(page, screenshot);

  await check('after a window reload the panel comes back on layer 1, head 2', async () => {
    // Developer: Reload Window shuts the workbench down properly (its state saved), as a person's reload does.
    await page.waitForTimeout(1000);
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('>Developer: Reload Window');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Reload Window' }).first().waitFor();
    await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), page.keyboard.press('Enter')]);
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await panel.locator('.qkv-position', { hasText: /^Layer 1 \/ \d+ · Head 2 \/ \d+$/ }).waitFor({ timeout: 120_000 });
    await heatmap.waitFor({ timeout: 60_000 });
    return (await position.textContent())?.trim();
  });

  await check('a second run, from the Ctrl+Alt+A keybinding on "The pizza", replaces the result', async () => {
    await page.locator('.editor-group-container .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Control+Shift+ArrowRight');
    await page.keyboard.press('Control+Shift+ArrowRight');
    await selectionLength('The pizza'.length);
    await page.keyboard.press('Control+Alt+A');
    await panel.locator('canvas[data-n="2"]').waitFor({ timeout: 30_000 });
    return (await position.textContent())?.trim();
  });

  await check('no "Running…" status is left once the new result is painted', async () => {
    const status = panel.locator('[role="status"]');
    await page.waitForTimeout(1000);
    for (const line of await status.all()) {
      if (await line.isVisible()) throw new Error(`the panel still says "${(await line.textContent())?.trim()}"`);
    }
  });

  /** The cursor right after "it", in the editor. */
  const cursorOnIt = async () => {
    await page.keyboard.press('Control+Home');
    for (let i = 0; i < 'The pizza came out of the oven and it'.length; i++) await page.keyboard.press('ArrowRight');
  };

  // The editor paint: the whole sentence again, then the cursor on " it" paints its attention on the text.
  const editorView = page.locator('.editor-group-container .monaco-editor').first();
  await check('the cursor on " it" paints the editor and the status bar item names its strongest key', async () => {
    await editorView.locator('.view-lines').click();
    await page.keyboard.press('Control+A');
    await selectionLength(PIZZA.length);
    await page.keyboard.press('Control+Alt+A');
    await panel.locator(`canvas[data-n="${PIZZA_TOKENS}"]`).waitFor({ timeout: 30_000 });
    await editorView.locator('.view-lines').click();
    await cursorOnIt();
    const item = page.locator('.statusbar-item', { hasText: /L\d+ H\d+ · " it" → ".*" \d\.\d{3}/ });
    await item.waitFor({ timeout: 15_000 });
    // The decorations are drawn in the editor's overlay layer (adjacent ranges of one step may share a box).
    await editorView.locator('.view-overlays .cdr').first().waitFor({ timeout: 10_000 });
    return `${(await item.textContent())?.trim()}; ${await editorView.locator('.view-overlays .cdr').count()} painted boxes`;
  });

  /** Points at " pizza" in the editor and waits for its hover. */
  const hoverPizza = async () => {
    const box = await editorView.evaluate((root) => {
      const line = [...root.querySelectorAll('.view-line')].find((l) => l.textContent?.includes('pizza'));
      const walker = document.createTreeWalker(line ?? root, 4 /* NodeFilter.SHOW_TEXT: this runs in the page */);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent?.indexOf('pizza') ?? -1;
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + 5);
        const r = range.getBoundingClientRect();
        return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
      }
      return undefined;
    });
    if (!box) throw new Error('"pizza" is not on screen in the editor');
    await page.mouse.move(box.x, box.y + 40);
    await page.mouse.move(box.x, box.y, { steps: 4 });
    // The hover writes spaces inside the quotes as no-break spaces: \s matches both.
    const hover = page.locator('.monaco-hover', { hasText: /"\sit"\s→\s"\spizza"\s\d\.\d{3}\s·\srank\s\d+\sof\s\d+/ }).first();
    await hover.waitFor({ timeout: 10_000 });
    return (await hover.textContent())?.replace(/\s+/g, ' ').trim();
  };

  await check('hovering " pizza" shows its weight and rank', hoverPizza);

  // The painted editor in the four themes, 1440 × 900.
  for (const [name, theme, className] of WORKBENCH_THEMES) {
    await check(`screenshot of the painted editor, ${name}`, async () => {
      await page.setViewportSize({ width: 1440, height: 900 });
      if (await switchTheme(page, theme, className)) await cursorOnIt();
      await page.waitForTimeout(800);
      await hoverPizza();
      const file = path.join(path.dirname(screenshot), `vscode-editor-paint-${name}.png`);
      await page.screenshot({ path: file });
      return path.relative(REPO_ROOT, file);
    });
  }
  await checkWalkthrough({ page, panel, check, screenshotDir: path.dirname(screenshot), log });
} catch (error) {
  await failed(error);
}
await done();
