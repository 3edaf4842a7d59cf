// @ts-check
// Runs in Node (test tooling): finds a Chromium-based browser for the webview tests and the VS Code tests, wherever
// a contributor has one. Order: $CHROMIUM, Chromium on PATH or in its usual places, Google Chrome (Linux, macOS,
// Windows), Microsoft Edge, then Playwright's own download. `node scripts/findBrowser.mjs` prints the path (nothing
// with --quiet: npm test's check), or the one sentence that says how to get a browser, and exits 1.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const NO_BROWSER_MESSAGE = 'No Chromium or Chrome found: install one (Debian/Ubuntu: `sudo apt-get install chromium`, '
  + 'macOS or Windows: Google Chrome), or run `npx playwright-core install chromium`, or set CHROMIUM to a Chromium-based browser.';

/**
 * @typedef {object} BrowserSearch  where to look; the defaults are this machine's
 * @property {NodeJS.Platform} [platform]
 * @property {NodeJS.ProcessEnv} [env]
 * @property {string} [home]
 * @property {(file: string) => boolean} [exists]
 * @property {string} [playwrightPath]  the browser playwright-core would download (chromium.executablePath())
 */

/**
 * The browser's path; throws NO_BROWSER_MESSAGE when there is none, or a sentence naming a wrong $CHROMIUM.
 * @param {BrowserSearch} [search]
 * @returns {string}
 */
export function findBrowser(search = {}) {
  const env = search.env ?? process.env;
  const exists = search.exists ?? existsSync;
  if (env.CHROMIUM) {
    if (!exists(env.CHROMIUM)) throw new Error(`CHROMIUM is set to ${env.CHROMIUM}, which does not exist.`);
    return env.CHROMIUM;
  }
  const found = browserCandidates(search).find((candidate) => exists(candidate));
  if (!found) throw new Error(NO_BROWSER_MESSAGE);
  return found;
}

/**
 * Every place a browser may be, best first.
 * @param {BrowserSearch} search
 * @returns {string[]}
 */
export function browserCandidates(search) {
  const platform = search.platform ?? process.platform;
  const env = search.env ?? process.env;
  const home = search.home ?? os.homedir();
  const join = platform === 'win32' ? path.win32.join : path.posix.join;
  const onPath = (/** @type {string[]} */ names) => (env.PATH ?? env.Path ?? '')
    .split(platform === 'win32' ? ';' : ':').filter(Boolean)
    .flatMap((dir) => names.map((name) => join(dir, platform === 'win32' ? `${name}.exe` : name)));
  /** @type {string[]} */
  const candidates = [];
  if (platform === 'darwin') {
    for (const root of ['/Applications', join(home, 'Applications')]) {
      candidates.push(
        join(root, 'Chromium.app', 'Contents', 'MacOS', 'Chromium'),
        join(root, 'Google Chrome.app', 'Contents', 'MacOS', 'Google Chrome'),
        join(root, 'Google Chrome for Testing.app', 'Contents', 'MacOS', 'Google Chrome for Testing'),
        join(root, 'Microsoft Edge.app', 'Contents', 'MacOS', 'Microsoft Edge'),
      );
    }
  } else if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((r) => r !== undefined);
    for (const root of roots) candidates.push(join(root, 'Google', 'Chrome', 'Application', 'chrome.exe'));
    for (const root of roots) candidates.push(join(root, 'Chromium', 'Application', 'chrome.exe'));
    for (const root of roots) candidates.push(join(root, 'Microsoft', 'Edge', 'Application', 'msedge.exe'));
    candidates.push(...onPath(['chrome', 'chromium', 'msedge']));
  } else {
    candidates.push('/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium');
    candidates.push(...onPath(['chromium', 'chromium-browser']));
    candidates.push('/opt/google/chrome/chrome', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable');
    candidates.push(...onPath(['google-chrome', 'google-chrome-stable', 'microsoft-edge']));
  }
  candidates.push(search.playwrightPath ?? playwrightChromium());
  return candidates;
}

/** Where playwright-core keeps its own Chromium download (`npx playwright-core install chromium`). */
function playwrightChromium() {
  try {
    return chromium.executablePath();
  } catch {
    return ''; // a platform Playwright has no build for
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const browser = findBrowser();
    if (!process.argv.includes('--quiet')) console.log(browser);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
