// Runs in Node (node --test): the browser finder the webview and VS Code tests share finds Chromium or Chrome where
// each platform keeps it, and without one says, in one sentence, how to get one.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../../src/model/packageRoot';

type Finder = typeof import('../../scripts/findBrowser.mjs');
const finder = (): Promise<Finder> => import('../../scripts/findBrowser.mjs');
const SCRIPT = path.join(packageRoot(), 'scripts', 'findBrowser.mjs');

/** An `exists` that sees only the given files. */
const only = (...files: string[]) => (file: string) => files.includes(file);

test('CHROMIUM wins, and a CHROMIUM that is not there is named', async () => {
  const { findBrowser } = await finder();
  const browser = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-browser-')), 'my-chrome');
  fs.writeFileSync(browser, '');
  assert.equal(findBrowser({ env: { CHROMIUM: browser }, exists: fs.existsSync }), browser);
  assert.throws(() => findBrowser({ env: { CHROMIUM: `${browser}-gone` }, exists: fs.existsSync }), /CHROMIUM is set to .*my-chrome-gone, which does not exist/);
});

test('each platform finds its usual browsers, Chromium before Chrome before Playwright', async () => {
  const { findBrowser } = await finder();
  const pw = '/home/me/.cache/ms-playwright/chromium-1/chrome-linux64/chrome';
  const linux = { platform: 'linux' as const, env: { PATH: '/usr/local/bin:/opt/bin' }, home: '/home/me', playwrightPath: pw };
  assert.equal(findBrowser({ ...linux, exists: only('/usr/bin/chromium', pw) }), '/usr/bin/chromium');
  assert.equal(findBrowser({ ...linux, exists: only('/usr/bin/chromium-browser') }), '/usr/bin/chromium-browser');
  assert.equal(findBrowser({ ...linux, exists: only('/opt/bin/google-chrome', pw) }), '/opt/bin/google-chrome');
  assert.equal(findBrowser({ ...linux, exists: only('/opt/google/chrome/chrome') }), '/opt/google/chrome/chrome');
  assert.equal(findBrowser({ ...linux, exists: only(pw) }), pw);

  const mac = { platform: 'darwin' as const, env: {}, home: '/Users/me', playwrightPath: '' };
  const chrome = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
  assert.equal(findBrowser({ ...mac, exists: only(chrome) }), chrome);
  const userChromium = '/Users/me/Applications/Chromium.app/Contents/MacOS/Chromium';
  assert.equal(findBrowser({ ...mac, exists: only(userChromium) }), userChromium);

  const win = { platform: 'win32' as const, home: 'C:\\Users\\me', playwrightPath: '' };
  const winChrome = 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe';
  const edge = 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe';
  const env = { PROGRAMFILES: 'C:\\Program Files', 'PROGRAMFILES(X86)': 'C:\\Program Files (x86)', Path: 'C:\\tools' };
  assert.equal(findBrowser({ ...win, env, exists: only(edge, winChrome) }), winChrome);
  assert.equal(findBrowser({ ...win, env, exists: only(edge) }), edge);
  assert.equal(findBrowser({ ...win, env, exists: only('C:\\tools\\chrome.exe') }), 'C:\\tools\\chrome.exe');
});

test('with no browser anywhere, one sentence says how to get one', async () => {
  const { findBrowser, NO_BROWSER_MESSAGE } = await finder();
  for (const platform of ['linux', 'darwin', 'win32'] as const) {
    assert.throws(() => findBrowser({ platform, env: { PATH: '/bin' }, home: '/h', exists: () => false }), { message: NO_BROWSER_MESSAGE });
  }
  assert.match(NO_BROWSER_MESSAGE, /apt-get install chromium.*Google Chrome.*playwright-core install chromium.*CHROMIUM/);
  assert.equal(NO_BROWSER_MESSAGE.split(/\.\s/).length, 1, 'one sentence');
});

test('the script prints this machine’s browser, and fails with one line on a wrong CHROMIUM', () => {
  const found = execFileSync(process.execPath, [SCRIPT], { encoding: 'utf8' }).trim();
  assert.ok(fs.existsSync(found), found);
  const wrong = spawnSync(process.execPath, [SCRIPT, '--quiet'],
    { encoding: 'utf8', env: { ...process.env, CHROMIUM: '/nowhere/chrome' } });
  assert.equal(wrong.status, 1);
  assert.equal(wrong.stdout, '');
  assert.equal(wrong.stderr, 'CHROMIUM is set to /nowhere/chrome, which does not exist.\n');
});
