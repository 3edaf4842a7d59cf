// Runs in Node (node:test): causality read from the structure of each graph's mask (src/model/onnx/maskCausality.ts),
// on our fixtures and on graphs other tools exported (../shared/real-graphs), then checked against the numbers
// (src/attention/graphFacts.ts decideCausal): a run on each model agrees with its graph, and a disagreement is
// shown as the numbers or the graph say, with one sentence.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { onnx } from 'onnx-proto';
import type { LayerTensors } from '../../shared/attentionResult';
import { decideCausal, kvHeadsNote } from '../../src/attention/graphFacts';
import { loadModel } from '../../src/model/loadModel';
import { resolveModelFolder } from '../../src/model/modelSource';
import { exposeAttention } from '../../src/model/onnx/exposeAttention';
import { graphCausality, isTriangular, type GraphCausality } from '../../src/model/onnx/maskCausality';
import { packageRoot } from '../../src/model/packageRoot';
import { runAttention, tokenize } from '../../src/attention/runAttention';
import { fixtureDir } from './support';

const REAL = path.join(packageRoot(), '..', 'shared', 'real-graphs');
const absent = fs.existsSync(REAL) ? false : '../shared/real-graphs is absent (a plain clone): real-graph tests skipped';

/** What each graph's mask is, as its architecture defines it; the mask is read from the graph, never from the name. */
const FIXTURES: Readonly<Record<string, GraphCausality>> = {
  'tiny-gpt2': 'causal', 'tiny-gpt2-quantized': 'causal', 'wide-gpt2': 'causal', 'tiny-llama': 'causal', 'tiny-bloom': 'causal',
  'tiny-falcon': 'causal', 'tiny-gemma2': 'causal', 'tiny-gpt-bigcode': 'causal', 'tiny-gpt-neo': 'causal', 'tiny-gpt-neox': 'causal',
  'tiny-mpt': 'causal', 'tiny-opt': 'causal', 'tiny-sdpa': 'causal', 'nanogpt-char': 'causal', 'fused-attention': 'causal',
  'tiny-bert': 'bidirectional', 'tiny-distilbert': 'bidirectional', 'tiny-roberta': 'bidirectional', 'tiny-deberta-v2': 'bidirectional',
  'tiny-t5': 'bidirectional',
};
const REAL_FOLDERS: Readonly<Record<string, GraphCausality>> = {
  // GPT-2 by torch 1.5: the sliced lower-triangular `attn.bias` buffer.
  'ort-pt15-gpt2-one-layer': 'causal',
  // com.microsoft.Attention with unidirectional=1, and MultiHeadAttention from the genai builder, opened up.
  'genai-ortopt-tiny-random-gpt2-fused': 'causal',
  'genai-builder-tiny-random-llama-fp16': 'causal',
  'optimum-tiny-distilbert': 'bidirectional',
  'ort-pt11-bert-toy': 'bidirectional',
  'ort-keras2onnx-tfbert-qa': 'bidirectional',
  // Megatron takes its [B, 1, 64, 64] mask as an input: whoever feeds it decides.
  'ort-pt19-megatron-gpt2': 'unknown',
};

function verdictOf(graphPath: string): GraphCausality {
  const exposed = exposeAttention(fs.readFileSync(graphPath), graphPath, graphPath);
  return graphCausality(exposed.graph, exposed.sites);
}

/** The result of a run, as the engine makes it: facts decided by the graph and the numbers together. */
async function run(dir: string, text: string) {
  const model = await loadModel(resolveModelFolder(dir));
  try {
    return await runAttention(model, text, tokenize(model, text, 64));
  } finally {
    await model.session.release();
  }
}

