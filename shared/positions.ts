// Runs everywhere: position encodings for the Positions view — the sinusoidal reference of "Attention is all you
// need", and the cosine similarity between the position vectors of any encoding (sinusoidal or a model's learned one).

/**
 * PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d)) for pos = 0…n−1:
 * [n × d] row-major.
 */
export function sinusoidalPositions(n: number, d: number): Float64Array {
  const out = new Float64Array(n * d);
  for (let pos = 0; pos < n; pos++) {
    for (let c = 0; c < d; c++) {
      const i2 = c - (c % 2); // 2i for both members of the pair
      const angle = pos / 10000 ** (i2 / d);
      out[pos * d + c] = c % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return out;
}

/** cos(p_a, p_b) for every pair of rows of an [n × d] matrix: [n × n]; a zero row gives 0. */
export function cosineSimilarity(rows: ArrayLike<number>, n: number, d: number): Float64Array {
  const norms = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += rows[a * d + c] ** 2;
    norms[a] = Math.sqrt(s);
  }
  const out = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += rows[a * d + c] * rows[b * d + c];
      const value = norms[a] > 0 && norms[b] > 0 ? s / (norms[a] * norms[b]) : 0;
      out[a * n + b] = value;
      out[b * n + a] = value;
    }
  }
  return out;
}

/** The p-quantile (0…1) of |x|: a colour scale that one outlying value cannot wash out. */
export function percentileMagnitude(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values, Math.abs).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))];
}
