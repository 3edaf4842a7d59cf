// Runs everywhere: one attention cell taken apart, step by step, from the head's real q, k and v —
// q_i ⊙ k_j → Σ → ×scale → + mask → exp → ÷ row denominator → weight — and the head's output for token i,
// Σ_j w_ij v_j, with the tokens that contribute most. The step-by-step card shows these numbers.
import { argmax, expSum } from './attentionMath';
import { ENGLISH, type Translator } from './l10nStrings';
import { dot, hiddenReason, logitRow, scaleValue, scoreOf, MIN_TEMPERATURE, MODEL_SETTINGS, type WhatIfInput,
  type WhatIfSettings } from './whatIf';

export interface CellSteps {
  readonly query: number;
  readonly key: number;
  readonly d: number;
  /** q_i and k_j, d values each. */
  readonly q: Float64Array;
  readonly k: Float64Array;
  /** q_i[c] · k_j[c] for each c. */
  readonly products: Float64Array;
  /** Σ_c products[c] = q_i · k_j. */
  readonly dot: number;
  /** f(q_i, k_j): equal to `dot` for the model's scoring. */
  readonly score: number;
  readonly scale: number;
  readonly temperature: number;
  /** score · scale. */
  readonly times: number;
  /** The model's soft-cap (cap · tanh(times / cap)), when it has one. */
  readonly softcap?: { readonly cap: number; readonly value: number };
  /** The model's additive term for this cell (ALiBi, T5's relative bias), when it has one. */
  readonly bias?: { readonly label: string; readonly value: number };
  /** (soft-capped score · scale + bias) / temperature. */
  readonly scaled: number;
  /** 0, or −∞ when key j is hidden from query i. */
  readonly mask: 0 | typeof Number.NEGATIVE_INFINITY;
  /** Why the key is hidden ("causal: key after query"); undefined when it is visible. */
  readonly maskReason: string | undefined;
  /** scaled + mask. */
  readonly logit: number;
  /**
   * Subtracted from every logit of the row before exp so that exp cannot overflow; it cancels in the division.
   * 0 whenever the row's logits are small enough to exponentiate directly (the usual case).
   */
  readonly shift: number;
  /** exp(logit − shift); 0 for a masked key. */
  readonly exp: number;
  /** Σ_j' exp(logit_ij' − shift): the row's softmax denominator. */
  readonly denominator: number;
  /** exp / denominator: the attention weight w_ij. */
  readonly weight: number;
}

/** Row logits up to this size are exponentiated as they are (e^80 ≈ 5.5e34, far from float64 overflow). */
const DIRECT_EXP_LIMIT = 80;

/** `l10n` writes the mask's reason (the webview passes its own; English otherwise). */
export function cellSteps(
  input: WhatIfInput, query: number, key: number, settings: WhatIfSettings = MODEL_SETTINGS, l10n: Translator = ENGLISH,
): CellSteps {
  const { q, k, d } = input;
  const qi = Float64Array.from({ length: d }, (_, c) => q[query * d + c]);
  const kj = Float64Array.from({ length: d }, (_, c) => k[key * d + c]);
  const products = qi.map((x, c) => x * kj[c]);
  let sum = 0;
  for (const p of products) sum += p;
  const qNorm = Math.sqrt(dot(qi, 0, qi, 0, d));
  const kNorm = Math.sqrt(dot(kj, 0, kj, 0, d));
  const score = scoreOf(settings.scoring, sum, qNorm, kNorm);
  const formula = input.formula;
  const scale = scaleValue(settings.scale, d, formula?.scale);
  const temperature = Math.max(settings.temperature, MIN_TEMPERATURE);
  const times = score * scale;
  const capped = formula?.softcap ? formula.softcap * Math.tanh(times / formula.softcap) : times;
  const biasValue = formula?.bias ? formula.bias[query * input.n + key] : undefined;
  const scaled = (capped + (biasValue ?? 0)) / temperature;
  const reason = hiddenReason(settings, input, query, key, l10n);
  const mask = reason === undefined ? 0 : -Infinity;
  // The whole row, for the denominator: the same function the what-if matrix uses.
  const row = logitRow(input, settings, query);
  const logit = row[key];
  const max = row[argmax(row)];
  const shift = max > DIRECT_EXP_LIMIT ? max : 0;
  const denominator = expSum(row, shift);
  const exp = logit === -Infinity ? 0 : Math.exp(logit - shift);
  return {
    query, key, d, q: qi, k: kj, products, dot: sum, score, scale, temperature, times, scaled, mask, maskReason: reason, logit,
    ...(formula?.softcap ? { softcap: { cap: formula.softcap, value: capped } } : {}),
    ...(biasValue !== undefined ? { bias: { label: formula?.biasLabel ?? 'bias', value: biasValue } } : {}),
    shift, exp, denominator, weight: denominator > 0 ? exp / denominator : 0,
  };
}

export interface Contribution {
  readonly token: number;
  readonly weight: number;
  /** ‖w_ij v_j‖. */
  readonly norm: number;
  /** The part of o_i this token supplies: (w_ij v_j · o_i) / ‖o_i‖²; the shares of a row sum to 1. */
  readonly share: number;
}

export interface TokenOutput {
  readonly query: number;
  /** o_i = Σ_j w_ij v_j: this head's output for token i, d values. */
  readonly output: Float64Array;
  readonly norm: number;
  /** Every key with a non-zero weight, largest share first. */
  readonly contributions: readonly Contribution[];
}

/** The head's output for token i from a row of weights (the model's or a what-if's) and the head's V [n × d]. */
export function tokenOutput(weights: ArrayLike<number>, v: ArrayLike<number>, n: number, d: number, query: number): TokenOutput {
  const output = new Float64Array(d);
  for (let j = 0; j < n; j++) {
    const w = weights[j];
    for (let c = 0; c < d; c++) output[c] += w * v[j * d + c];
  }
  const size2 = dot(output, 0, output, 0, d);
  const contributions: Contribution[] = [];
  for (let j = 0; j < n; j++) {
    const w = weights[j];
    if (w === 0) continue;
    const part = Float64Array.from({ length: d }, (_, c) => w * v[j * d + c]);
    contributions.push({
      token: j,
      weight: w,
      norm: Math.sqrt(dot(part, 0, part, 0, d)),
      share: size2 > 0 ? dot(part, 0, output, 0, d) / size2 : 0,
    });
  }
  contributions.sort((a, b) => b.share - a.share);
  return { query, output, norm: Math.sqrt(size2), contributions };
}
