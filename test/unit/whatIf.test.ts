// The learning views' math (shared/whatIf.ts, cellSteps.ts, whatIfReading.ts, positions.ts): every formula variant
// against small cases worked out by hand, and — through the real engine on every fixture — the model's own
// settings giving back the model's own attention.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { AttentionEngine } from '../../src/attention/attentionEngine';
import { headSlice, type AttentionResult } from '../../shared/attentionResult';
import { cellSteps, tokenOutput } from '../../shared/cellSteps';
import { cosineSimilarity, percentileMagnitude, sinusoidalPositions } from '../../shared/positions';
import {
  headOutputs, maskReason, MODEL_SETTINGS, outputChange, whatIfAttention, type MaskChoice, type WhatIfInput, type WhatIfSettings,
} from '../../shared/whatIf';
import { whatIfReading } from '../../shared/whatIfReading';
import { fixtureDir, LAYOUTS, PIZZA } from './support';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Two tokens, d = 2: q0 = (1, 2), q1 = (−1, 1), k0 = (2, 0), k1 = (1, −1). Dots: q0·k0 = 2, q0·k1 = −1, q1·k0 = −2, q1·k1 = −2. */
const small: WhatIfInput = { q: [1, 2, -1, 1], k: [2, 0, 1, -1], n: 2, d: 2, causal: false };
const settings = (patch: Partial<WhatIfSettings>): WhatIfSettings => ({ ...MODEL_SETTINGS, scale: { kind: 'one' }, ...patch });

function close(actual: ArrayLike<number>, expected: readonly number[], what: string, tolerance = 1e-12): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance, `${what}[${i}]: ${actual[i]} is not ${expected[i]}`);
  }
}

describe('what-if scoring, scale and temperature (hand-computed, n = 2, d = 2, no mask)', () => {
  it('dot product, scale 1: softmax of the raw dots', () => {
    // Row 0: logits (2, −1), a two-way softmax is sigmoid of the difference, 3. Row 1: (−2, −2) is even.
    close(whatIfAttention(small, settings({})), [sigmoid(3), sigmoid(-3), 0.5, 0.5], 'dot');
  });

  it('squared dot product keeps the sign: (2, −1) → (4, −1)', () => {
    close(whatIfAttention(small, settings({ scoring: 'squaredDot' })), [sigmoid(5), sigmoid(-5), 0.5, 0.5], 'squared');
  });

  it('negated dot product flips the preference: (−2, 1)', () => {
    close(whatIfAttention(small, settings({ scoring: 'negatedDot' })), [sigmoid(-3), sigmoid(3), 0.5, 0.5], 'negated');
  });

  it('cosine similarity divides by both lengths: ‖q0‖ = √5, ‖k0‖ = 2, ‖k1‖ = √2', () => {
    const c00 = 2 / (Math.sqrt(5) * 2);
    const c01 = -1 / (Math.sqrt(5) * Math.sqrt(2));
    const c10 = -2 / (Math.sqrt(2) * 2);
    const c11 = -2 / (Math.sqrt(2) * Math.sqrt(2));
    close(whatIfAttention(small, settings({ scoring: 'cosine' })),
      [sigmoid(c00 - c01), sigmoid(c01 - c00), sigmoid(c10 - c11), sigmoid(c11 - c10)], 'cosine');
  });

  it('scale 1/√d multiplies the logits by 1/√2; a custom scale by its value', () => {
    close(whatIfAttention(small, MODEL_SETTINGS), [sigmoid(3 / Math.SQRT2), sigmoid(-3 / Math.SQRT2), 0.5, 0.5], '1/√d');
    close(whatIfAttention(small, settings({ scale: { kind: 'custom', value: 0.5 } })), [sigmoid(1.5), sigmoid(-1.5), 0.5, 0.5], 'custom');
  });

  it('temperature T divides the logits: T = 2 with scale 1 equals scale 0.5', () => {
    close(whatIfAttention(small, settings({ temperature: 2 })), [sigmoid(1.5), sigmoid(-1.5), 0.5, 0.5], 'T = 2');
    close(whatIfAttention(small, settings({ temperature: 0.5 })), [sigmoid(6), sigmoid(-6), 0.5, 0.5], 'T = 0.5');
  });
});

