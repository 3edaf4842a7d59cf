// Runs everywhere: the attention math, each piece once — softmax over rows, its denominator, entropy, argmax — and
// attention recomputed from Q and K with the model's own formula, in float64. The views show the model's own
// numbers; this exists to check them (tests), to find the model's formula (the engine), and to let people change it
// (the what-if lab, whatIf.ts; the step card, cellSteps.ts; the head statistics, headStats.ts).
//
//   score_ij = f(q_i · k_j) + b_ij + mask_ij      f(x) = x · scale, or cap · tanh(x · scale / cap) with soft-capping
//   w_ij     = softmax_j(score_ij)                b: the model's additive term (ALiBi, T5 relative bias), often 0

export interface ScoreFormula {
  /** The factor q·k is multiplied by: 1/√d for most models. */
  readonly scale: number;
  /** Soft-capping limit (Gemma 2); absent or null when the model has none. */
  readonly softcap?: number | null;
}

/** f(q·k): the scaled (and soft-capped) dot product. */
export function formulaScore(formula: ScoreFormula, qk: number): number {
  const scaled = qk * formula.scale;
  return formula.softcap ? formula.softcap * Math.tanh(scaled / formula.softcap) : scaled;
}

/**
 * softmax(f(q·kᵀ) + bias + mask) for one head. q and k are [n × d] row-major; returns [n × n] row-major.
 * With `causal`, key j > query i gets −∞, so its weight is exactly 0. `bias` is [n × n] when the model adds one.
 */
export function attentionFromQK(
  q: ArrayLike<number>, k: ArrayLike<number>, n: number, d: number, causal: boolean,
  formula: ScoreFormula = { scale: 1 / Math.sqrt(d) }, bias?: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      out[i * n + j] = causal && j > i ? -Infinity : formulaScore(formula, dotAt(q, i * d, k, j * d, d)) + (bias ? bias[i * n + j] : 0);
    }
  }
  return softmaxRows(out, n);
}

function dotAt(q: ArrayLike<number>, qOffset: number, k: ArrayLike<number>, kOffset: number, d: number): number {
  let sum = 0;
  for (let c = 0; c < d; c++) sum += q[qOffset + c] * k[kOffset + c];
  return sum;
}

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
    const max = n > 0 ? row[argmax(row)] : -Infinity;
    if (max === -Infinity) {
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

/** Mean row entropy in nats (0 = one-hot). */
export function meanEntropy(probs: ArrayLike<number>, n: number): number {
  let entropy = 0;
  for (let i = 0; i < n; i++) entropy += rowEntropy(probs, n, i);
  return n ? entropy / n : 0;
}

/** A score this low (or a weight of 0) means the key is masked, not scored. */
const MASKED_BELOW = -1e3;

/** One head's tensors, [n × n] and [n × d] row-major. */
export interface HeadNumbers {
  readonly scores: ArrayLike<number>;
  readonly probs: ArrayLike<number>;
  readonly q: ArrayLike<number>;
  readonly k: ArrayLike<number>;
}

function isVisible(head: HeadNumbers, cell: number): boolean {
  return head.probs[cell] > 0 && head.scores[cell] > MASKED_BELOW;
}

/**
 * Up to `count` query rows spread evenly over 0…n−1 (always the last): enough to see a scale or an additive term,
 * at a fraction of the cost of every row for long texts (512 tokens × 144 heads × d 64 would be billions of steps).
 */
export function sampleRows(n: number, count = 16): number[] {
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  return [...new Set(Array.from({ length: count }, (_, r) => Math.round((r * (n - 1)) / (count - 1))))];
}

/** The scale that best explains scores as scale · q·k over visible keys (least squares): for graphs whose scale is computed. */
export function fitScale(heads: readonly HeadNumbers[], n: number, d: number, rows = sampleRows(n)): number {
  let sxy = 0;
  let sxx = 0;
  for (const head of heads) {
    for (const i of rows) {
      for (let j = 0; j < n; j++) {
        if (!isVisible(head, i * n + j)) continue;
        const x = dotAt(head.q, i * d, head.k, j * d, d);
        sxy += x * head.scores[i * n + j];
        sxx += x * x;
      }
    }
  }
  return sxx > 0 ? sxy / sxx : 1 / Math.sqrt(d);
}

/** b_ij = score_ij − f(q_i·k_j) where key j is visible to query i, 0 where it is masked: the model's additive term. */
export function additiveTerm(head: HeadNumbers, n: number, d: number, formula: ScoreFormula): Float64Array {
  const out = new Float64Array(n * n);
  for (let cell = 0; cell < n * n; cell++) {
    if (!isVisible(head, cell)) continue;
    const i = Math.floor(cell / n);
    const j = cell % n;
    out[cell] = head.scores[cell] - formulaScore(formula, dotAt(head.q, i * d, head.k, j * d, d));
  }
  return out;
}

/**
 * Largest |additive term| relative to 1 + the largest |score|, over the sampled rows: about 1e-6 in float32 when the
 * model adds nothing.
 */
export function relativeAdditive(head: HeadNumbers, n: number, d: number, formula: ScoreFormula, rows = sampleRows(n)): number {
  let largest = 0;
  let top = 0;
  for (const i of rows) {
    for (let j = 0; j < n; j++) {
      const cell = i * n + j;
      if (!isVisible(head, cell)) continue;
      largest = Math.max(largest, Math.abs(head.scores[cell] - formulaScore(formula, dotAt(head.q, i * d, head.k, j * d, d))));
      top = Math.max(top, Math.abs(head.scores[cell]));
    }
  }
  return largest / (1 + top);
}
