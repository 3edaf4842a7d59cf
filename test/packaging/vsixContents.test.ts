// Runs in Node (node --test): every .vsix that `npm run package` builds holds what the extension needs at run time
// on its platform and nothing else: the bundles, the embedded model, that platform's onnxruntime binding with every
// library it loads, the WASM fallback, and no other platform's files, no sharp, no sources. Prints each size.
// Which files: <name>-<target>-<version>.vsix in the repository root (scripts/package.mjs names them).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { AttentionEngine } from '../../src/attention/attentionEngine';
import { packageRoot } from '../../src/model/packageRoot';
import { ZipArchive } from './zipArchive';

/** The script itself, not its copy under out/: it names the .vsix files relative to where it lives. */
const packaging = () =>
  import(pathToFileURL(path.join(packageRoot(), 'scripts', 'package.mjs')).href) as Promise<typeof import('../../scripts/package.mjs')>;
const BIN = 'extension/node_modules/onnxruntime-node/bin/napi-v6';
/** Uncompressed size above which something that should be pruned has probably crept in (win32: ~95 MB). */
const MAX_UNPACKED_MB = 130;

/** What each platform's binding folder must hold: the binding and the onnxruntime library it links. */
const NATIVE: Record<string, { dir: string; library: string }> = {
  'linux-x64': { dir: 'linux/x64', library: 'libonnxruntime.so.1' },
  'linux-arm64': { dir: 'linux/arm64', library: 'libonnxruntime.so.1' },
  'darwin-arm64': { dir: 'darwin/arm64', library: 'libonnxruntime.1.dylib' },
  'win32-x64': { dir: 'win32/x64', library: 'onnxruntime.dll' },
  'win32-arm64': { dir: 'win32/arm64', library: 'onnxruntime.dll' },
};

/** The packages a .vsix may carry: everything else is bundled into dist/. */
const ALLOWED_PACKAGES = /^extension\/node_modules\/(onnxruntime-node|onnxruntime-common|onnxruntime-web)\//;

const COMMON_FILES = [
  'extension/package.json', 'extension/package.nls.json', 'extension/LICENSE.txt', 'extension/readme.md',
  // French beside English (package.nls.fr.json: the manifest; l10n/: the extension and the panel).
  'extension/package.nls.fr.json', 'extension/l10n/bundle.l10n.json', 'extension/l10n/bundle.l10n.fr.json',
  'extension/dist/extension.js', 'extension/dist/engineWorker.js', 'extension/dist/exportWorker.js',
  'extension/dist/webview.js', 'extension/dist/webview.css',
  'extension/models/config.json', 'extension/models/tokenizer.json', 'extension/models/onnx/model.onnx',
  'extension/media/icon.png', 'extension/media/walkthrough/show-attention.png',
  // The nanoGPT converter (Open a nanoGPT checkpoint…), run with the user's Python.
  'extension/tools/from_nanogpt.py', 'extension/tools/nanogpt/export.py', 'extension/tools/modeling.py', 'extension/tools/ort_logits.cjs',
  // The WASM fallback (src/attention/ortBackend.ts), in every .vsix.
  'extension/node_modules/onnxruntime-web/package.json', 'extension/node_modules/onnxruntime-web/dist/ort.node.min.js',
  'extension/node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.mjs',
  'extension/node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm',
  'extension/node_modules/onnxruntime-web/node_modules/onnxruntime-common/dist/cjs/index.js',
  'extension/node_modules/onnxruntime-web/node_modules/onnxruntime-common/dist/cjs/package.json',
];

/** Library file names that a native file names in its bytes (ELF DT_NEEDED, Mach-O @rpath, PE imports). */
function librariesNamedIn(bytes: Buffer): Set<string> {
  const text = bytes.toString('latin1');
  const names = new Set<string>();
  for (const [, name] of text.matchAll(/(?:@rpath\/)?([A-Za-z0-9_.+-]+\.(?:so(?:\.\d+)*|dylib|dll))\b/gi)) names.add(name);
  return names;
}

