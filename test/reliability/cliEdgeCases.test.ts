// The qkv-scope command under hostile but realistic use: absurd arguments, broken model folders, terminal escapes,
// huge input, a closed pipe, Ctrl-C in the middle of an export. One clear sentence, the right exit code, nothing
// half-written, and no stack trace.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { packageRoot } from '../../src/model/packageRoot';
import { fixtureDir, PIZZA } from '../unit/support';

/** QKV_SCOPE_BIN runs the same cases against another build (how the before/after table was measured). */
const BIN = process.env.QKV_SCOPE_BIN ?? path.join(packageRoot(), 'bin', 'qkv-scope.js');
const GPT2 = fixtureDir('tiny-gpt2');

function cli(args: readonly string[], options: { input?: string; cwd?: string } = {}) {
  const started = Date.now();
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000, ...options });
  return { code: run.status, out: run.stdout, err: run.stderr, ms: Date.now() - started };
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-edge-'));

/** A copy of a fixture model with some files replaced. */
function brokenModel(name: string, change: (dir: string) => void): string {
  const dir = path.join(tmp(), name);
  fs.cpSync(fixtureDir(name), dir, { recursive: true });
  change(dir);
  return dir;
}

function assertOneClearLine(err: string): void {
  assert.doesNotMatch(err, /\n\s+at /, 'a stack trace');
  assert.doesNotMatch(err, /^Error:|\bTypeError\b|\bRangeError\b/m, 'a raw error');
}

