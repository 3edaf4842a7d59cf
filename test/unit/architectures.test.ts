// Architecture-specific facts the generic invariants do not show: for Llama, that Q and K are taken after the
// rotary embedding (the tensors the dot product uses) and that grouped K/V heads are reported and shared.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { AttentionEngine } from '../../src/attention/attentionEngine';
import { formatSummary } from '../../src/cli/summary';
import { findAttention } from '../../src/model/onnx/findAttention';
import { decodeModel, indexGraph, type GraphIndex } from '../../src/model/onnx/onnxGraph';
import { headSlice } from '../../shared/attentionResult';
import { fixtureDir, PIZZA } from './support';

const engine = new AttentionEngine();
after(() => engine.dispose());

/** True when `tensor` is computed from an op of type `op` within `depth` producers. */
function dependsOn(ix: GraphIndex, tensor: string, op: string, depth: number): boolean {
  const node = ix.producer(tensor);
  if (!node || depth < 0) return false;
  return node.opType === op || (node.input ?? []).some((input) => dependsOn(ix, input, op, depth - 1));
}

describe('Llama layout (tiny-llama)', () => {
  const graph = decodeModel(fs.readFileSync(path.join(fixtureDir('tiny-llama'), 'onnx', 'model.onnx'))).graph!;
  const ix = indexGraph(graph);

  it('takes Q and K after the rotary embedding, K after repeat_kv', () => {
    const sites = findAttention(graph);
    assert.equal(sites.length, 2);
    for (const site of sites) {
      // q·cos + rotate_half(q)·sin: an Add whose inputs are products with the cos and sin tables.
      assert.equal(ix.producer(site.q)?.opType, 'Add');
      assert.ok(dependsOn(ix, site.q, 'Cos', 4) && dependsOn(ix, site.q, 'Sin', 4), 'Q is not the rotated Q');
      // K enters the dot product as repeat_kv(rotated K): Reshape ← Expand ← Unsqueeze ← Concat(past, rotated K).
      assert.equal(ix.producer(site.k)?.opType, 'Reshape');
      assert.ok(dependsOn(ix, site.k, 'Expand', 3), 'K is not the repeated K');
      assert.ok(dependsOn(ix, site.k, 'Cos', 8) && dependsOn(ix, site.k, 'Sin', 8), 'K is not the rotated K');
      assert.equal(site.kIsTransposed, false);
    }
  });

  it('reports which K/V head each query head shares, and those heads hold the same K and V', async () => {
    const r = await engine.run({ text: PIZZA, model: fixtureDir('tiny-llama'), maxTokens: 512 });
    assert.equal(r.model.architecture, 'llama');
    assert.equal(r.model.heads, 4);
    assert.deepEqual(r.model.kvHeadOf, [0, 0, 1, 1]);
    for (let layer = 0; layer < r.model.layers; layer++) {
      for (const kind of ['k', 'v'] as const) {
        const heads = [0, 1, 2, 3].map((h) => Buffer.from(headSlice(r, layer, h, kind).slice().buffer));
        assert.ok(heads[0].equals(heads[1]) && heads[2].equals(heads[3]), `L${layer} ${kind}: heads of a group differ`);
        assert.ok(!heads[0].equals(heads[2]), `L${layer} ${kind}: the two K/V heads are the same`);
      }
      const q = [0, 1].map((h) => Buffer.from(headSlice(r, layer, h, 'q').slice().buffer));
      assert.ok(!q[0].equals(q[1]), 'query heads of a group have their own Q');
    }
    assert.match(formatSummary(r), /\nGrouped K\/V heads: query heads 0-1 share K\/V head 0; 2-3 share K\/V head 1\n/);
  });

  it('reports no K/V groups for models where every head has its own K and V', async () => {
    const r = await engine.run({ text: PIZZA, model: fixtureDir('tiny-gpt2'), maxTokens: 512 });
    assert.equal(r.model.kvHeadOf, undefined);
    assert.doesNotMatch(formatSummary(r), /Grouped/);
  });
});

describe('RoBERTa layout (tiny-roberta)', () => {
  it('reads the text between <s> and </s>, with offsets into the text', async () => {
    const r = await engine.run({ text: PIZZA, model: fixtureDir('tiny-roberta'), maxTokens: 512 });
    assert.equal(r.model.architecture, 'roberta');
    assert.equal(r.model.causal, false);
    const first = r.tokens[0];
    const last = r.tokens.at(-1)!;
    assert.deepEqual([first.piece, first.special, last.piece, last.special], ['<s>', true, '</s>', true]);
    assert.equal(r.tokens.length, 14);
    assert.equal(PIZZA.slice(r.tokens[2].start, r.tokens[2].end), ' pizza');
  });

  it('counts positions from padding_idx + 1, so 128 of its 130 position rows are usable', async () => {
    assert.equal((await engine.run({ text: PIZZA, model: fixtureDir('tiny-roberta'), maxTokens: 512 })).model.maxPositions, 128);
    const long = `${'word '.repeat(126)}word`; // 127 words + <s> + </s> = 129 tokens
    await assert.rejects(engine.run({ text: long, model: fixtureDir('tiny-roberta'), maxTokens: 512 }),
      /129 tokens long; model .* reads at most 128 positions/);
  });
});

describe('DistilBERT layout (tiny-distilbert)', () => {
  it('takes Q before its 1/√d scale, so softmax(q·k/√d) holds', () => {
    const graph = decodeModel(fs.readFileSync(path.join(fixtureDir('tiny-distilbert'), 'onnx', 'model.onnx'))).graph!;
    const ix = indexGraph(graph);
    for (const site of findAttention(graph)) {
      const [consumer] = ix.consumers(site.q);
      assert.equal(consumer?.opType, 'Div', 'Q is the tensor the scale divides');
    }
  });
});
