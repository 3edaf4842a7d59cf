// A nanoGPT checkpoint in QKV Scope: the converted character fixture through the engine (exact character offsets,
// characters it cannot spell refused), and tools/from_nanogpt.py itself where Debian's torch is installed.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { AttentionEngine } from '../../src/attention/attentionEngine';
import { checkPython, convertCheckpoint, MetaNeeded } from '../../src/model/nanogpt/convertCheckpoint';
import { packageRoot } from '../../src/model/packageRoot';
import { fixtureDir } from './support';

const engine = new AttentionEngine();
after(() => engine.dispose());

const SHAKESPEARE = 'First Citizen:\nBefore we proceed any further, hear me speak.';

describe('nanoGPT character model (nanogpt-char)', () => {
  it('reads a line of Shakespeare one character per token, each token spanning exactly its character', async () => {
    const r = await engine.run({ text: SHAKESPEARE, model: fixtureDir('nanogpt-char'), maxTokens: 512 });
    assert.equal(r.model.architecture, 'gpt2');
    assert.equal(r.model.causal, true);
    assert.equal(r.tokens.length, SHAKESPEARE.length);
    r.tokens.forEach((t, i) => {
      assert.deepEqual([t.start, t.end, t.piece], [i, i + 1, SHAKESPEARE[i]], `token ${i}`);
    });
    assert.equal(r.tokens[14].display, '↵');
  });

  it('refuses characters its vocabulary cannot spell, naming them, instead of dropping them', async () => {
    await assert.rejects(engine.run({ text: 'Café, où es-tu ?', model: fixtureDir('nanogpt-char'), maxTokens: 512 }),
      /has no token for "é", "ù": its vocabulary cannot spell this text/);
  });
});

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch, onnx, numpy'], { stdio: 'ignore' }).status === 0;
const skipConverter = hasTorch ? false : `${PYTHON} with torch, onnx and numpy is not installed (apt install python3-torch python3-onnx)`;

describe('tools/from_nanogpt.py', { skip: skipConverter }, () => {
  const tools = path.join(packageRoot(), 'tools');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-nanogpt-'));
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  /** Saves a tiny nanoGPT-format checkpoint with tools/nanogpt/tiny_checkpoint.py. */
  function tinyCheckpoint(name: string, options: string): string {
    const ckpt = path.join(scratch, `${name}.pt`);
    execFileSync(PYTHON, ['-c', `import sys; sys.path.insert(0, ${JSON.stringify(tools)})
from nanogpt.tiny_checkpoint import save_tiny_checkpoint, save_shakespeare_meta
save_tiny_checkpoint(${JSON.stringify(ckpt)}, ${options})
save_shakespeare_meta(${JSON.stringify(path.join(scratch, 'meta.pkl'))})`]);
    return ckpt;
  }

  function convert(args: string[]) {
    return spawnSync(PYTHON, [path.join(tools, 'from_nanogpt.py'), ...args], { encoding: 'utf8' });
  }

  function largestDifference(stdout: string): number {
    const m = /largest logit difference \(torch vs onnxruntime, \d+ tokens\): (\S+)/.exec(stdout);
    assert.ok(m, stdout);
    return Number(m[1]);
  }

  it('converts a character checkpoint saved under torch.compile, and the folder runs', async () => {
    const out = path.join(scratch, 'char');
    const done = convert([tinyCheckpoint('char', 'seed=7, vocab_size=65, compiled=True'), '--meta', path.join(scratch, 'meta.pkl'), '--out',
      out]);
    assert.equal(done.status, 0, done.stderr);
    assert.ok(largestDifference(done.stdout) < 1e-4);
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'README.md']) {
      assert.ok(fs.existsSync(path.join(out, f)), f);
    }
    const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    assert.deepEqual([config.model_type, config.n_layer, config.n_head, config.n_embd, config.n_positions], ['gpt2', 2, 4, 32, 64]);
    const r = await engine.run({ text: 'To be, or not to be', model: out, maxTokens: 512 });
    assert.equal(r.tokens.length, 19);
  });

  it('converts a GPT-2-token checkpoint (padded vocabulary, no biases, untied lm_head) with GPT-2 tokens', async () => {
    const out = path.join(scratch, 'gpt2');
    const done = convert([tinyCheckpoint('gpt2', 'seed=8, vocab_size=50304, bias=False, tied=False'), '--out', out]);
    assert.equal(done.status, 0, done.stderr);
    assert.ok(largestDifference(done.stdout) < 1e-4);
    const r = await engine.run({ text: 'The pizza came out of the oven.', model: out, maxTokens: 512 });
    assert.equal(r.tokens[1].piece, 'Ġpizza');
  });

  it('refuses a checkpoint that is not in nanoGPT\'s layout with one sentence naming the missing key', () => {
    const bad = path.join(scratch, 'bad.pt');
    execFileSync(PYTHON,
      ['-c', `import torch; torch.save({"model": {"transformer.wte.weight": torch.zeros(4, 8)}}, ${JSON.stringify(bad)})`]);
    const done = convert([bad, '--out', path.join(scratch, 'bad')]);
    assert.equal(done.status, 1);
    assert.equal(done.stderr.trim(), 'from_nanogpt: The checkpoint has no "transformer.wpe.weight": it is not in nanoGPT\'s GPT layout.');
    assert.ok(!fs.existsSync(path.join(scratch, 'bad')), 'nothing is written');
  });

  it('asks for meta.pkl when the vocabulary is smaller than GPT-2\'s', () => {
    const done = convert([tinyCheckpoint('nometa', 'seed=9, vocab_size=65'), '--out', path.join(scratch, 'nometa')]);
    assert.equal(done.status, 3);
    assert.match(done.stderr, /65 vocabulary rows, fewer than GPT-2's 50257: .* pass its meta.pkl with --meta\.\n$/);
  });
});

describe('converting from the extension host (src/model/nanogpt)', () => {
  it('says plainly when Python is not there, and what to install', async () => {
    await assert.rejects(checkPython('/nonexistent/python3'),
      /^QkvError: Python was not found at "\/nonexistent\/python3"\. Install Python 3 with torch and numpy \(pip install torch numpy\), or set qkvScope\.pythonPath/);
  });

  it('converts through the extension\'s own runner where torch is installed', { skip: skipConverter }, async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-nanogpt-host-'));
    try {
      const ckpt = path.join(scratch, 'ckpt.pt');
      const meta = path.join(scratch, 'meta.pkl');
      execFileSync(PYTHON, ['-c', `import sys; sys.path.insert(0, ${JSON.stringify(path.join(packageRoot(), 'tools'))})
from nanogpt.tiny_checkpoint import save_tiny_checkpoint, save_shakespeare_meta
save_tiny_checkpoint(${JSON.stringify(ckpt)}, seed=3, vocab_size=65)
save_shakespeare_meta(${JSON.stringify(meta)})`]);
      const lines: string[] = [];
      const outDir = path.join(scratch, 'model');
      await assert.rejects(convertCheckpoint({ python: PYTHON, checkpoint: ckpt, outDir }), MetaNeeded);
      const done = await convertCheckpoint({ python: PYTHON, checkpoint: ckpt, meta, outDir, onLine: (l) => lines.push(l) });
      assert.ok(done.largestDifference < 1e-4, String(done.largestDifference));
      assert.ok(lines.some((l) => l.startsWith('wrote ')), lines.join('\n'));
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });
});
