// The linux-x64 .vsix that `npm run package` builds holds what the extension needs at run time and nothing else:
// the bundles, the embedded model, the production dependencies it loads (with linux-x64 binaries only), no sources.
// Which .vsix: $QKV_VSIX, else <name>-linux-x64-<version>.vsix in the repository root (vsce's default name).
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { packageRoot } from '../../src/model/packageRoot';
import { ZipArchive } from './zipArchive';

const TARGET = 'linux-x64';
/** Uncompressed size above which something that should be pruned has probably crept in (today: ~70 MB + the model). */
const MAX_UNPACKED_MB = 150;

function vsixPath(): string {
  if (process.env.QKV_VSIX) return path.resolve(process.env.QKV_VSIX);
  const manifest = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { name: string; version: string };
  return path.join(packageRoot(), `${manifest.name}-${TARGET}-${manifest.version}.vsix`);
}

/** Packages named by `require("…")` string literals in a script: node built-ins, relative paths and vscode left out. */
function requiredPackages(source: string): string[] {
  const names = new Set<string>();
  for (const [, spec] of source.matchAll(/\brequire\(\s*["']([^"'./][^"']*)["']\s*\)/g)) {
    if (spec === 'vscode' || spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0])) continue;
    const parts = spec.split('/');
    names.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
  }
  return [...names].sort();
}

describe(`the ${TARGET} .vsix`, () => {
  let vsix: ZipArchive;
  let names: string[];
  const file = vsixPath();

  before(() => {
    assert.ok(fs.existsSync(file), `${file} does not exist: run npm run package first`);
    vsix = ZipArchive.open(file);
    names = vsix.entries.map((e) => e.name);
    const unpacked = vsix.entries.reduce((sum, e) => sum + e.size, 0);
    console.log(`${path.basename(file)}: ${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MB, ` +
      `${(unpacked / 2 ** 20).toFixed(1)} MB unpacked, ${names.length} files`);
  });

  it(`is built for ${TARGET}`, () => {
    const manifest = vsix.read('extension.vsixmanifest').toString('utf8');
    assert.match(manifest, new RegExp(`TargetPlatform="${TARGET}"`));
  });

  it('holds the bundles, the embedded model and the native runtime', () => {
    const required = [
      'extension/package.json',
      'extension/package.nls.json',
      'extension/package.nls.fr.json',
      'extension/l10n/bundle.l10n.json',
      'extension/l10n/bundle.l10n.fr.json',
      'extension/LICENSE.txt',
      'extension/dist/extension.js',
      'extension/dist/engineWorker.js',
      'extension/dist/exportWorker.js',
      'extension/dist/webview.js',
      'extension/dist/webview.css',
      'extension/models/config.json',
      'extension/models/tokenizer.json',
      'extension/models/onnx/model.onnx',
      'extension/tools/from_nanogpt.py',
      'extension/tools/nanogpt/export.py',
      'extension/tools/modeling.py',
      'extension/tools/ort_logits.cjs',
      'extension/node_modules/@huggingface/transformers/package.json',
      'extension/node_modules/@huggingface/transformers/dist/transformers.node.cjs',
      'extension/node_modules/onnxruntime-node/package.json',
      'extension/node_modules/onnxruntime-node/dist/index.js',
      'extension/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
      'extension/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1',
      'extension/node_modules/onnxruntime-common/dist/cjs/index.js',
      'extension/node_modules/sharp/dist/index.cjs',
    ];
    const missing = required.filter((name) => !vsix.has(name));
    assert.deepEqual(missing, [], `missing from the .vsix: ${missing.join(', ')}`);
    assert.ok(names.some((n) => /^extension\/node_modules\/@img\/sharp-linux-x64\/.*\.node$/.test(n)), 'sharp\'s linux-x64 binding is missing');
    assert.ok(names.some((n) => /^extension\/node_modules\/@img\/sharp-libvips-linux-x64\/lib\/libvips/.test(n)), 'libvips for linux-x64 is missing');
  });

  it('has the main script that package.json names', () => {
    const manifest = JSON.parse(vsix.read('extension/package.json').toString('utf8')) as { main: string };
    assert.ok(vsix.has(`extension/${path.posix.normalize(manifest.main)}`), `main ${manifest.main} is not in the .vsix`);
  });

  it('holds every package that the bundles and transformers.js load at run time', () => {
    const scripts = ['dist/extension.js', 'dist/engineWorker.js', 'dist/exportWorker.js',
      'node_modules/@huggingface/transformers/dist/transformers.node.cjs'];
    const missing: string[] = [];
    for (const script of scripts) {
      for (const pkg of requiredPackages(vsix.read(`extension/${script}`).toString('utf8'))) {
        if (!vsix.has(`extension/node_modules/${pkg}/package.json`)) missing.push(`${pkg} (required by ${script})`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('leaves out sources, tests, tools (but the nanoGPT converter) and source maps', () => {
    const converter = /^extension\/tools\/(from_nanogpt\.py|nanogpt\/\w+\.py|modeling\.py|ort_logits\.cjs)$/;
    const leftOut = (n: string) => /^extension\/(src|shared|webview|test|tools|bench|scripts|out|bin|\.ci)\//.test(n) && !converter.test(n);
    const docs = (n: string) => n.startsWith('extension/docs/') && n !== 'extension/docs/screenshots/vscode-panel.png';
    const wrong = names.filter((n) => leftOut(n) || docs(n) || /\.(ts|map)$/.test(n) || n.endsWith('/tsconfig.json')
      || n === 'extension/dist/cli.js' || n === 'extension/esbuild.mjs' || n === 'extension/package-lock.json');
    assert.deepEqual(wrong, []);
  });

  it('has no binaries for other platforms, and no onnxruntime-web', () => {
    const wrong = names.filter((n) =>
      /\/napi-v6\/(darwin|win32)\//.test(n) || /\/napi-v6\/linux\/(?!x64\/)/.test(n) || /\.(dll|dylib|exe)$/.test(n)
      || /\/@img\/sharp-(?!linux-x64|libvips-linux-x64)[^/]*\//.test(n) || n.includes('/node_modules/onnxruntime-web/'));
    assert.deepEqual(wrong, []);
  });

  it(`stays under ${MAX_UNPACKED_MB} MB unpacked`, () => {
    const unpacked = vsix.entries.reduce((sum, e) => sum + e.size, 0) / 2 ** 20;
    assert.ok(unpacked < MAX_UNPACKED_MB, `${unpacked.toFixed(1)} MB unpacked`);
  });
});
