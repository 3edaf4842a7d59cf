// `qkv-scope inspect`: folders and bare graphs, the --json shape, --probe's export, exit codes 0 / 1 / 2, and the
// sentences for wrappers (BeamSearch, If) and fused attention.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { onnx } from 'onnx-proto';
import { explainNoAttention } from '../../src/model/onnx/exposeAttention';
import { decodeModel } from '../../src/model/onnx/onnxGraph';
import { packageRoot } from '../../src/model/packageRoot';
import { checkExport } from '../../shared/exportSchema';
import { measureInvariants } from './exportInvariants';
import { fixtureDir } from './support';

const BIN = path.join(packageRoot(), 'bin', 'qkv-scope.js');

function inspect(args: string[]) {
  const run = spawnSync(process.execPath, [BIN, 'inspect', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

function tmp(name: string): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-inspect-')), name);
}

describe('qkv-scope inspect', () => {
  it('a folder: the file, each input and how it is fed, one line per block', () => {
    const run = inspect([fixtureDir('tiny-bloom')]);
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /^File: .*tiny-bloom\/onnx\/model\.onnx$/m);
    assert.match(run.out, /input_ids: int64 \[batch_size, sequence_length\] → token ids/);
    assert.match(run.out, /layer 1: self-attention, 4 heads, 4 K\/V heads, head_dim 8, 4-D, scale 0\.353553, \+ mask \+ ALiBi bias, causal, not fused/);
    assert.match(run.out, /Cannot show: nothing/);
  });

  it('--json: file, inputs, blocks (layer, heads, head_dim, layout, scale, causal, fused) and refusal', () => {
    const run = inspect([fixtureDir('tiny-bart'), '--json']);
    assert.equal(run.code, 0, run.err);
    const doc = JSON.parse(run.out) as Record<string, unknown> & { blocks: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(doc), ['file', 'inputs', 'blocks', 'refusal']);
    assert.equal(doc.refusal, null);
    assert.deepEqual(doc.blocks.map((b) => [b.layer, b.kind, b.heads, b.head_dim, b.layout, b.causal, b.fused]),
      [[0, 'self', 4, 8, '3-D', false, null], [1, 'self', 4, 8, '3-D', false, null]]);
    assert.ok(Math.abs((doc.blocks[0].scale as number) - 8 ** -0.5) < 1e-6);
  });

  it('--probe on a bare graph writes the standard export with synthetic tokens, and it holds the invariants', () => {
    const out = tmp('probe.json');
    const run = inspect([path.join(fixtureDir('tiny-t5'), 'onnx', 'model.onnx'), '--probe', '--tokens', '5', '--out', out]);
    assert.equal(run.code, 0, run.err);
    const doc = checkExport(JSON.parse(fs.readFileSync(out, 'utf8')));
    assert.equal(doc.text, '');
    assert.equal(doc.tokens.length, 5);
    assert.equal(doc.model.scale, 1);
    assert.equal(doc.model.additive_term, 'relative position bias');
    const figures = measureInvariants(doc);
    assert.ok(figures.rowSum < 1e-5 && figures.recompute < 1e-5 && figures.scoresSoftmax < 1e-5, JSON.stringify(figures));
  });

  it('a local window is measured from the probe: Gemma 2\'s even layers, GPT-Neo\'s local layers', () => {
    const gemma = inspect([fixtureDir('tiny-gemma2'), '--json']);
    assert.equal(gemma.code, 0, gemma.err);
    assert.deepEqual((JSON.parse(gemma.out) as { blocks: { window: number | null }[] }).blocks.map((b) => b.window), [4, null]);
    const neo = inspect([fixtureDir('tiny-gpt-neo')]);
    assert.equal(neo.code, 0, neo.err);
    assert.match(neo.out, /layer 0: .*, causal, not fused$/m);
    assert.match(neo.out, /layer 1: .*, causal, local window 4, not fused$/m);
    const bert = inspect([fixtureDir('tiny-bert'), '--json']);
    assert.deepEqual((JSON.parse(bert.out) as { blocks: { window: number | null }[] }).blocks.map((b) => b.window), [null, null]);
  });

  it('control characters in what a graph or a path says are shown escaped, not sent to the terminal', () => {
    const dir = path.join(path.dirname(tmp('x')), 'title\u001b]0;pwned\u0007');
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(fixtureDir('tiny-t5'), 'onnx', 'model.onnx'), path.join(dir, 'model.onnx'));
    const run = inspect([path.join(dir, 'model.onnx')]);
    assert.equal(run.code, 0, run.err);
    assert.ok(!run.out.includes('\u001b') && !run.out.includes('\u0007'), run.out);
    assert.match(run.out, /^File: .*title\\x1B\]0;pwned\\x07\/model\.onnx$/m);
  });

  it('exit 1 with the reason when no block is found; exit 2 for bad arguments', () => {
    const fused = inspect([fixtureDir('fused-unsupported')]);
    assert.equal(fused.code, 1);
    assert.match(fused.out, /Cannot show: .*fused com\.microsoft\.Attention node .* uses do_rotary=1/);
    const opened = inspect([fixtureDir('fused-attention')]);
    assert.equal(opened.code, 0, opened.err);
    assert.match(opened.out, /layer 0: self-attention, 4 heads, .*opened from com\.microsoft\.Attention/);
    assert.equal(inspect([]).code, 2);
    assert.equal(inspect([fixtureDir('tiny-gpt2'), '--probe']).code, 2);
    assert.equal(inspect([fixtureDir('tiny-gpt2'), '--tokens', '3']).code, 2);
    const missing = inspect(['/no/such/model']);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /does not exist/);
  });

  for (const wrapper of ['BeamSearch', 'GreedySearch', 'Sampling', 'If', 'Loop']) {
    it(`a decoder inside ${wrapper} gets a sentence naming the wrapper and the file to use`, () => {
      const graph: onnx.IGraphProto = { node: [{ opType: wrapper, domain: wrapper === 'If' || wrapper === 'Loop' ? '' : 'com.microsoft',
        input: ['x'], output: ['y'] }] };
      const message = explainNoAttention(graph, 'Model "m"');
      assert.match(message, new RegExp(`inside (a )?${wrapper}`));
      assert.match(message, /decoder_model\.onnx or model\.onnx/);
    });
  }

  it('a BeamSearch that holds its decoder graph: the decoder runs on its own, and the result says so', () => {
    const dir = path.dirname(tmp('x'));
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) fs.copyFileSync(path.join(fixtureDir('tiny-gpt2'), f),
      path.join(dir, f));
    fs.mkdirSync(path.join(dir, 'onnx'));
    const decoder = decodeModel(fs.readFileSync(path.join(fixtureDir('tiny-gpt2'), 'onnx', 'model.onnx')));
    const wrapped: onnx.IModelProto = {
      irVersion: decoder.irVersion, opsetImport: [...(decoder.opsetImport ?? []), { domain: 'com.microsoft', version: 1 }],
      graph: {
        name: 'beam', input: [{ name: 'input_ids' }], output: [{ name: 'sequences' }],
        node: [{ opType: 'BeamSearch', domain: 'com.microsoft', input: ['input_ids'], output: ['sequences'],
          attribute: [{ name: 'decoder', type: onnx.AttributeProto.AttributeType.GRAPH, g: decoder.graph }] }],
      },
    };
    fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx'), onnx.ModelProto.encode(wrapped).finish());
    const out = tmp('beam.json');
    const run = spawnSync(process.execPath, [BIN, '--model', dir, '--text', 'The pizza came out.', '--out', out],
      { encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /ONNX file: onnx\/model\.onnx \(the decoder inside BeamSearch\)/);
    const plain = spawnSync(process.execPath,
      [BIN, '--model', fixtureDir('tiny-gpt2'), '--text', 'The pizza came out.', '--out', tmp('plain.json')],
        { encoding: 'utf8', timeout: 60_000 });
    const [a, b] = [out, plain.stdout.match(/Wrote (.*)/)![1]].map((f) => checkExport(JSON.parse(fs.readFileSync(f, 'utf8'))));
    assert.deepEqual(a.layers[1].heads[2].attention, b.layers[1].heads[2].attention);
    const inspected = inspect([dir]);
    assert.equal(inspected.code, 0, inspected.err);
    assert.match(inspected.out, /File: .*model\.onnx \(the decoder inside BeamSearch\)/);
  });
});
