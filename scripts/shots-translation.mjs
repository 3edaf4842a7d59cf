// @ts-check
// Runs in Node (documentation tooling): screenshots of a translation linked with the editor, in real VS Code
// (code-server + Chromium) at 1440 × 900, in the four themes: docs/screenshots/vscode-translation-{light,dark,
// hc-dark,hc-light}.png. Installs the .vsix, chooses the tiny-marian-en-fr fixture as the model, selects "The pizza
// came out of the oven." in translation.txt, runs Show Attention (the translation opens below the source), picks
// Cross in the panel, puts the cursor on "pizza" in the source (the translation is painted by its cross-attention
// column) and hovers the strongest translated token. The integration suite (test/integration/translationLink.test.ts)
// checks the numbers; this script only takes the pictures, failing with one line when a step does not happen.
//   node scripts/package.mjs linux-x64 && node scripts/shots-translation.mjs [--vsix=FILE] [--verbose]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, findTools, startVsCode, stopwatchLog, switchTheme, WORKBENCH_THEMES, writeUserSettings } from './vscodeTools.mjs';

const MODEL = path.join(REPO_ROOT, 'test', 'fixtures', 'models', 'tiny-marian-en-fr');

/** @param {string} name */
const option = (name) => process.argv.slice(2).find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const verbose = process.argv.includes('--verbose');
const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const vsix = path.resolve(option('vsix') ?? path.join(REPO_ROOT, `${manifest.name}-linux-x64-${manifest.version}.vsix`));
const log = stopwatchLog('shots');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'qkv-shots-'));
const userDataDir = path.join(scratch, 'user-data');
const extensionsDir = path.join(scratch, 'extensions');
// qkvScope.model is machine-overridable: code-server reads it from the machine's settings, not the user's.
mkdirSync(path.join(userDataDir, 'Machine'), { recursive: true });
writeFileSync(path.join(userDataDir, 'Machine', 'settings.json'), JSON.stringify({ 'qkvScope.model': MODEL }));

const tools = findTools();
execFileSync(tools.node, [tools.codeServer, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix],
  { stdio: verbose ? 'inherit' : 'ignore' });
writeUserSettings(userDataDir, { 'workbench.colorTheme': WORKBENCH_THEMES[0][1], 'window.zoomLevel': 0 });
const vscode = await startVsCode({ tools, userDataDir, extensionsDir, log, verbose, viewport: { width: 1440, height: 900 } });
let code = 0;
try {
  const { page, base } = vscode;
  await page.goto(`${base}/?folder=${encodeURIComponent(path.join(REPO_ROOT, 'test', 'integration', 'workspace'))}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill('translation.txt');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'translation.txt' }).first().waitFor();
  await page.keyboard.press('Enter');
  const source = page.locator('.editor-group-container .monaco-editor', { hasText: 'oven' }).first();
  await source.locator('.view-lines').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').fill('>QKV Scope: Show Attention');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'QKV Scope: Show Attention' }).first().waitFor();
  await page.keyboard.press('Enter');
  const translation = page.locator('.editor-group-container .monaco-editor', { hasText: 'four' }).first();
  await translation.waitFor({ timeout: 60_000 });
  log('the translation is open below the source');
  const panel = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  await panel.locator('[data-kind="cross"]').click({ timeout: 30_000 });
  await panel.locator('.qkv-translation__canvas[data-rows]').waitFor({ timeout: 30_000 });

  /** The page coordinates of `word` in an editor's text. @param {import('playwright-core').Locator} editor @param {string} word */
  const wordBox = (editor, word) => editor.evaluate((root, w) => {
    for (const line of root.querySelectorAll('.view-line')) {
      const walker = document.createTreeWalker(line, 4 /* NodeFilter.SHOW_TEXT: this runs in the page */);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent?.indexOf(w) ?? -1;
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + w.length);
        const r = range.getBoundingClientRect();
        return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
      }
    }
    throw new Error(`"${w}" is not on screen`);
  }, word);

  for (const [name, theme, className] of WORKBENCH_THEMES) {
    await switchTheme(page, theme, className);
    const pizza = await wordBox(source, 'pizza');
    await page.mouse.click(pizza.x, pizza.y);
    const status = page.locator('.statusbar-item', { hasText: /cross-attention · .* → "pizza" \d\.\d{3}/ });
    await status.waitFor({ timeout: 15_000 });
    await translation.locator('.view-overlays .cdr').first().waitFor({ timeout: 10_000 });
    // Hover the translated token the status bar names as reading "pizza" most (or "pizza", when that is <pad>).
    const strongest = /· "([^"]+)" → "pizza"/.exec((await status.textContent()) ?? '')?.[1] ?? 'pizza';
    const target = await wordBox(translation, strongest);
    await page.mouse.move(target.x, target.y + 30);
    await page.mouse.move(target.x, target.y, { steps: 4 });
    await page.locator('.monaco-hover', { hasText: /rank\s\d+\sof\s\d+\samong\sthe\stranslated\stokens/ }).first().waitFor({ timeout: 10_000 });
    await page.waitForTimeout(500);
    const file = path.join(REPO_ROOT, 'docs', 'screenshots', `vscode-translation-${name}.png`);
    await page.screenshot({ path: file });
    log(`${path.relative(REPO_ROOT, file)}: ${(await status.textContent())?.trim()}`);
  }
} catch (error) {
  console.error(`shots-translation: ${error instanceof Error ? error.message : String(error)}`);
  await vscode.page.screenshot({ path: path.join(os.tmpdir(), 'qkv-shots-failure.png') }).catch(() => undefined);
  code = 1;
} finally {
  await vscode.close();
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(code);