describe('qkv-scope edge cases', { concurrency: 3 }, () => {
  it('--heads 1-99999999 is refused at once, without expanding the range', () => {
    const run = cli(['--text', PIZZA, '--model', GPT2, '--heads', '1-99999999']);
    assert.equal(run.code, 2, run.err);
    assert.match(run.err, /--heads: 1-99999999 goes past 9999/);
    assert.ok(run.ms < 10_000);
  });

  const broken: [string, string, (dir: string) => void, RegExp][] = [
    ['config.json is null', 'tiny-gpt2', (d) => fs.writeFileSync(path.join(d, 'config.json'), 'null'), /config\.json is not a JSON object/],
    ['onnx/model.onnx is a folder', 'tiny-gpt2', (d) => {
      fs.rmSync(path.join(d, 'onnx', 'model.onnx'));
      fs.mkdirSync(path.join(d, 'onnx', 'model.onnx'));
    }, /cannot read .*model\.onnx \(EISDIR\)/],
  ];
  for (const [what, name, change, message] of broken) {
    it(`a model whose ${what}: one clear line, exit 1`, () => {
      const run = cli(['--text', PIZZA, '--model', brokenModel(name, change)]);
      assert.equal(run.code, 1, run.err);
      assert.match(run.err, message);
      assertOneClearLine(run.err);
    });
  }

  it('a model whose weights are NaN is an error naming the layer and head', () => {
    const dir = brokenModel('tiny-gpt2', (d) => {
      const graph = path.join(d, 'onnx', 'model.onnx');
      const bytes = fs.readFileSync(graph);
      // Every float32 1.0 in the weights (LayerNorm gains among them) becomes NaN.
      const one = Buffer.from([0x00, 0x00, 0x80, 0x3f]);
      for (let at = bytes.indexOf(one); at >= 0; at = bytes.indexOf(one, at + 4)) bytes.writeUInt32LE(0x7fc00000, at);
      fs.writeFileSync(graph, bytes);
    });
    const run = cli(['--text', PIZZA, '--model', dir]);
    assert.equal(run.code, 1, run.out + run.err);
    assert.match(run.err, /non-finite attention weight .* in layer \d+, head \d+/);
  });

  it('a BERT whose config says gpt2 is exported bidirectional, as its attention is', () => {
    const dir = brokenModel('tiny-bert', (d) => {
      const config = JSON.parse(fs.readFileSync(path.join(d, 'config.json'), 'utf8')) as Record<string, unknown>;
      fs.writeFileSync(path.join(d, 'config.json'), JSON.stringify({ ...config, model_type: 'gpt2' }));
    });
    const out = path.join(tmp(), 'a.json');
    const run = cli(['--text', PIZZA, '--model', dir, '--out', out]);
    assert.equal(run.code, 0, run.err);
    const { model } = JSON.parse(fs.readFileSync(out, 'utf8')) as { model: { causal: boolean; notes?: string[] } };
    assert.equal(model.causal, false);
    // The graph builds no causal mask and the weights read later keys: config.json is named as the one that is wrong.
    assert.deepEqual(model.notes, ['config.json describes a causal model, but its graph and its attention read later keys: ' +
      'shown as bidirectional.']);
    assert.match(run.out, /^Note: config\.json describes a causal model/m);
  });

  it('a wrong num_key_value_heads does not change which heads share K/V', () => {
    const dir = brokenModel('tiny-llama', (d) => {
      const config = JSON.parse(fs.readFileSync(path.join(d, 'config.json'), 'utf8')) as Record<string, unknown>;
      fs.writeFileSync(path.join(d, 'config.json'), JSON.stringify({ ...config, num_key_value_heads: 1 }));
    });
    const out = path.join(tmp(), 'a.json');
    const run = cli(['--text', PIZZA, '--model', dir, '--out', out]);
    assert.equal(run.code, 0, run.err);
    const { model } = JSON.parse(fs.readFileSync(out, 'utf8')) as { model: { kv_head_of: number[]; notes?: string[] } };
    assert.deepEqual(model.kv_head_of, [0, 0, 1, 1]);
    assert.deepEqual(model.notes, ['config.json says 1 K/V heads, but the graph computes 2: shown as the graph computes.']);
  });

  const paths: [string, (dir: string) => string[], RegExp][] = [
    ['--out under a regular file', (d) => (fs.writeFileSync(path.join(d, 'f'), ''), ['--out', path.join(d, 'f', 'a.json')]), /is a file, not a folder/],
    ['--out in a missing folder', (d) => ['--out', path.join(d, 'nope', 'a.json')], /does not exist/],
    ['--cache-dir that is a file', (d) => (fs.writeFileSync(path.join(d, 'f'), ''), ['--cache-dir', path.join(d, 'f')]), /is a file, not a folder/],
    ['--layers the model lacks', (d) => ['--out', path.join(d, 'a.json'), '--layers', '5'], /No layer 5: the model has layers 0 to 1/],
  ];
  for (const [what, args, message] of paths) {
    it(`${what}: refused before the model runs, exit 2`, () => {
      const run = cli(['--text', PIZZA, '--model', GPT2, ...args(tmp())]);
      assert.equal(run.code, 2, run.err);
      assert.match(run.err, message);
      assert.equal(run.out, '', 'the model ran first');
      assertOneClearLine(run.err);
    });
  }

  it('empty input exits 2', () => {
    assert.equal(cli(['--text', ' \n ', '--model', GPT2]).code, 2);
  });

  it('a 200 MB --file is refused without reading it, before any model loads', () => {
    const file = path.join(tmp(), 'big.txt');
    fs.closeSync(fs.openSync(file, 'w'));
    fs.truncateSync(file, 200e6); // sparse: nothing to read
    const run = cli(['--file', file, '--model', GPT2]);
    assert.equal(run.code, 1, run.err);
    assert.match(run.err, /is 200\.0 MB; QKV Scope reads at most 1 MiB/);
    assert.ok(run.ms < 10_000, `${run.ms} ms`);
  });

  it('text over the token limit is refused by the tokenizer alone, even when the graph is unreadable', () => {
    const dir = brokenModel('tiny-gpt2', (d) => fs.writeFileSync(path.join(d, 'onnx', 'model.onnx'), 'not a graph'));
    const file = path.join(tmp(), 'long.txt');
    fs.writeFileSync(file, 'word '.repeat(100_000));
    const run = cli(['--file', file, '--model', dir]);
    assert.equal(run.code, 1, run.err);
    assert.match(run.err, /more than 128 tokens long .* reads at most 128 positions/);
  });

  it('terminal escapes in the text are shown escaped, never sent to the terminal', () => {
    const run = cli(['--text', 'Hi \x1b]0;pwned\x07 there \x1b[31mred\x1b[0m and \x9b2J', '--model', GPT2]);
    assert.equal(run.code, 0, run.err);
    // eslint-disable-next-line no-control-regex -- the test looks for raw control characters
    assert.doesNotMatch(run.out, /[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    assert.match(run.out, /\\x1B/);
  });

  it('replacing an export keeps its mode, and writes through a symlink to its target', () => {
    const dir = tmp();
    const real = path.join(dir, 'real.json');
    fs.writeFileSync(real, '{}', { mode: 0o600 });
    fs.chmodSync(real, 0o600);
    fs.symlinkSync('real.json', path.join(dir, 'link.json'));
    assert.equal(cli(['--text', PIZZA, '--model', GPT2, '--out', path.join(dir, 'link.json')]).code, 0);
    assert.ok(fs.lstatSync(path.join(dir, 'link.json')).isSymbolicLink());
    assert.equal(fs.statSync(real).mode & 0o777, 0o600);
    assert.match(fs.readFileSync(real, 'utf8'), /"format"/);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['link.json', 'real.json']);
  });

  it('a stale temporary file of a dead process is swept; another name is left alone', () => {
    const dir = tmp();
    const stale = path.join(dir, '.a.json.999999.1700000000000.tmp');
    const other = path.join(dir, '.b.json.999999.1700000000000.tmp');
    fs.writeFileSync(stale, 'half');
    fs.writeFileSync(other, 'not ours to judge');
    assert.equal(cli(['--text', PIZZA, '--model', GPT2, '--out', path.join(dir, 'a.json')]).code, 0);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['.b.json.999999.1700000000000.tmp', 'a.json']);
  });

  for (const [what, pipeTo] of [['| head -1', 'head -1'], ['--out x.json | true', 'true']] as const) {
    it(`${what}: no crash, and the export is whole`, () => {
      const dir = tmp();
      const out = path.join(dir, 'x.json');
      const command = `"${process.execPath}" "${BIN}" --text "${PIZZA}" --model "${fixtureDir('wide-gpt2')}" --out "${out}" | ${pipeTo}; ` +
        `echo "status=\${PIPESTATUS[0]}" >&2`;
      const run = spawnSync('bash', ['-c', command], { encoding: 'utf8', timeout: 60_000 });
      assert.match(run.stderr, /status=0/, run.stderr);
      assert.doesNotMatch(run.stderr, /EPIPE|Unhandled/);
      assert.doesNotThrow(() => JSON.parse(fs.readFileSync(out, 'utf8')));
      assert.deepEqual(fs.readdirSync(dir), ['x.json']);
    });
  }

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} during an export leaves no file of ours`, async () => {
      const dir = tmp();
      const text = 'The pizza came out of the oven and it tasted good. '.repeat(40);
      const child = spawn(process.execPath, [BIN, '--text', text, '--model', fixtureDir('wide-gpt2'), '--out', path.join(dir, 'x.json')],
        { stdio: 'ignore' });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const end = Date.now() + 30_000;
      while (!fs.readdirSync(dir).some((f) => f.endsWith('.tmp')) && Date.now() < end) await new Promise((r) => setTimeout(r, 2));
      child.kill(signal);
      const code = await exited;
      assert.deepEqual(fs.readdirSync(dir).filter((f) => f !== 'x.json'), [], 'a temporary file was left');
      if (!fs.existsSync(path.join(dir, 'x.json'))) assert.equal(code, signal === 'SIGINT' ? 130 : 143);
    });
  }
});
