// @ts-check
// Runs in Node (build tooling): `npm run package`. One .vsix per platform
// onnxruntime-node ships a binding for, each with only that platform's binding and libraries, and a universal
// .vsix with no native code at all (the WASM fallback runs there). The production bundles are built first,
// once. Each uses .vscodeignore plus the lines for its target, written to a temporary ignore file.
// `node scripts/package.mjs linux-x64` builds only the targets named.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = 'node_modules/onnxruntime-node/bin/napi-v6';

/**
 * Every target: the vsce --target name (none for universal) and the files of onnxruntime-node/bin it keeps.
 * @type {Record<string, { vsceTarget?: string, keep: string[] }>}
 */
export const TARGETS = {
  'linux-x64': { vsceTarget: 'linux-x64', keep: [`${BIN}/linux/x64/*`] },
  'linux-arm64': { vsceTarget: 'linux-arm64', keep: [`${BIN}/linux/arm64/*`] },
  // The binding links @rpath/libonnxruntime.1.dylib; libonnxruntime.1.30.0.dylib is the same 44 MB library under its
  // versioned name (npm has no symlinks), and nothing loads it.
  'darwin-arm64': { vsceTarget: 'darwin-arm64',
    keep: [`${BIN}/darwin/arm64/onnxruntime_binding.node`, `${BIN}/darwin/arm64/libonnxruntime.1.dylib`] },
  // onnxruntime.dll loads DirectML.dll, and its WebGPU provider dxcompiler.dll and dxil.dll: all of them stay.
  'win32-x64': { vsceTarget: 'win32-x64', keep: [`${BIN}/win32/x64/*`] },
  'win32-arm64': { vsceTarget: 'win32-arm64', keep: [`${BIN}/win32/arm64/*`] },
  universal: { keep: [] },
};

/** The JavaScript half of onnxruntime-node, for every native target; the universal .vsix has none of it. */
const NATIVE_PACKAGE = ['node_modules/onnxruntime-node/package.json', 'node_modules/onnxruntime-node/dist/*.js'];

/** @param {string} target */
export function vsixName(target) {
  const { name, version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  return `${name}-${target}-${version}.vsix`;
}

/**
 * One vsce run, its stdout dropped (it lists nothing useful) and its stderr kept.
 * @param {string[]} args
 * @returns {Promise<void>}
 */
function vsce(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), ...args], {
      cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, QKV_BUNDLES_BUILT: '1' },
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vsce ${args.join(' ')} failed (exit ${code})`))));
  });
}

/** @param {string} target @param {string} temp @param {string} base */
async function packageTarget(target, temp, base) {
  const { vsceTarget, keep } = TARGETS[target];
  const ignoreFile = path.join(temp, `${target}.vscodeignore`);
  const kept = [...(vsceTarget ? NATIVE_PACKAGE : []), ...keep].map((glob) => `!${glob}`);
  writeFileSync(ignoreFile, [base, `# ${target}`, ...kept, ''].join('\n'));
  const out = vsixName(target);
  const t0 = Date.now();
  await vsce(['package', ...(vsceTarget ? ['--target', vsceTarget] : []), '--ignoreFile', ignoreFile,
    '--no-rewrite-relative-links', '--out', out]);
  const mb = statSync(path.join(ROOT, out)).size / 2 ** 20;
  console.log(`${out}: ${mb.toFixed(1)} MB (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

async function main() {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((t) => !(t in TARGETS));
  if (unknown.length > 0) throw new Error(`Unknown target ${unknown.join(', ')}; the targets are ${Object.keys(TARGETS).join(', ')}.`);
  const queue = wanted.length > 0 ? [...wanted] : Object.keys(TARGETS);
  const count = queue.length;
  const base = readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8');
  const temp = mkdtempSync(path.join(os.tmpdir(), 'qkv-package-'));
  const started = Date.now();
  try {
    // Bundles once, before the vsce runs read them (QKV_BUNDLES_BUILT makes their vscode:prepublish a no-op).
    execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    // vsce spends most of its time waiting on `npm list`: three at a time roughly halves the wall time.
    const worker = async () => {
      for (let target = queue.shift(); target; target = queue.shift()) await packageTarget(target, temp, base);
    };
    // All three finish before the temporary folder goes; the first failure is the one reported.
    const failed = (await Promise.allSettled([worker(), worker(), worker()])).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    console.log(`${count} .vsix in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
