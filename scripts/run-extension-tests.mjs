// @ts-check
// Runs in Node (test tooling): what scripts/code-shim.sh runs in place of a VS Code executable. It takes VS Code's
// command line as @vscode/test-electron passes it, loads the extension under development in code-server and runs
// the mocha suite named by --extensionTestsPath inside the real extension host (that module exports run(), the same
// contract as desktop VS Code). The workbench reports the suite's console output and exit code through the smoke-test
// driver hooks (window.codeAutomationLog / codeAutomationExit), which this script provides with Playwright.
// Exit code: the extension host's (0 = every test passed). Last line: "N passed, N failed".
//
// Options besides VS Code's: --timeout=SECONDS (default 300), --verbose (all workbench and server output),
// --screenshot=FILE (the window when the run ends; always taken on a failure, into the temp folder).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { format } from 'node:util';
import { HARMLESS_NOISE, findTools, startVsCode, stopwatchLog, writeUserSettings } from './vscodeTools.mjs';

const argv = process.argv.slice(2);
/** @param {string} name @returns {string | undefined} the value of --name=value, or "true" for a bare --name */
const option = (name) => {
  for (const arg of argv) {
    if (arg === `--${name}`) return 'true';
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
};
const required = (/** @type {string} */ name) => option(name) ?? fail(`--${name}=… is required`);
/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`run-extension-tests: ${message}`);
  process.exit(2);
}

const log = stopwatchLog('vscode');
const folder = path.resolve(argv.find((a) => !a.startsWith('-')) ?? process.cwd());
const developmentPath = path.resolve(required('extensionDevelopmentPath'));
const testsPath = path.resolve(required('extensionTestsPath'));
const verbose = option('verbose') === 'true';
const timeoutMs = Number(option('timeout') ?? 300) * 1000;

// Fresh profile folders unless the caller named its own (runTests passes --user-data-dir/--extensions-dir).
const scratch = mkdtempSync(path.join(os.tmpdir(), 'qkv-vscode-'));
const userDataDir = path.resolve(option('user-data-dir') ?? path.join(scratch, 'user-data'));
const extensionsDir = path.resolve(option('extensions-dir') ?? path.join(scratch, 'extensions'));
writeUserSettings(userDataDir);

let passed = 0;
let failed = 0;
let exitCode = 1;
const vscode = await Promise.resolve()
  .then(() => startVsCode({ tools: findTools(), userDataDir, extensionsDir, log, verbose }))
  .catch((error) => {
    log('could not start VS Code:', error instanceof Error ? error.message : error);
    return undefined;
  });
if (vscode) {
  const { page, base, authority } = vscode;
  try {
    const exited = new Promise((resolve) => void page.exposeFunction('codeAutomationExit', (/** @type {number} */ code) => resolve(code)));
    await page.exposeFunction('codeAutomationLog', (/** @type {string} */ type, /** @type {unknown[]} */ args) => {
      const line = format(...(args ?? []));
      const counted = /^\s*(\d+) (passing|failing)/.exec(line);
      if (counted?.[2] === 'passing') passed += Number(counted[1]);
      if (counted?.[2] === 'failing') failed += Number(counted[1]);
      if (verbose || !HARMLESS_NOISE.test(line)) console.log(type === 'error' ? `[ext-host error] ${line}` : line);
    });
    // The folder and the dev extension are vscode-remote:// URIs on this server (the extension host runs there).
    const remote = (/** @type {string} */ p) => `vscode-remote://${authority}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(developmentPath)],
      ['extensionTestsPath', remote(testsPath)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ]);
    log(`opening ${folder} with ${path.relative(developmentPath, testsPath)}`);
    await page.goto(`${base}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(payload)}`);
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    const timedOut = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const crashed = new Promise((resolve) => page.once('crash', () => resolve('crash')));
    const outcome = await Promise.race([exited, timedOut, crashed]);
    clearTimeout(timer);
    if (outcome === 'timeout') log(`the tests did not finish within ${timeoutMs / 1000} s`);
    else if (outcome === 'crash') log('the workbench page crashed');
    else exitCode = Number(outcome);
    log(`extension host exited with code ${outcome}`);
    const screenshot = option('screenshot') ?? (exitCode !== 0 ? path.join(os.tmpdir(), 'qkv-vscode-failure.png') : undefined);
    if (screenshot) {
      await page.screenshot({ path: screenshot }).then(() => log(`screenshot: ${screenshot}`), () => undefined);
    }
  } catch (error) {
    log('ERROR', error instanceof Error ? error.stack : error);
  } finally {
    await vscode.close();
  }
}
rmSync(scratch, { recursive: true, force: true });
if (exitCode !== 0 && failed === 0) failed = 1; // it broke before mocha could report
console.log(`${passed} passed, ${failed} failed`);
process.exit(exitCode);