describe('npm run package', async () => {
 const { TARGETS, vsixName } = await packaging();
 for (const target of Object.keys(TARGETS)) {
  describe(`the ${target} .vsix`, () => {
    let vsix: ZipArchive;
    let names: string[];
    let file: string;
    const native = NATIVE[target];

    before(() => {
      file = path.join(packageRoot(), vsixName(target));
      assert.ok(fs.existsSync(file), `${file} does not exist: run npm run package first`);
      vsix = ZipArchive.open(file);
      names = vsix.entries.map((e) => e.name);
      const unpacked = vsix.entries.reduce((sum, e) => sum + e.size, 0);
      console.log(`${path.basename(file)}: ${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MB, ` +
        `${(unpacked / 2 ** 20).toFixed(1)} MB unpacked, ${names.length} files`);
    });

    it(native ? `is built for ${target}` : 'runs on every platform', () => {
      const manifest = vsix.read('extension.vsixmanifest').toString('utf8');
      if (native) assert.match(manifest, new RegExp(`TargetPlatform="${target}"`));
      else assert.doesNotMatch(manifest, /TargetPlatform=/);
    });

    it('holds the bundles, the embedded model and the WASM fallback', () => {
      const missing = COMMON_FILES.filter((name) => !vsix.has(name));
      assert.deepEqual(missing, [], `missing: ${missing.join(', ')}`);
      const manifest = JSON.parse(vsix.read('extension/package.json').toString('utf8')) as { main: string };
      assert.ok(vsix.has(`extension/${path.posix.normalize(manifest.main)}`), `main ${manifest.main} is not in the .vsix`);
    });

    if (native) {
      it(`holds the ${target} binding and every library it loads`, () => {
        const dir = `${BIN}/${native.dir}`;
        const binding = `${dir}/onnxruntime_binding.node`;
        for (const required of [binding, `${dir}/${native.library}`, 'extension/node_modules/onnxruntime-node/dist/index.js',
          'extension/node_modules/onnxruntime-common/dist/cjs/index.js',
            'extension/node_modules/onnxruntime-common/dist/cjs/package.json']) {
          assert.ok(vsix.has(required), `${required} is missing`);
        }
        // Every library that the binding or onnxruntime names and that onnxruntime-node ships for this platform travels too.
        const npmDir = path.join(packageRoot(), 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', ...native.dir.split('/'));
        const shippedByNpm = new Set(fs.readdirSync(npmDir));
        const missing: string[] = [];
        for (const name of [binding, `${dir}/${native.library}`]) {
          for (const library of librariesNamedIn(vsix.read(name))) {
            if (shippedByNpm.has(library) &&
              !vsix.has(`${dir}/${library}`)) missing.push(`${library} (named by ${path.posix.basename(name)})`);
          }
        }
        assert.deepEqual(missing, []);
        assert.ok(librariesNamedIn(vsix.read(binding)).has(native.library), `the binding does not name ${native.library}`);
      });
    } else {
      it('has no native code at all', () => {
        assert.deepEqual(names.filter((n) => n.includes('/onnxruntime-node/') || /\.(node|so(\.\d+)*|dylib|dll|exe)$/.test(n)), []);
      });
    }

    it('has no other platform\'s files, no sharp and no package the bundles already hold', () => {
      const own = native ? `${BIN}/${native.dir}/` : '\0';
      const wrong = names.filter((n) => (n.startsWith(`${BIN}/`) && !n.startsWith(own))
        || (n.startsWith('extension/node_modules/') && !ALLOWED_PACKAGES.test(n))
        || /sharp|libvips|@img\//.test(n));
      assert.deepEqual(wrong, []);
    });

    it('leaves out sources, tests, tools (but the nanoGPT converter), type declarations and source maps', () => {
      const converter = /^extension\/tools\/(from_nanogpt\.py|nanogpt\/\w+\.py|modeling\.py|ort_logits\.cjs)$/;
      const leftOut = { test: (n: string) => /^extension\/(src|shared|webview|test|tools|bench|scripts|out|bin|\.ci|\.vscode)\//.test(n) && !converter.test(n) };
      const docs = (n: string) => n.startsWith('extension/docs/') && n !== 'extension/docs/screenshots/vscode-panel.png';
      const wrong = names.filter((n) => leftOut.test(n) || docs(n) || /\.(ts|map)$/.test(n) || n.endsWith('/tsconfig.json')
        || n === 'extension/dist/cli.js' || n === 'extension/esbuild.mjs' || n === 'extension/package-lock.json');
      assert.deepEqual(wrong, []);
    });

    const runsHere = target === 'universal' ? 'wasm' : target === `${process.platform}-${process.arch}` ? 'native' : undefined;
    if (runsHere) {
      it(`runs the embedded model from its own files, on ${runsHere === 'wasm' ? 'the WASM fallback' : 'the native binding'}`, async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), `qkv-vsix-${target}-`));
        try {
          for (const entry of vsix.entries.filter((e) => e.name.startsWith('extension/'))) {
            const to = path.join(dir, ...entry.name.split('/'));
            fs.mkdirSync(path.dirname(to), { recursive: true });
            fs.writeFileSync(to, vsix.read(entry.name));
          }
          const backends: string[] = [];
          const engine = new AttentionEngine(path.join(dir, 'extension', 'dist', 'engineWorker.js'), (b) => backends.push(b.name));
          try {
            const result = await engine.run({ text: 'The pizza came out of the oven and it tasted good.', model: 'embedded',
              maxTokens: 512 });
            assert.equal(result.tokens.length, 12);
            assert.deepEqual(backends, [runsHere]);
          } finally {
            await engine.dispose();
          }
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      });
    }

    it(`stays under ${MAX_UNPACKED_MB} MB unpacked`, () => {
      const unpacked = vsix.entries.reduce((sum, e) => sum + e.size, 0) / 2 ** 20;
      assert.ok(unpacked < MAX_UNPACKED_MB, `${unpacked.toFixed(1)} MB unpacked`);
    });
  });
}
});
