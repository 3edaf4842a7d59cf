// Runs everywhere: the attention math, each piece once — softmax over rows, its denominator, entropy and argmax —
// and attention recomputed from Q and K, in float64. The views show the model's own numbers; the recomputation
// exists to check them (tests) and to let people change the formula (the what-if lab, whatIf.ts; the step card,
// cellSteps.ts; the head statistics, headStats.ts).

/** Σ_j exp(x_j − shift) over a row of logits; −∞ (a masked key) adds exactly 0. */
export function expSum(row: ArrayLike<number>, shift: number): number {
  let sum = 0;
  for (let j = 0; j < row.length; j++) sum += row[j] === -Infinity ? 0 : Math.exp(row[j] - shift);
  return sum;
}

/** Row-wise softmax of [n × n] logits, in place; −∞ gives exactly 0, and a row with every key masked stays all 0. */
export function softmaxRows(logits: Float64Array, n: number): Float64Array {
  for (let i = 0; i < n; i++) {
    const row = logits.subarray(i * n, (i + 1) * n);
    const max = row[argmax(row)];
    if (max === -Infinity || max === undefined) {
      row.fill(0);
      continue;
    }
    const sum = expSum(row, max);
    for (let j = 0; j < n; j++) row[j] = row[j] === -Infinity ? 0 : Math.exp(row[j] - max) / sum;
  }
  return logits;
}

/** The index of the largest value in values[start, end), counted from `start` (the first one on a tie). */
export function argmax(values: ArrayLike<number>, start = 0, end = values.length): number {
  let best = start;
  for (let i = start + 1; i < end; i++) if (values[i] > values[best]) best = i;
  return best - start;
}

/** The key with the largest weight in row i of an [n × n] matrix (the first one on a tie). */
export function topKey(probs: ArrayLike<number>, n: number, i: number): number {
  return argmax(probs, i * n, (i + 1) * n);
}

/** The entropy in nats of row i of an [n × n] matrix (0 = one-hot). */
export function rowEntropy(probs: ArrayLike<number>, n: number, i: number): number {
  let entropy = 0;
  for (let j = i * n; j < (i + 1) * n; j++) if (probs[j] > 0) entropy -= probs[j] * Math.log(probs[j]);
  return entropy;
}

/** Mean row entropy in nats. */
export function meanEntropy(probs: ArrayLike<number>, n: number): number {
  let entropy = 0;
  for (let i = 0; i < n; i++) entropy += rowEntropy(probs, n, i);
  return n ? entropy / n : 0;
}

/**
 * softmax(q·kᵀ/√d + mask) for one head. q and k are [n × d] row-major; returns [n × n] row-major.
 * With `causal`, key j > query i gets −∞, so its weight is exactly 0.
 */
export function attentionFromQK(q: Float32Array, k: Float32Array, n: number, d: number, causal: boolean): Float64Array {
  const out = new Float64Array(n * n);
  const scale = 1 / Math.sqrt(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (causal && j > i) {
        out[i * n + j] = -Infinity;
        continue;
      }
      let dot = 0;
      for (let c = 0; c < d; c++) dot += q[i * d + c] * k[j * d + c];
      out[i * n + j] = dot * scale;
    }
  }
  return softmaxRows(out, n);
}
