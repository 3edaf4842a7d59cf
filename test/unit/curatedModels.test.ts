// The curated hub list: every graph is named as the download code fetches it, and a translator's size counts its
// encoder too (the picker shows what choosing it downloads; the download deadline reads each file's size).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CURATED_MODELS, curatedFileBytes, downloadBytes } from '../../src/model/hub/curatedModels';
import { graphCandidates } from '../../src/model/graphFile';

describe('curated hub models', () => {
  it('each graph is one the download code would look for at its precision', () => {
    for (const model of CURATED_MODELS) {
      for (const precision of ['full', 'quantized'] as const) {
        const graph = model.files[precision];
        assert.ok(graphCandidates(precision).includes(graph.file), `${model.id} ${precision}: ${graph.file}`);
      }
    }
  });

  it('a translator downloads its encoder beside its decoder, and both sizes count', () => {
    const enFr = CURATED_MODELS.find((m) => m.id === 'Xenova/opus-mt-en-fr')!;
    assert.equal(enFr.files.full.encoder?.file, 'onnx/encoder_model.onnx');
    assert.equal(downloadBytes(enFr.files.full), 423e6);
    assert.equal(downloadBytes(enFr.files.quantized), 107.1e6);
    assert.equal(curatedFileBytes('Xenova/opus-mt-fr-en', 'main', 'onnx/encoder_model_quantized.onnx'), 50.1e6);
    assert.equal(curatedFileBytes('Xenova/opus-mt-fr-en', 'v2', 'onnx/encoder_model_quantized.onnx'), null, 'other revisions: unknown');
    const gpt2 = CURATED_MODELS.find((m) => m.id === 'Xenova/gpt2')!;
    assert.equal(downloadBytes(gpt2.files.full), 501e6);
    assert.equal(downloadBytes(gpt2.files.quantized), null);
  });
});
