// Runs in the engine worker (Node): the model's own score formula, read from its graph and checked on its numbers.
// The scale comes from the graph's constants (or, when the graph computes it from shapes, from a least-squares fit
// of its scores on q·k); an additive term is reported when the scores differ from scale · q·k (soft-capped when the
// graph soft-caps) by more than rounding, on keys the mask leaves visible.
import { fitScale, relativeAdditive, type HeadNumbers, type ScoreFormula } from '../../shared/attentionMath';
import type { AttentionSite } from '../model/onnx/findAttention';
import type { BlockTensors } from './layerReader';

export interface ModelFormula extends ScoreFormula {
  /** The name of what the model adds besides the mask, or undefined when it adds nothing. */
  readonly additiveTerm?: string;
}

/** Rounding of q·k through float32 is ~1e-6 of the scores; float16 and 8-bit scores ~1e-3. */
const NOTHING_ADDED_BELOW = { full: 1e-4, low: 2e-2 };

const TERM_NAMES: Readonly<Record<string, string>> = {
  bloom: 'ALiBi bias', mpt: 'ALiBi bias', falcon: 'ALiBi bias', baichuan: 'ALiBi bias',
  t5: 'relative position bias', mt5: 'relative position bias', umt5: 'relative position bias', longt5: 'relative position bias',
  deberta: 'relative position bias', 'deberta-v2': 'relative position bias',
};

export function modelFormula(
  sites: readonly AttentionSite[], blocks: readonly BlockTensors[], n: number, architecture: string, lowPrecision: boolean,
): ModelFormula {
  const headsOf = (block: BlockTensors): HeadNumbers[] => Array.from({ length: block.heads }, (_, h) => ({
    scores: block.scores.subarray(h * n * n, (h + 1) * n * n),
    probs: block.probs.subarray(h * n * n, (h + 1) * n * n),
    q: block.q.subarray(h * n * block.headDim, (h + 1) * n * block.headDim),
    k: block.k.subarray(h * n * block.headDim, (h + 1) * n * block.headDim),
  }));
  const first = blocks[0];
  const scale = sites[0].scale ?? fitScale(headsOf(first), n, first.headDim);
  const formula: ScoreFormula = { scale, softcap: sites[0].softcap };
  const limit = lowPrecision ? NOTHING_ADDED_BELOW.low : NOTHING_ADDED_BELOW.full;
  const adds = blocks.some((block) => headsOf(block).some((head) => relativeAdditive(head, n, block.headDim, formula) > limit));
  return { ...formula, ...(adds ? { additiveTerm: TERM_NAMES[architecture] ?? 'additive bias' } : {}) };
}
