// @ts-check
// Runs in Node (test tooling): the run harness the UI scripts share (test-ui.mjs, test-ui-fr.mjs): named checks where
// the first failure stops the run (later checks depend on earlier ones), the .vsix install as the first check, a
// global deadline, a screenshot of the page on failure, and the last line "N passed, N failed".
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './vscodeTools.mjs';

/** @typedef {{ name: string, ok: boolean, detail?: string }} Check */

/**
 * @param {{ name: string, timeoutMs: number, verbose: boolean, log: (...parts: unknown[]) => void, scratch: string,
 *   vscode: () => import('./vscodeTools.mjs').VsCode | undefined }} options
 *   name: the script's short name (its failure screenshot is qkv-NAME-failure.png in the temp folder);
 *   scratch: the folder removed at the end; vscode: the running instance, once there is one.
 */
export function uiRun({ name, timeoutMs, verbose, log, scratch, vscode }) {
  /** @type {Check[]} */
  const checks = [];
  const deadline = setTimeout(() => {
    log(`GLOBAL TIMEOUT after ${timeoutMs / 1000} s`);
    void finish(124);
  }, timeoutMs);

  /** Runs one named check. @param {string} label @param {() => Promise<string | void>} body */
  async function check(label, body) {
    try {
      const detail = await body();
      checks.push({ name: label, ok: true });
      log(`✔ ${label}${detail ? `: ${detail}` : ''}`);
    } catch (error) {
      const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
      checks.push({ name: label, ok: false, detail });
      log(`✖ ${label}: ${detail}`);
      throw error;
    }
  }

  /**
   * The first check of every UI run: the packaged extension installs into a fresh extensions folder.
   * @param {import('./vscodeTools.mjs').Tools} tools @param {string} vsix @param {string} extensionsDir @param {string} userDataDir
   */
  function installVsix(tools, vsix, extensionsDir, userDataDir) {
    return check('the .vsix installs with code-server --install-extension', async () => {
      const out = execFileSync(tools.node, [tools.codeServer, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir,
        '--install-extension', vsix], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      if (!/successfully installed/i.test(out)) throw new Error(`unexpected output: ${out.trim()}`);
      return path.basename(vsix);
    });
  }

  /**
   * The page as it stands, the pointer moved out of the way, saved to `file`.
   * @param {import('playwright-core').Page} page @param {string} file
   */
  function screenshotCheck(page, file) {
    return check('screenshot', async () => {
      mkdirSync(path.dirname(file), { recursive: true });
      await page.mouse.move(0, 0);
      await page.waitForTimeout(500);
      await page.screenshot({ path: file });
      return path.relative(REPO_ROOT, file);
    });
  }

  /** After the error that stopped the run: its stack (when no check said it already) and a screenshot. @param {unknown} error */
  async function failed(error) {
    if (verbose || checks.every((c) => c.ok)) log('ERROR', error instanceof Error ? error.stack : error);
    const shot = path.join(os.tmpdir(), `qkv-${name}-failure.png`);
    await vscode()?.page.screenshot({ path: shot }).then(() => log(`failure screenshot: ${shot}`), () => undefined);
  }

  /** @param {number} code */
  async function finish(code) {
    clearTimeout(deadline);
    await vscode()?.close();
    rmSync(scratch, { recursive: true, force: true });
    const passed = checks.filter((c) => c.ok).length;
    console.log(`${passed} passed, ${checks.length - passed + (code === 124 ? 1 : 0)} failed`);
    process.exit(code);
  }

  /** Exit 0 when there were checks and every one passed. */
  const done = () => finish(checks.length > 0 && checks.every((c) => c.ok) ? 0 : 1);

  return { check, installVsix, screenshotCheck, failed, done };
}
