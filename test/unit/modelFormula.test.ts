// The step card and the what-if lab use the model's true formula: its recorded scale, soft-cap and additive term.
// With the model's own settings they give back the model's attention on families whose formula is not
// softmax(q·k/√d + mask), and the card names each term.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { AttentionEngine } from '../../src/attention/attentionEngine';
import { headSlice, type AttentionResult } from '../../shared/attentionResult';
import { cellSteps } from '../../shared/cellSteps';
import { headFormula } from '../../shared/headFormula';
import { MODEL_SETTINGS, whatIfAttention } from '../../shared/whatIf';
import { fixtureDir, PIZZA } from './support';

const engine = new AttentionEngine();
after(() => engine.dispose());

const CASES = [
  { name: 'tiny-bloom', scale: 1 / Math.sqrt(8), term: 'ALiBi bias' },
  { name: 'tiny-t5', scale: 1, term: 'relative position bias' },
  { name: 'tiny-gemma2', scale: 16 ** -0.5, softcap: 5 },
  { name: 'tiny-gpt2', scale: 1 / Math.sqrt(8) },
] as const;

describe('the model’s true formula in the step card and the what-if lab', () => {
  for (const c of CASES) {
    const extras = `${'term' in c ? ` and ${c.term}` : ''}${'softcap' in c ? `, soft-cap ${c.softcap}` : ''}`;
    it(`${c.name}: records scale ${c.scale.toPrecision(4)}${extras}, and reproduces every head`, async () => {
      const r: AttentionResult = await engine.run({ text: PIZZA, model: fixtureDir(c.name), maxTokens: 512 });
      const n = r.tokens.length;
      const d = r.model.headDim;
      assert.ok(Math.abs((r.model.scale ?? 0) - c.scale) < 1e-6, `scale ${r.model.scale}`);
      assert.equal(r.model.additiveTerm, 'term' in c ? c.term : undefined);
      assert.equal(r.model.softcap, 'softcap' in c ? c.softcap : undefined);
      let worst = 0;
      for (let layer = 0; layer < r.model.layers; layer++) {
        for (let head = 0; head < r.model.heads; head++) {
          const tensors = {
            probs: headSlice(r, layer, head, 'probs'), q: headSlice(r, layer, head, 'q'), k: headSlice(r, layer, head, 'k'),
            ...(r.layers[layer].scores ? { scores: headSlice(r, layer, head, 'scores') } : {}),
          };
          const formula = headFormula(r.model, tensors, n);
          const ours = whatIfAttention({ q: tensors.q, k: tensors.k, n, d, causal: r.model.causal, formula }, MODEL_SETTINGS);
          // Keys the model masks beyond causality (Gemma 2's sliding window) have weight 0 there: compare the rest.
          for (let cell = 0; cell < n * n; cell++) if (tensors.probs[cell] > 0) worst = Math.max(worst,
            Math.abs(ours[cell] - tensors.probs[cell]));
          const steps = cellSteps({ q: tensors.q, k: tensors.k, n, d, causal: r.model.causal, formula }, n - 1, 0);
          assert.equal(steps.bias?.label, 'term' in c ? c.term : undefined);
          assert.equal(steps.softcap?.cap, 'softcap' in c ? c.softcap : undefined);
        }
      }
      assert.ok(worst < 1e-5, `max |what-if − model| ${worst}`);
    });
  }
});
