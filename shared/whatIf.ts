// Runs everywhere: attention of one head recomputed from its real Q and K under a variation of the formula —
// the what-if lab's math. Pure functions on row-major arrays; float64 throughout.
//
//   score_ij = f(q_i, k_j)              f: dot, squared dot (sign kept), negated dot or cosine
//   logit_ij = (g(score_ij · scale) + b_ij) / T + mask_ij        mask: 0, or −∞ for a key the token may not see
//   g: the model's soft-capping cap·tanh(x / cap) when it has one (Gemma 2), else x; b: the model's additive term
//   (ALiBi, T5's relative bias), else 0; scale: the model's own unless the lab changes it.
//   w_ij     = exp(logit_ij) / Σ_j' exp(logit_ij')   (computed as exp(logit − row max): same value, no overflow)
//
// With the model's own settings (dot, 1/√d, T = 1, the model's mask) this is exactly the model's formula, and the
// unit tests check that it gives back the model's attention to 1e-5.

import { formulaScore, softmaxRows, type ScoreFormula } from './attentionMath';
import { ENGLISH, type Translator } from './l10nStrings';

// Softmax, entropy and argmax live in attentionMath.ts; these names are kept for the views that import them here.
export { meanEntropy, softmaxRows, topKey } from './attentionMath';

/** How a query and a key are compared. */
export type Scoring = 'dot' | 'squaredDot' | 'negatedDot' | 'cosine';

export type ScaleChoice =
  /** The model's own scale (1/√d for most models; the name is kept so that saved settings still load). */
  | { readonly kind: 'sqrtD' }
  | { readonly kind: 'one' }
  | { readonly kind: 'custom'; readonly value: number };

export type MaskChoice =
  | { readonly kind: 'model' }
  | { readonly kind: 'none' }
  | { readonly kind: 'causal' }
  | { readonly kind: 'antiCausal' }
  /** Keys fewer than `size` positions away from the query (and, in a causal model, not after it). */
  | { readonly kind: 'window'; readonly size: number };

export interface WhatIfSettings {
  readonly scoring: Scoring;
  readonly scale: ScaleChoice;
  /** Softmax temperature: logits are divided by it. 1 is the model's. */
  readonly temperature: number;
  readonly mask: MaskChoice;
}

/** The formula the model itself uses. */
export const MODEL_SETTINGS: WhatIfSettings = { scoring: 'dot', scale: { kind: 'sqrtD' }, temperature: 1, mask: { kind: 'model' } };

export const MIN_TEMPERATURE = 0.05;

export function isModelSettings(s: WhatIfSettings): boolean {
  return s.scoring === 'dot' && s.scale.kind === 'sqrtD' && s.temperature === 1 && s.mask.kind === 'model';
}

/** The number the score is multiplied by; `modelScale` is the model's own (1/√d when unknown). */
export function scaleValue(scale: ScaleChoice, d: number, modelScale = 1 / Math.sqrt(d)): number {
  switch (scale.kind) {
    case 'sqrtD':
      return modelScale;
    case 'one':
      return 1;
    case 'custom':
      return scale.value;
  }
}

/** "1/√8" for the model's scale when it is 1/√d, else the number: "1", "0.25", "0.5". */
export function scaleText(scale: ScaleChoice, d: number, modelScale = 1 / Math.sqrt(d)): string {
  const value = scaleValue(scale, d, modelScale);
  const isRootD = scale.kind === 'sqrtD' && Math.abs(value * Math.sqrt(d) - 1) < 1e-6;
  return isRootD ? `1/√${d}` : String(Number(value.toPrecision(6)));
}

/** Dot product of q[qOffset…+d) and k[kOffset…+d). */
export function dot(q: ArrayLike<number>, qOffset: number, k: ArrayLike<number>, kOffset: number, d: number): number {
  let sum = 0;
  for (let c = 0; c < d; c++) sum += q[qOffset + c] * k[kOffset + c];
  return sum;
}

function norm(x: ArrayLike<number>, offset: number, d: number): number {
  return Math.sqrt(dot(x, offset, x, offset, d));
}

/** f(q, k) for one pair, given their dot product and (for cosine) their norms. */
export function scoreOf(scoring: Scoring, qk: number, qNorm: number, kNorm: number): number {
  switch (scoring) {
    case 'dot':
      return qk;
    case 'squaredDot':
      return Math.sign(qk) * qk * qk;
    case 'negatedDot':
      return -qk;
    case 'cosine':
      return qNorm > 0 && kNorm > 0 ? qk / (qNorm * kNorm) : 0;
  }
}

/** Why key j is hidden from query i under this mask, or undefined when it is visible. */
export function maskReason(mask: MaskChoice, causalModel: boolean, i: number, j: number, l10n: Translator = ENGLISH): string | undefined {
  const after = j > i;
  switch (mask.kind) {
    case 'model':
      return causalModel && after ? l10n.t('causal: key after query') : undefined;
    case 'none':
      return undefined;
    case 'causal':
      return after ? l10n.t('causal: key after query') : undefined;
    case 'antiCausal':
      return j < i ? l10n.t('anti-causal: key before query') : undefined;
    case 'window':
      if (causalModel && after) return l10n.t('causal: key after query');
      return Math.abs(i - j) >= mask.size ? l10n.t('window: key {0} positions away (window {1})', Math.abs(i - j), mask.size) : undefined;
  }
}

