// The qkv-scope command: a summary and an export on success; a usage message and exit code 2 for bad
// arguments; a one-line message and exit code 1 when the run fails. Never a stack trace.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { packageRoot } from '../../src/model/packageRoot';
import { checkExport } from '../../shared/exportSchema';
import { fixtureDir, PIZZA } from './support';

const BIN = path.join(packageRoot(), 'bin', 'qkv-scope.js');

function cli(args: string[], input?: string) {
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input, timeout: 60_000 });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

function assertNoStack(text: string): void {
  assert.doesNotMatch(text, /\n\s+at /, 'prints a stack trace');
}

describe('qkv-scope CLI', () => {
  it('prints the summary and writes a valid export', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-cli-')), 'a.json');
    const run = cli(['--text', PIZZA, '--model', fixtureDir('tiny-gpt2'), '--out', out, '--layers', '0-1', '--heads', '1,3']);
    assert.equal(run.code, 0, run.err);
    assert.equal(run.err, '');
    assert.match(run.out, /Model: .*tiny-gpt2 \(gpt2, causal\): 2 layers × 4 heads × 8 dims/);
    assert.match(run.out, /Tokens \(12\): The \| ␣pizza \| ␣came/);
    assert.match(run.out, /L1 H3: ".+" → ".+": 0\.\d{4}/);
    const doc = checkExport(JSON.parse(fs.readFileSync(out, 'utf8')));
    assert.deepEqual(doc.layers.map((l) => l.heads.map((h) => h.head)), [[1, 3], [1, 3]]);
  });

  it('reads the text from a file or standard input', () => {
    const run = cli(['--file', '-', '--model', fixtureDir('tiny-bert')], 'The café is open.');
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /\[\[CLS\]\] \| the/);
  });

  const usageErrors: [string, string[], RegExp][] = [
    ['no text', [], /--text or --file/],
    ['both text and file', ['--text', 'a', '--file', 'b'], /either --text or --file/],
    ['an unknown option', ['--text', 'a', '--colour', 'red'], /Unknown option '--colour'/],
    ['a bad layer list', ['--text', 'a', '--layers', 'one'], /--layers takes numbers/],
    ['a backwards range', ['--text', 'a', '--heads', '3-1'], /runs backwards/],
    ['a bad token limit', ['--text', 'a', '--max-tokens', '0'], /--max-tokens takes a whole number/],
    ['a missing option value', ['--text'], /argument missing/],
  ];
  for (const [what, args, message] of usageErrors) {
    it(`exits 2 with a usage message for ${what}`, () => {
      const run = cli(args);
      assert.equal(run.code, 2);
      assert.match(run.err, message);
      assert.match(run.err, /Usage: qkv-scope/);
      assertNoStack(run.err);
    });
  }

  it('exits 2 for a layer the model does not have', () => {
    const run = cli(['--text', PIZZA, '--model', fixtureDir('tiny-gpt2'), '--out', path.join(os.tmpdir(), 'never.json'), '--layers', '5']);
    assert.equal(run.code, 2);
    assert.match(run.err, /No layer 5: the model has layers 0 to 1/);
    assertNoStack(run.err);
  });

  const runErrors: [string, string[], RegExp][] = [
    ['a missing model', ['--text', PIZZA, '--model', '/no/such/model'], /"\/no\/such\/model" was not found/],
    ['whitespace-only text', ['--text', '   '], /no text to show/],
    ['text over the token limit', ['--text', PIZZA, '--model', fixtureDir('tiny-gpt2'), '--max-tokens', '3'], /12 tokens long; the limit is 3/],
    ['a fused attention it does not open up', ['--text', PIZZA, '--model', fixtureDir('fused-unsupported')], /fused com\.microsoft\.Attention node .* uses do_rotary=1/],
    ['a model without attention', ['--text', PIZZA, '--model', fixtureDir('no-attention')], /no Softmax/],
    ['an unreadable file', ['--file', '/no/such/file.txt'], /Cannot read --file \/no\/such\/file.txt: ENOENT/],
  ];
  for (const [what, args, message] of runErrors) {
    it(`exits with one clear line for ${what}`, () => {
      const run = cli(args);
      assert.notEqual(run.code, 0);
      assert.match(run.err, message);
      assertNoStack(run.err);
      assert.equal(run.err.trim().split('\n').length, 1, run.err);
    });
  }
});
