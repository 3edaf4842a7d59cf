// Runs in Node (node --test): `npm pack` makes a tarball that holds the CLI, its bundles and the embedded model and
// nothing else, and that installs globally (into a temporary prefix, from a folder outside the repository, so
// the project's .npmrc does not apply) and runs `qkv-scope` on the embedded model.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { packageRoot } from '../../src/model/packageRoot';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function npm(args: string[], cwd: string) {
  const run = spawnSync(NPM, args, { cwd, encoding: 'utf8', timeout: 300_000, shell: process.platform === 'win32' });
  assert.equal(run.status, 0, `npm ${args.join(' ')} failed:\n${run.stderr}`);
  return run.stdout;
}

describe('the npm tarball', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-npm-pack-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  let tarball = '';

  it('holds the command, its bundles and the embedded model, and no sources, tests or tools', () => {
    const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], packageRoot())) as
      { filename: string; size: number; files: { path: string }[] }[];
    tarball = path.join(dir, packed.filename);
    const files = packed.files.map((f) => f.path).sort();
    console.log(`${packed.filename}: ${(packed.size / 2 ** 20).toFixed(1)} MB, ${files.length} files`);
    for (const needed of ['package.json', 'README.md', 'LICENSE', 'bin/qkv-scope.js', 'dist/cli.js', 'dist/engineWorker.js',
      'models/config.json', 'models/tokenizer.json', 'models/onnx/model.onnx']) {
      assert.ok(files.includes(needed), `${needed} is missing`);
    }
    assert.deepEqual(files.filter((f) => !/^(package\.json|README\.md|LICENSE|bin\/qkv-scope\.js|dist\/(cli|engineWorker)\.js|models\/.+)$/.test(f)), []);
  });

  it('installs globally and runs qkv-scope on the embedded model', () => {
    assert.ok(tarball, 'the tarball was not made');
    const prefix = path.join(dir, 'prefix');
    // The README's command; the flag keeps onnxruntime-node from downloading CUDA libraries it does not need.
    npm(['install', '--global', '--prefix', prefix, tarball, '--onnxruntime-node-install=skip'], dir);
    const bin = process.platform === 'win32' ? path.join(prefix, 'qkv-scope.cmd') : path.join(prefix, 'bin', 'qkv-scope');
    const run = spawnSync(bin, ['--text', 'The pizza came out of the oven and it tasted good.'],
      { cwd: dir, encoding: 'utf8', timeout: 120_000, shell: process.platform === 'win32' });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '', 'runs on the native binding, silently');
    assert.match(run.stdout, /^Model: embedded \(gpt2, causal\): 2 layers × 4 heads × 16 dims$/m);
    assert.match(run.stdout, /^Tokens \(12\): The \| ␣pizza/m);
  });
});