describe('what-if masks (n = 3, every dot product 0, so visible keys share the weight evenly)', () => {
  const flat = (causal: boolean): WhatIfInput => ({ q: [0, 0, 0], k: [0, 0, 0], n: 3, d: 1, causal });
  const third = 1 / 3;
  const run = (mask: MaskChoice, causal = false) => whatIfAttention(flat(causal), { ...MODEL_SETTINGS, mask });

  it("model's own: none for a bidirectional model, causal for a causal one", () => {
    close(run({ kind: 'model' }), [third, third, third, third, third, third, third, third, third], 'bidirectional');
    close(run({ kind: 'model' }, true), [1, 0, 0, 0.5, 0.5, 0, third, third, third], 'causal model');
  });

  it('none lets a causal model see later tokens', () => {
    close(run({ kind: 'none' }, true), Array(9).fill(third), 'none');
  });

  it('causal hides the upper right, anti-causal the lower left', () => {
    close(run({ kind: 'causal' }), [1, 0, 0, 0.5, 0.5, 0, third, third, third], 'causal');
    close(run({ kind: 'antiCausal' }), [third, third, third, 0, 0.5, 0.5, 0, 0, 1], 'anti-causal');
  });

  it('a window of k keeps keys fewer than k positions away (and, in a causal model, not after the query)', () => {
    close(run({ kind: 'window', size: 2 }), [0.5, 0.5, 0, third, third, third, 0, 0.5, 0.5], 'window 2');
    close(run({ kind: 'window', size: 2 }, true), [1, 0, 0, 0.5, 0.5, 0, 0, 0.5, 0.5], 'causal window 2');
    close(run({ kind: 'window', size: 1 }), [1, 0, 0, 0, 1, 0, 0, 0, 1], 'window 1');
  });

  it('says why a key is hidden', () => {
    assert.equal(maskReason({ kind: 'model' }, true, 0, 2), 'causal: key after query');
    assert.equal(maskReason({ kind: 'model' }, false, 0, 2), undefined);
    assert.equal(maskReason({ kind: 'antiCausal' }, false, 2, 0), 'anti-causal: key before query');
    assert.equal(maskReason({ kind: 'window', size: 2 }, false, 0, 2), 'window: key 2 positions away (window 2)');
  });
});

describe('one cell, step by step (hand-computed)', () => {
  it('q0 = (1, 2), k1 = (1, −1): products (1, −2), dot −1, scaled −1/√2, weight = sigmoid(−3/√2)', () => {
    const steps = cellSteps(small, 0, 1);
    close(steps.products, [1, -2], 'products');
    assert.equal(steps.dot, -1);
    assert.equal(steps.score, -1);
    assert.equal(steps.scale, 1 / Math.SQRT2);
    close([steps.scaled], [-1 / Math.SQRT2], 'scaled');
    assert.equal(steps.mask, 0);
    assert.equal(steps.maskReason, undefined);
    assert.equal(steps.shift, 0);
    close([steps.exp], [Math.exp(-1 / Math.SQRT2)], 'exp');
    close([steps.denominator], [Math.exp(2 / Math.SQRT2) + Math.exp(-1 / Math.SQRT2)], 'denominator');
    close([steps.weight], [sigmoid(-3 / Math.SQRT2)], 'weight');
  });

  it('a masked cell adds −∞, says why, and weighs exactly 0', () => {
    const steps = cellSteps({ ...small, causal: true }, 0, 1);
    assert.equal(steps.mask, -Infinity);
    assert.equal(steps.maskReason, 'causal: key after query');
    assert.equal(steps.exp, 0);
    assert.equal(steps.weight, 0);
    assert.equal(cellSteps({ ...small, causal: true }, 0, 0).weight, 1);
  });

  it('follows the what-if settings: squared dot, scale 1', () => {
    const steps = cellSteps(small, 0, 0, settings({ scoring: 'squaredDot' }));
    assert.equal(steps.dot, 2);
    assert.equal(steps.score, 4);
    close([steps.weight], [sigmoid(5)], 'weight');
  });

  it('shifts by the row maximum when the logits are too large to exponentiate, and still gets the weight', () => {
    const big: WhatIfInput = { q: [100, 0], k: [100, 0, 99, 0], n: 2, d: 2, causal: false };
    const steps = cellSteps(big, 0, 1, settings({}));
    assert.equal(steps.shift, 10_000);
    assert.ok(Number.isFinite(steps.exp) && Number.isFinite(steps.denominator));
    assert.ok(Math.abs(steps.weight / sigmoid(-100) - 1) < 1e-12, `weight ${steps.weight}`);
  });

  it("the head's output for a token is Σ w v, and the shares of each key add up to 1", () => {
    const out = tokenOutput([0.25, 0.75], [1, 0, 0, 2], 2, 2, 0);
    close(out.output, [0.25, 1.5], 'output');
    close([out.norm], [Math.hypot(0.25, 1.5)], 'norm');
    assert.deepEqual(out.contributions.map((c) => c.token), [1, 0]);
    close(out.contributions.map((c) => c.share), [2.25 / 2.3125, 0.0625 / 2.3125], 'shares');
    close(out.contributions.map((c) => c.norm), [1.5, 0.25], 'norms');
  });

  it('the norm of the output change is per token, with its mean', () => {
    const base = headOutputs([1, 0, 0, 1], [3, 4, 0, 1], 2, 2); // o0 = (3, 4), o1 = (0, 1)
    const variant = headOutputs([0, 1, 0, 1], [3, 4, 0, 1], 2, 2); // o0 = (0, 1), o1 = (0, 1)
    const change = outputChange(base, variant, 2, 2);
    close(change.perToken, [Math.hypot(3, 3), 0], 'per token');
    close([change.mean, change.meanNorm], [Math.hypot(3, 3) / 2, (5 + 1) / 2], 'means');
    assert.equal(change.largestAt, 0);
  });
});

