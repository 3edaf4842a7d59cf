// The Positions view's data: the learned position embeddings are found in the weights by structure, and the rows
// the engine returns are exactly rows 0…n−1 of that initializer; a model without them (tiny-sdpa) returns none.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { AttentionEngine } from '../../src/attention/attentionEngine';
import { halfToFloat } from '../../src/model/onnx/constantValue';
import { decodeModel } from '../../src/model/onnx/onnxGraph';
import { embeddedModelDir } from '../../src/model/packageRoot';
import { parseModelConfig, readModelConfig, UNKNOWN_CONFIG } from '../../src/model/modelConfig';
import { findPositionTable, positionRows } from '../../src/model/onnx/positionEmbeddings';
import { fixtureDir, PIZZA } from './support';

const engine = new AttentionEngine();
after(() => engine.dispose());

function graphOf(name: string) {
  return decodeModel(fs.readFileSync(path.join(fixtureDir(name), 'onnx', 'model.onnx'))).graph!;
}

/** The initializer's float32 values, read straight from its raw bytes. */
function initializer(name: string, tensor: string): Float32Array {
  const t = graphOf(name).initializer!.find((i) => i.name === tensor)!;
  const raw = t.rawData!;
  return new Float32Array(raw.slice().buffer);
}

describe('learned position embeddings', () => {
  it('the embedded model: a float16 table cast to float32 inside the graph is found behind its Cast', async () => {
    const graph = decodeModel(fs.readFileSync(path.join(embeddedModelDir(), 'onnx', 'model.onnx'))).graph!;
    const table = findPositionTable(graph, UNKNOWN_CONFIG);
    assert.equal(table?.source, 'transformer.wpe.weight');
    assert.deepEqual([table?.rows, table?.dim], [1024, 64]);
    const stored = graph.initializer!.find((i) => i.name === 'transformer.wpe.weight.f16')!.rawData!;
    const view = new DataView(stored.buffer, stored.byteOffset, stored.byteLength);
    const result = await engine.run({ text: PIZZA, model: 'embedded', maxTokens: 512 });
    const n = result.tokens.length;
    const expected = Array.from({ length: n * 64 }, (_, i) => halfToFloat(view.getUint16(i * 2, true)));
    assert.deepEqual(Array.from(result.positions!.data), expected);
  });

  const cases = [
    ['tiny-gpt2', 'transformer.wpe.weight', 128, 0],
    ['tiny-bert', 'embeddings.position_embeddings.weight', 128, 0],
    ['tiny-distilbert', 'embeddings.position_embeddings.weight', 128, 0],
    // RoBERTa's positions start after the padding index (pad_token_id 1): position 0 is row 2.
    ['tiny-roberta', 'embeddings.position_embeddings.weight', 130, 2],
    // BART and OPT: BartLearnedPositionalEmbedding's offset of 2, in a table of max_position_embeddings + 2 rows.
    ['tiny-bart', 'encoder.embed_positions.weight', 130, 2],
    ['tiny-opt', 'model.decoder.embed_positions.weight', 130, 2],
  ] as const;
  for (const [fixture, source, rows, first] of cases) {
    it(`${fixture}: found as ${source}, and the result carries the rows of positions 0…n−1`, async () => {
      const table = findPositionTable(graphOf(fixture), readModelConfig(fixtureDir(fixture), fixture));
      assert.equal(table?.source, source);
      assert.deepEqual([table?.rows, table?.dim, table?.firstRow], [rows, 32, first]);
      const result = await engine.run({ text: PIZZA, model: fixtureDir(fixture), maxTokens: 512 });
      const n = result.tokens.length;
      assert.equal(result.positions?.source, source);
      assert.equal(result.positions?.dim, 32);
      assert.equal(result.positions?.firstRow, first);
      assert.deepEqual(Array.from(result.positions!.data), Array.from(initializer(fixture, source).subarray(first * 32, (first + n) * 32)));
    });
  }

  it('the token embedding and the token-type embedding are not mistaken for positions', () => {
    const table = findPositionTable(graphOf('tiny-bert'), UNKNOWN_CONFIG);
    assert.notEqual(table?.source, 'embeddings.word_embeddings.weight');
    assert.notEqual(table?.source, 'embeddings.token_type_embeddings.weight');
  });

  for (const fixture of ['tiny-sdpa', 'tiny-llama', 'tiny-t5']) {
    it(`${fixture} has no position table (none, rotary, or T5's relative bias), and the result says so by leaving it out`, async () => {
      assert.equal(findPositionTable(graphOf(fixture), UNKNOWN_CONFIG), undefined);
      const result = await engine.run({ text: PIZZA, model: fixtureDir(fixture), maxTokens: 512 });
      assert.equal(result.positions, undefined);
    });
  }

  it('a token-type table indexed by a constant is not taken for positions', () => {
    const table = findPositionTable(graphOf('tiny-roberta'), UNKNOWN_CONFIG);
    assert.equal(table?.source, 'embeddings.position_embeddings.weight');
  });

  it('RoBERTa-style positions start after the padding index, and a table too short gives no rows', () => {
    const table = findPositionTable(graphOf('tiny-bert'), parseModelConfig({ model_type: 'roberta', pad_token_id: 1 }))!;
    assert.equal(table.firstRow, 2);
    assert.deepEqual(Array.from(positionRows(table, 3)!), Array.from(table.data.subarray(2 * 32, 5 * 32)));
    assert.equal(positionRows(table, 127), undefined);
  });
});