export interface WhatIfInput {
  /** [n × d] row-major, as the model computed them. */
  readonly q: ArrayLike<number>;
  readonly k: ArrayLike<number>;
  readonly n: number;
  readonly d: number;
  /** The model's own mask is causal. */
  readonly causal: boolean;
  /** The model's own formula: scale, soft-cap and additive term. Absent: 1/√d and nothing else. */
  readonly formula?: HeadFormula;
}

/** One head's formula: the model's scale and soft-cap, and its additive term b [n × n] with its name. */
export interface HeadFormula extends ScoreFormula {
  readonly bias?: ArrayLike<number>;
  /** "ALiBi bias", "relative position bias". */
  readonly biasLabel?: string;
  /** [n × n], 1 where the model's own mask hides a key beyond causality (a sliding window, padding). */
  readonly hidden?: ArrayLike<number>;
}

/** Why key j is hidden from query i: the lab's mask choice, or the model's own mask beyond causality. */
export function hiddenReason(settings: WhatIfSettings, input: WhatIfInput, i: number, j: number,
  l10n: Translator = ENGLISH): string | undefined {
  const reason = maskReason(settings.mask, input.causal, i, j, l10n);
  if (reason !== undefined || settings.mask.kind !== 'model') return reason;
  return input.formula?.hidden?.[i * input.n + j] ? l10n.t('the model’s own mask hides this key (a sliding window or padding)') : undefined;
}

/** ‖q_i‖ and ‖k_j‖ for every token: only cosine scoring needs them. */
export interface Norms {
  readonly q: Float64Array;
  readonly k: Float64Array;
}

export function normsOf(input: WhatIfInput): Norms {
  const { q, k, n, d } = input;
  return {
    q: Float64Array.from({ length: n }, (_, i) => norm(q, i * d, d)),
    k: Float64Array.from({ length: n }, (_, j) => norm(k, j * d, d)),
  };
}

/** logit_ij for one query i and every key j (−∞ where masked): the one place the formula is written. */
export function logitRow(input: WhatIfInput, settings: WhatIfSettings, i: number, norms?: Norms): Float64Array {
  const { q, k, n, d, formula } = input;
  // g(score · scale): the soft-cap is part of the model's formula, so it stays when the lab changes the scale.
  const scaled: ScoreFormula = { scale: scaleValue(settings.scale, d, formula?.scale), softcap: formula?.softcap };
  const temperature = Math.max(settings.temperature, MIN_TEMPERATURE);
  const ns = settings.scoring === 'cosine' ? (norms ?? normsOf(input)) : undefined;
  const row = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const score = scoreOf(settings.scoring, dot(q, i * d, k, j * d, d), ns?.q[i] ?? 0, ns?.k[j] ?? 0);
    row[j] = hiddenReason(settings, input, i, j) !== undefined
      ? -Infinity
      : (formulaScore(scaled, score) + (formula?.bias?.[i * n + j] ?? 0)) / temperature;
  }
  return row;
}

/** logit_ij (−∞ where masked), [n × n] row-major. */
export function whatIfLogits(input: WhatIfInput, settings: WhatIfSettings): Float64Array {
  const { n } = input;
  const norms = settings.scoring === 'cosine' ? normsOf(input) : undefined;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out.set(logitRow(input, settings, i, norms), i * n);
  return out;
}

/** The attention matrix [n × n] under these settings. */
export function whatIfAttention(input: WhatIfInput, settings: WhatIfSettings): Float64Array {
  return softmaxRows(whatIfLogits(input, settings), input.n);
}

/** The head's output o_i = Σ_j w_ij v_j for every token: [n × d] row-major. */
export function headOutputs(probs: ArrayLike<number>, v: ArrayLike<number>, n: number, d: number): Float64Array {
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const w = probs[i * n + j];
      if (w === 0) continue;
      for (let c = 0; c < d; c++) out[i * d + c] += w * v[j * d + c];
    }
  }
  return out;
}

export interface OutputChange {
  /** ‖o'_i − o_i‖ for each token i. */
  readonly perToken: Float64Array;
  /** Mean over tokens of ‖o'_i − o_i‖. */
  readonly mean: number;
  /** Mean over tokens of ‖o_i‖ (the model's outputs), for scale. */
  readonly meanNorm: number;
  /** The token whose output moved most. */
  readonly largestAt: number;
}

/** How far the head's output vectors move: the norm of the change, per token and on average. */
export function outputChange(base: ArrayLike<number>, variant: ArrayLike<number>, n: number, d: number): OutputChange {
  const perToken = new Float64Array(n);
  let total = 0;
  let totalNorm = 0;
  let largestAt = 0;
  for (let i = 0; i < n; i++) {
    let change = 0;
    let size = 0;
    for (let c = 0; c < d; c++) {
      const delta = variant[i * d + c] - base[i * d + c];
      change += delta * delta;
      size += base[i * d + c] * base[i * d + c];
    }
    perToken[i] = Math.sqrt(change);
    total += perToken[i];
    totalNorm += Math.sqrt(size);
    if (perToken[i] > perToken[largestAt]) largestAt = i;
  }
  return { perToken, mean: n ? total / n : 0, meanNorm: n ? totalNorm / n : 0, largestAt };
}

/** Largest |a − b| over two equally long arrays, and where. */
export function largestDifference(a: ArrayLike<number>, b: ArrayLike<number>): { readonly value: number; readonly index: number } {
  let value = 0;
  let index = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = Math.abs(a[i] - b[i]);
    if (diff > value) {
      value = diff;
      index = i;
    }
  }
  return { value, index };
}

/** Largest |x|: the top of a colour scale (symmetric for signed values). */
export function largestMagnitude(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]));
  return max;
}