describe('causality from the mask structure', () => {
  for (const [name, expected] of Object.entries(FIXTURES)) {
    it(`${name}: ${expected}`, () => assert.equal(verdictOf(path.join(fixtureDir(name), 'onnx', 'model.onnx')), expected));
  }

  it('the embedded model: causal', () => assert.equal(verdictOf(path.join(packageRoot(), 'models', 'onnx', 'model.onnx')), 'causal'));

  for (const [name, expected] of Object.entries(REAL_FOLDERS)) {
    it(`real graph ${name}: ${expected}`, { skip: absent },
      () => assert.equal(verdictOf(path.join(REAL, name, 'onnx', 'model.onnx')), expected));
  }

  it('real attention blocks: the past-state ones are causal (unidirectional), the others bidirectional', { skip: absent }, () => {
    const blocks = path.join(REAL, 'blocks');
    for (const file of fs.readdirSync(blocks).filter((f) => f.endsWith('.onnx'))) {
      assert.equal(verdictOf(path.join(blocks, file)), file.startsWith('attention_past_state') ? 'causal' : 'bidirectional', file);
    }
  });

  it('a triangular buffer is lower or upper, boolean or additive, and a causal band counts; anything else does not', () => {
    const square = (n: number, value: (i: number, j: number) => number, dataType = onnx.TensorProto.DataType.FLOAT) =>
      ({ dims: [1, 1, n, n], dataType, floatData: Array.from({ length: n * n }, (_, x) => value(Math.floor(x / n), x % n)) });
    assert.ok(isTriangular(square(4, (i, j) => (j <= i ? 1 : 0))));
    assert.ok(isTriangular(square(4, (i, j) => (j > i ? -Infinity : 0))));
    assert.ok(isTriangular(square(5, (i, j) => (j <= i && i - j < 2 ? 1 : 0))), 'a local band (GPT-Neo)');
    assert.ok(isTriangular({ dims: [3, 3], dataType: onnx.TensorProto.DataType.BOOL, int32Data: [1, 0, 0, 1, 1, 0, 1, 1, 1] }));
    assert.ok(!isTriangular(square(4, () => 1)), 'all ones');
    assert.ok(!isTriangular(square(4, (i, j) => (j >= i ? 1 : 0))), 'upper keep-mask: it hides earlier keys');
    assert.ok(!isTriangular({ dims: [2, 4, 4], dataType: onnx.TensorProto.DataType.FLOAT, floatData: new Array(32).fill(0) }));
  });
});

describe('the graph checked against the numbers', () => {
  const cases: [string, string, string, boolean][] = [
    ['tiny-gpt2', 'The pizza came out of the oven.', 'causal', true],
    ['tiny-llama', 'The pizza came out of the oven.', 'causal', true],
    ['tiny-bert', 'the cat sat on the mat', 'bidirectional', false],
  ];
  for (const [name, text, verdict, causal] of cases) {
    it(`${name}: the graph (${verdict}) and the numbers agree, and nothing is noted`, async () => {
      const result = await run(fixtureDir(name), text);
      assert.equal(result.model.causal, causal);
      assert.equal(result.model.notes, undefined);
    });
  }

  for (const [name, causal] of [['ort-pt15-gpt2-one-layer', true], ['optimum-tiny-distilbert', false]] as const) {
    it(`real graph ${name}: the run agrees with its mask, nothing noted`, { skip: absent }, async () => {
      const result = await run(path.join(REAL, name), 'the cat sat');
      assert.equal(result.model.causal, causal);
      assert.equal(result.model.notes, undefined);
    });
  }

  /** One layer, one head, n = 3: `ahead` is the weight query 0 gives key 1. */
  const layer = (ahead: number): LayerTensors[] => {
    const probs = new Float32Array([1 - ahead, ahead, 0, 0.5, 0.5, 0, 0.2, 0.3, 0.5]);
    return [{ probs, q: new Float32Array(3), k: new Float32Array(3), v: new Float32Array(3) }];
  };

  it('a causal mask whose numbers read a later key: shown as computed, with one sentence naming where', () => {
    const decision = decideCausal('causal', layer(0.25), 1, 3, true);
    assert.equal(decision.causal, false);
    assert.match(decision.note ?? '', /^The graph builds a causal mask, yet layer 0, head 0 gives weight 0\.250 to a later key \(query 0, key 1\)/);
  });

  it('no causal mask, yet exact zeros above the diagonal: shown as bidirectional, with one sentence', () => {
    const decision = decideCausal('bidirectional', layer(0), 1, 3, null);
    assert.equal(decision.causal, false);
    assert.match(decision.note ?? '', /the graph builds no causal mask: shown as bidirectional/);
  });

  it('a mask fed from outside: the numbers decide; one token: the graph, else config.json', () => {
    assert.deepEqual(decideCausal('unknown', layer(0), 1, 3, true), { causal: true });
    assert.deepEqual(decideCausal('unknown', layer(0.1), 1, 3, false), { causal: false });
    assert.equal(decideCausal('causal', [], 1, 1, false).causal, true);
    assert.equal(decideCausal('bidirectional', [], 1, 1, true).causal, false);
    assert.equal(decideCausal('unknown', [], 1, 1, true).causal, true);
  });

  it('config.json that claims the other way is named, and loses', () => {
    assert.match(decideCausal('bidirectional', layer(0.3), 1, 3, true).note ?? '',
      /^config\.json describes a causal model, but its graph and its attention read later keys: shown as bidirectional\.$/);
    assert.equal(kvHeadsNote(1, 4, [0, 0, 1, 1]), 'config.json says 1 K/V heads, but the graph computes 2: shown as the graph computes.');
    assert.equal(kvHeadsNote(2, 4, [0, 0, 1, 1]), undefined);
    assert.equal(kvHeadsNote(null, 4, undefined), undefined);
  });
});
