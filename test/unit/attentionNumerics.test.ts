// Through the real engine (worker thread, onnxruntime, every fixture layout): the extracted tensors are the
// model's attention. Rows sum to 1, causal models are exactly lower-triangular, and softmax(QKᵀ/√d + mask)
// recomputed from the extracted Q and K gives back the extracted probabilities.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { AttentionEngine } from '../../src/attention/attentionEngine';
import { headSlice, type AttentionResult } from '../../shared/attentionResult';
import { attentionFromQK } from '../../shared/attentionMath';
import { fixtureDir, LAYOUTS, PIZZA } from './support';

const engine = new AttentionEngine();
after(() => engine.dispose());

for (const layout of LAYOUTS) {
  describe(`attention numerics: ${layout.name}`, () => {
    let cached: Promise<AttentionResult> | undefined;
    const result = () => (cached ??= engine.run({ text: PIZZA, model: fixtureDir(layout.name), maxTokens: 512 }));

    it('reports the model facts and shapes', async () => {
      const r = await result();
      const n = r.tokens.length;
      assert.equal(r.model.causal, layout.causal);
      assert.equal(r.model.layers, r.layers.length);
      assert.equal(r.model.layers, 2);
      assert.equal(r.model.heads, 4);
      assert.equal(r.model.headDim, 8);
      for (const layer of r.layers) {
        assert.equal(layer.probs.length, r.model.heads * n * n);
        for (const kind of ['q', 'k', 'v'] as const) assert.equal(layer[kind].length, r.model.heads * n * r.model.headDim);
      }
    });

    it('has attention rows that sum to 1', async () => {
      const r = await result();
      const n = r.tokens.length;
      forEachHead(r, (layer, head) => {
        const probs = headSlice(r, layer, head, 'probs');
        for (let i = 0; i < n; i++) {
          let sum = 0;
          for (let j = 0; j < n; j++) sum += probs[i * n + j];
          assert.ok(Math.abs(sum - 1) < 1e-5, `L${layer} H${head} row ${i} sums to ${sum}`);
        }
      });
    });

    it(layout.causal ? 'has exact zeros above the diagonal' : 'attends in both directions', async () => {
      const r = await result();
      const n = r.tokens.length;
      let above = 0;
      forEachHead(r, (layer, head) => {
        const probs = headSlice(r, layer, head, 'probs');
        for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (probs[i * n + j] !== 0) above++;
      });
      if (layout.causal) assert.equal(above, 0);
      else assert.ok(above > 0);
    });

    it(`matches softmax(QKᵀ/√d + mask) recomputed from its own Q and K (to ${layout.tolerance})`, async () => {
      const r = await result();
      const n = r.tokens.length;
      let worst = 0;
      forEachHead(r, (layer, head) => {
        const expected = attentionFromQK(headSlice(r, layer, head, 'q'), headSlice(r, layer, head, 'k'), n, r.model.headDim, layout.causal);
        const actual = headSlice(r, layer, head, 'probs');
        for (let i = 0; i < n * n; i++) worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
      });
      assert.ok(worst <= layout.tolerance, `largest difference ${worst}`);
    });
  });
}

function forEachHead(r: AttentionResult, fn: (layer: number, head: number) => void): void {
  for (let layer = 0; layer < r.model.layers; layer++) for (let head = 0; head < r.model.heads; head++) fn(layer, head);
}
