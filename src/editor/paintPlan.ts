// Runs in the extension host (no VS Code API): what the editor paint shows for one query token of one head —
// each key's weight, shade step and rank, and the words of its hover and of the status bar item.
import { headSlice, type AttentionResult, type Token } from '../../shared/attentionResult';
import type { HeadRef } from '../../shared/protocol';
import { ENGLISH, type Translator } from '../../shared/l10nStrings';

/** Shade steps. Each step lays the paint colour once more over the token, so steps darken as they stack. */
export const PAINT_STEPS = 6;
/** Below this weight a key gets no paint (it still has a hover). */
const FAINTEST = 0.005;

export interface KeyPaint {
  readonly token: number;
  readonly weight: number;
  /** 0 (no paint) … PAINT_STEPS. */
  readonly step: number;
  /** 1 for the strongest key of the row; masked keys have none. */
  readonly rank: number | undefined;
  /** Causal model, key after the query: the model cannot look at it. */
  readonly masked: boolean;
  readonly hover: string;
}

export interface PaintPlan {
  readonly ref: HeadRef;
  readonly query: number;
  readonly keys: readonly KeyPaint[];
  /** "L1 H2 · " it" → " pizza" 0.645": the strongest key, for the status bar. */
  readonly strongest: string;
}

/**
 * The shade step of a weight: the square root spreads the small weights of a long row over visible steps (a
 * uniform row of 20 tokens, 0.05 each, is step 2, not invisible), and 1.0 is the darkest step.
 */
export function stepOf(weight: number): number {
  return weight < FAINTEST ? 0 : Math.min(PAINT_STEPS, Math.ceil(PAINT_STEPS * Math.sqrt(weight)));
}

/** How a token is named in a hover: its text in quotes, or its display for special tokens and split characters. */
export function tokenLabel(text: string, token: Token): string {
  if (token.special || token.start === token.end || /<[0-9A-F]{2}( [0-9A-F]{2})*>/.test(token.display)) return token.display;
  return JSON.stringify(text.slice(token.start, token.end));
}

export const refLabel = (ref: HeadRef, l10n: Translator = ENGLISH): string => l10n.t('L{0} H{1}', ref.layer + 1, ref.head + 1);

/** `l10n`: the language of the hovers (the extension passes vscode.l10n; English otherwise). */
export function planPaint(result: AttentionResult, ref: HeadRef, query: number, l10n: Translator = ENGLISH): PaintPlan {
  const { tokens, text, model } = result;
  const n = tokens.length;
  const name = (index: number) => tokenLabel(text, tokens[index]);
  return planWeights({
    ref, query, weights: headSlice(result, ref.layer, ref.head, 'probs').subarray(query * n, (query + 1) * n),
    visible: (key) => !(model.causal && key > query),
    line: (key, weight) => `${refLabel(ref, l10n)} · ${name(query)} → ${name(key)} ${weight.toFixed(3)}`,
    rank: (line, rank, of) => l10n.t('{0} · rank {1} of {2} in the row of {3}', line, rank, of, name(query)),
    masked: (key) =>
      // eslint-disable-next-line max-len -- one literal: scripts/l10n-export.mjs collects l10n.t messages whole
      l10n.t('{0} · {1} → {2}: nothing. A causal model reads only the tokens up to the query; {2} comes after {1}, so the mask sets its weight to 0.',
        refLabel(ref, l10n), name(query), name(key)),
  });
}

/** The weights one token gives or gets, as a plan: how each is worded is up to the caller. */
export interface WeightLine {
  readonly ref: HeadRef;
  /** The outlined token (its index in its own text). */
  readonly query: number;
  /** One weight per painted token. */
  readonly weights: Float32Array;
  readonly visible: (key: number) => boolean;
  /** "L1 H2 · " it" → " pizza" 0.645". */
  readonly line: (key: number, weight: number) => string;
  /** The hover of a visible token: its line and rank. */
  readonly rank: (line: string, rank: number, of: number) => string;
  /** The hover of a masked token. */
  readonly masked: (key: number) => string;
}

export function planWeights(spec: WeightLine): PaintPlan {
  const { weights } = spec;
  const order = [...weights.keys()].filter(spec.visible).sort((a, b) => weights[b] - weights[a]);
  const rankOf = new Map(order.map((key, index) => [key, index + 1]));
  const keys = [...weights.keys()].map((key): KeyPaint => {
    const masked = !spec.visible(key);
    const rank = rankOf.get(key);
    const hover = masked ? spec.masked(key) : spec.rank(spec.line(key, weights[key]), rank ?? 0, order.length);
    return { token: key, weight: masked ? 0 : weights[key], step: masked ? 0 : stepOf(weights[key]), rank, masked, hover };
  });
  return { ref: spec.ref, query: spec.query, keys, strongest: order.length > 0 ? spec.line(order[0], weights[order[0]]) : '' };
}
