// Runs everywhere: what kind of head this is, in four numbers (the model card and the panel use the same ones).
import { rowEntropy } from './attentionMath';
import { headSlice, type AttentionResult } from './attentionResult';

export interface HeadStats {
  /** Mean attention from token i to token i − 1 (i ≥ 1): a "previous-token head" scores near 1. */
  readonly previousToken: number;
  /** Mean attention to the first token: an "attention sink" scores near 1. */
  readonly firstToken: number;
  /** Mean attention from token i to itself. */
  readonly self: number;
  /** Mean entropy of the rows, in nats: 0 is one-hot, ln(n) is uniform. */
  readonly entropy: number;
}

export function headStatsOf(probs: Float32Array, n: number): HeadStats {
  let previous = 0;
  let first = 0;
  let self = 0;
  let entropy = 0;
  for (let i = 0; i < n; i++) {
    const row = i * n;
    if (i > 0) previous += probs[row + i - 1];
    first += probs[row];
    self += probs[row + i];
    entropy += rowEntropy(probs, n, i);
  }
  return { previousToken: n > 1 ? previous / (n - 1) : 0, firstToken: first / n, self: self / n, entropy: entropy / n };
}

/** stats[layer][head]. */
export function allHeadStats(result: AttentionResult): HeadStats[][] {
  const n = result.tokens.length;
  return result.layers.map((_, layer) =>
    Array.from({ length: result.model.heads }, (_, head) => headStatsOf(headSlice(result, layer, head, 'probs'), n)));
}
