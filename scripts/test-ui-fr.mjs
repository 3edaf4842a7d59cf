// @ts-check
// Runs in Node (test tooling): the packaged extension in French. Installs the .vsix into a fresh extensions folder,
// starts code-server with --locale fr, opens a French sentence, runs « QKV Scope: Afficher l’attention » by its
// French title (package.nls.fr.json), and checks that the panel speaks French (l10n/bundle.l10n.fr.json, handed to
// the webview by the host). Saves docs/screenshots/vscode-panel-fr.png.
// --locale fr alone leaves VS Code in English: it resolves a locale only through an installed language pack (listed
// in languagepacks.json), and the Marketplace is out of reach. So the script lists French there itself, with no
// translations of VS Code's own: vscode.env.language becomes "fr", VS Code's UI stays English, ours is French.
// Exit code 0 when every check passed; last line "N passed, N failed".
//
// Options: --vsix=FILE (default: <name>-linux-x64-<version>.vsix in the repository root), --screenshot=FILE,
// --timeout=SECONDS (default 240), --verbose.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { uiRun } from './uiRun.mjs';
import { REPO_ROOT, findTools, openAndSelectAll, startVsCode, stopwatchLog, writeUserSettings } from './vscodeTools.mjs';

const TEXT = 'La pizza est sortie du four et elle était bonne.';
const COMMAND = 'QKV Scope: Afficher l’attention';

/** @param {string} name */
const option = (name) => process.argv.slice(2).find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const verbose = process.argv.includes('--verbose');
const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const vsix = path.resolve(option('vsix') ?? path.join(REPO_ROOT, `${manifest.name}-linux-x64-${manifest.version}.vsix`));
const screenshot = path.resolve(option('screenshot') ?? path.join(REPO_ROOT, 'docs', 'screenshots', 'vscode-panel-fr.png'));
const timeoutMs = Number(option('timeout') ?? 240) * 1000;
const log = stopwatchLog('ui-fr');

const scratch = mkdtempSync(path.join(os.tmpdir(), 'qkv-ui-fr-'));
const userDataDir = path.join(scratch, 'user-data');
const extensionsDir = path.join(scratch, 'extensions');
const workspace = path.join(scratch, 'espace');
mkdirSync(workspace);
writeFileSync(path.join(workspace, 'pizza-fr.txt'), `${TEXT}\n`);

/**
 * Registers French the way an installed language pack does (userDataDir/languagepacks.json, which code-server reads
 * to resolve --locale), with a translations file that translates nothing of VS Code's own.
 * @param {string} userDataDir
 */
function declareFrench(userDataDir) {
  const translations = path.join(scratch, 'locale-fr', 'main.i18n.json');
  mkdirSync(path.dirname(translations), { recursive: true });
  writeFileSync(translations, '{ "version": "1.0.0", "contents": {} }');
  mkdirSync(userDataDir, { recursive: true });
  writeFileSync(path.join(userDataDir, 'languagepacks.json'), JSON.stringify({
    fr: { hash: 'qkv-scope-test', extensions: [{ extensionIdentifier: { id: 'qkv-scope-tests.locale-fr' }, version: '0.0.1' }],
      translations: { vscode: translations }, label: 'français' },
  }));
}

/** @type {import('./vscodeTools.mjs').VsCode | undefined} */
let vscode;
const { check, installVsix, screenshotCheck, failed, done } =
  uiRun({ name: 'ui-fr', timeoutMs, verbose, log, scratch, vscode: () => vscode });

try {
  const tools = findTools();
  await installVsix(tools, vsix, extensionsDir, userDataDir);
  declareFrench(userDataDir);
  writeUserSettings(userDataDir, { 'workbench.colorTheme': 'Default Light Modern', 'window.zoomLevel': 0 });
  vscode = await startVsCode({ tools, userDataDir, extensionsDir, log, verbose, viewport: { width: 1440, height: 900 }, locale: 'fr' });
  const { page, base } = vscode;

  await check('the workbench opens pizza-fr.txt and Ctrl+A selects the sentence', async () => {
    await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await openAndSelectAll(page, 'pizza-fr.txt', 'pizza');
    await page.keyboard.press('Control+B'); // hide the side bar: more room for the panel
  });

  await check(`the Command Palette lists "${COMMAND}" (package.nls.fr.json)`, async () => {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('>QKV Scope');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: COMMAND }).first().waitFor({ timeout: 20_000 });
    await page.keyboard.press('Enter');
  });

  // The webview is two frames deep: the webview host iframe, then the extension's page in iframe#active-frame.
  const panel = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  await check('the panel speaks French (l10n/bundle.l10n.fr.json through the host)', async () => {
    await panel.locator('canvas[data-n]').waitFor({ timeout: 120_000 });
    const heading = (await panel.locator('.qkv-position').textContent({ timeout: 30_000 }))?.trim() ?? '';
    if (!/^Couche 1 \/ \d+ · Tête 1 \/ \d+$/.test(heading)) throw new Error(`the panel heading is "${heading}"`);
    for (const text of ['Carte de chaleur', 'Pas à pas', 'Toutes les têtes', 'Exporter en JSON…']) {
      await panel.locator('button', { hasText: text }).first().waitFor({ timeout: 5_000 });
    }
    const lang = await panel.locator('html').getAttribute('lang');
    if (lang !== 'fr') throw new Error(`<html lang="${lang}">`);
    return heading;
  });

  await screenshotCheck(page, screenshot);
} catch (error) {
  await failed(error);
}
await done();
