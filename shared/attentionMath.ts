// Runs everywhere: attention recomputed from Q and K, in float64. The views show the model's own numbers;
// this exists to check them (tests) and to let people change the formula (the what-if lab).

/**
 * softmax(q·kᵀ·scale + mask) for one head, scale 1/√d unless the model uses another. q and k are [n × d]
 * row-major; returns [n × n] row-major.
 * With `causal`, key j > query i gets −∞, so its weight is exactly 0.
 */
export function attentionFromQK(q: Float32Array, k: Float32Array, n: number, d: number, causal: boolean, scale = 1 / Math.sqrt(d)): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = out.subarray(i * n, (i + 1) * n);
    let max = -Infinity;
    for (let j = 0; j < n; j++) {
      if (causal && j > i) {
        row[j] = -Infinity;
        continue;
      }
      let dot = 0;
      for (let c = 0; c < d; c++) dot += q[i * d + c] * k[j * d + c];
      row[j] = dot * scale;
      if (row[j] > max) max = row[j];
    }
    softmaxInPlace(row, max);
  }
  return out;
}

/** exp(x − max) / Σ, with −∞ giving exactly 0. */
function softmaxInPlace(row: Float64Array, max: number): void {
  let sum = 0;
  for (let j = 0; j < row.length; j++) {
    row[j] = row[j] === -Infinity ? 0 : Math.exp(row[j] - max);
    sum += row[j];
  }
  for (let j = 0; j < row.length; j++) row[j] /= sum;
}
