// Test helpers for encoder–decoder results: the invariants every kind of attention (encoder, decoder, cross) keeps,
// recomputed in float64 from the Q and K the engine returned, and the additive term a model puts into its scores.
import assert from 'node:assert/strict';
import type { LayerTensors } from '../../shared/attentionResult';

export interface BlockShape {
  readonly heads: number;
  readonly rows: number;
  /** Keys per row: rows for self-attention, the source length for cross-attention. */
  readonly keys: number;
  readonly headDim: number;
  readonly causal: boolean;
  readonly scale: number;
}

/**
 * Rows sum to 1, causal blocks give exactly 0 above the diagonal, and the probabilities are the softmax of
 * scale · q·kᵀ, or of the layer's own scores when it carries them (a model that adds a term). Returns the largest
 * difference between the probabilities and that recompute.
 */
export function worstRecompute(layer: LayerTensors, shape: BlockShape): number {
  const { heads, rows, keys } = shape;
  let worst = 0;
  for (let h = 0; h < heads; h++) {
    const probs = layer.probs.subarray(h * rows * keys, (h + 1) * rows * keys);
    const logits = layer.scores ? Float64Array.from(layer.scores.subarray(h * rows * keys, (h + 1) * rows * keys))
      : scaledDots(layer, shape, h);
    for (let i = 0; i < rows; i++) {
      const visible = (j: number) => !shape.causal || j <= i;
      let max = -Infinity;
      for (let j = 0; j < keys; j++) if (visible(j)) max = Math.max(max, logits[i * keys + j]);
      let sum = 0;
      for (let j = 0; j < keys; j++) sum += visible(j) ? Math.exp(logits[i * keys + j] - max) : 0;
      let rowSum = 0;
      for (let j = 0; j < keys; j++) {
        const p = probs[i * keys + j];
        rowSum += p;
        if (!visible(j)) assert.equal(p, 0, `head ${h}: above the diagonal at [${i}, ${j}]`);
        else worst = Math.max(worst, Math.abs(p - Math.exp(logits[i * keys + j] - max) / sum));
      }
      assert.ok(Math.abs(rowSum - 1) < 1e-5, `head ${h}: row ${i} sums to ${rowSum}`);
    }
  }
  return worst;
}

/** What the model adds to scale · q·k in each head: scores − scale · q·k, [rows × keys]; NaN where a key is hidden. */
export function additiveTerms(layer: LayerTensors, shape: BlockShape): Float64Array[] {
  assert.ok(layer.scores, 'the layer carries no scores');
  const { heads, rows, keys } = shape;
  return Array.from({ length: heads }, (_, h) => {
    const dots = scaledDots(layer, shape, h);
    return dots.map((x, at) => (shape.causal && at % keys > Math.floor(at / keys) ? NaN : layer.scores![h * rows * keys + at] - x));
  });
}

function scaledDots({ q, k }: LayerTensors, { rows, keys, headDim: d, scale }: BlockShape, h: number): Float64Array {
  const out = new Float64Array(rows * keys);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < keys; j++) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += q[(h * rows + i) * d + c] * k[(h * keys + j) * d + c];
      out[i * keys + j] = scale * dot;
    }
  }
  return out;
}