describe('plain-language readings', () => {
  const labels = ['The', '␣pizza', '␣it'];
  const input = { q: [3, 1.5, -1.5], k: [0.6, 3, -3], n: 3, d: 1, causal: true };
  const read = (s: WhatIfSettings) => whatIfReading({ settings: s, causal: true, n: 3, d: 1, labels,
    model: whatIfAttention(input, MODEL_SETTINGS), variant: whatIfAttention(input, s) });

  it('the model’s own settings say they reproduce it', () => {
    assert.match(read(MODEL_SETTINGS), /^The model’s own formula: this reproduces its attention \(largest difference 0\.0e\+0\)\.$/);
  });

  it('anti-causal says each token sees only what follows, and the last token only itself', () => {
    const text = read({ ...MODEL_SETTINGS, mask: { kind: 'antiCausal' } });
    assert.match(text, /^anti-causal: each token can now only see itself and the tokens after it; the last token attends only to itself \(weight 1\.00\)\./);
    assert.match(text, /the strongest key changed for \d of 3 tokens/);
    assert.match(text, /biggest change: “.+” → “.+” \d\.\d\d → \d\.\d\d/);
  });

  it('names the scoring, the scale factor, the temperature and the share of weight on later tokens', () => {
    assert.match(read({ ...MODEL_SETTINGS, scoring: 'squaredDot' }), /squared dot product \(sign kept\)/);
    assert.match(read({ ...MODEL_SETTINGS, scale: { kind: 'one' }, mask: { kind: 'none' } }), /scale 1 instead of 1\/√1: scores 1\.00× the model’s; no mask: .* \(on average \d+% of a row’s weight goes there\)/);
    assert.match(read({ ...MODEL_SETTINGS, temperature: 4 }), /temperature 4: logits divided by 4, so softmax is flatter\. Effect: attention is flatter \(mean entropy/);
  });
});

describe('positions', () => {
  it('PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(…)', () => {
    const pe = sinusoidalPositions(2, 4);
    close(pe, [0, 1, 0, 1, Math.sin(1), Math.cos(1), Math.sin(0.01), Math.cos(0.01)], 'PE');
  });

  it('a percentile of |x| ignores one outlier', () => {
    assert.equal(percentileMagnitude([0.1, -0.2, 0.05, 9, -0.15], 0.75), 0.2);
    assert.equal(percentileMagnitude([0.1, -0.2, 0.05, 9, -0.15], 1), 9);
    assert.equal(percentileMagnitude([], 0.99), 0);
  });

  it('cosine similarity is symmetric with 1 on the diagonal', () => {
    const sim = cosineSimilarity([1, 0, 1, 1, 0, 0], 3, 2);
    close(sim, [1, Math.SQRT1_2, 0, Math.SQRT1_2, 1, 0, 0, 0, 0], 'cosine');
  });
});

describe("the model's own settings reproduce the model's attention, on every fixture (real engine)", () => {
  const engine = new AttentionEngine();
  after(() => engine.dispose());

  for (const layout of LAYOUTS) {
    it(`${layout.name}: every head and every cell, to ${layout.tolerance}`, async () => {
      const r: AttentionResult = await engine.run({ text: PIZZA, model: fixtureDir(layout.name), maxTokens: 512 });
      const n = r.tokens.length;
      const d = r.model.headDim;
      assert.equal(r.model.quantizedScores, layout.name.includes('quantized'));
      let worstMatrix = 0;
      let worstCell = 0;
      for (let layer = 0; layer < r.model.layers; layer++) {
        for (let head = 0; head < r.model.heads; head++) {
          const input: WhatIfInput = { q: headSlice(r, layer, head, 'q'), k: headSlice(r, layer, head, 'k'), n, d, causal: r.model.causal };
          const probs = headSlice(r, layer, head, 'probs');
          const ours = whatIfAttention(input, MODEL_SETTINGS);
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < n; j++) {
              worstMatrix = Math.max(worstMatrix, Math.abs(ours[i * n + j] - probs[i * n + j]));
              const steps = cellSteps(input, i, j);
              worstCell = Math.max(worstCell, Math.abs(steps.weight - probs[i * n + j]));
              // A masked cell is exactly 0 in both.
              if (steps.mask !== 0) assert.equal(probs[i * n + j], 0, `L${layer} H${head} ${i}→${j} should be masked`);
            }
          }
          // The output Σ w v from the model's weights and from ours agree as closely as the weights do.
          const v = headSlice(r, layer, head, 'v');
          const change = outputChange(headOutputs(probs, v, n, d), headOutputs(ours, v, n, d), n, d);
          assert.ok(change.mean <= layout.tolerance * 10 * Math.max(1, change.meanNorm), `output change ${change.mean}`);
        }
      }
      assert.ok(worstMatrix <= layout.tolerance, `matrix: largest difference ${worstMatrix}`);
      assert.ok(worstCell <= layout.tolerance, `cells: largest difference ${worstCell}`);
      console.log(`  ${layout.name}: largest |Δ| ${worstMatrix.toExponential(2)} (matrix), ${worstCell.toExponential(2)} (cell steps)`);
    });
  }
});
