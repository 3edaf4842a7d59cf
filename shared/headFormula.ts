// Runs everywhere (webview, tests): one head's true formula from a result's model facts and the head's tensors —
// the model's scale and soft-cap, and its additive term b = scores − g(q·k · scale) where the model has one.
import { additiveTerm } from './attentionMath';
import { scaleOf, type ModelFacts } from './attentionResult';
import type { HeadFormula } from './whatIf';

export interface HeadNumbersIn {
  readonly probs: ArrayLike<number>;
  readonly q: ArrayLike<number>;
  readonly k: ArrayLike<number>;
  /** The Softmax input, present when the model adds more than a scale and a mask. */
  readonly scores?: ArrayLike<number>;
}

export function headFormula(model: ModelFacts, head: HeadNumbersIn, n: number): HeadFormula {
  const base = { scale: scaleOf(model), softcap: model.softcap ?? null, ...modelMask(model, head.probs, n) };
  if (!model.additiveTerm || !head.scores) return base;
  const bias = additiveTerm({ scores: head.scores, probs: head.probs, q: head.q, k: head.k }, n, model.headDim, base);
  return { ...base, bias, biasLabel: model.additiveTerm };
}

/** Keys the model gave exactly 0 that causality does not explain: its own mask (Gemma 2's sliding window, padding). */
function modelMask(model: ModelFacts, probs: ArrayLike<number>, n: number): { hidden?: Uint8Array } {
  const hidden = new Uint8Array(n * n);
  let any = false;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (probs[i * n + j] === 0 && !(model.causal && j > i)) {
        hidden[i * n + j] = 1;
        any = true;
      }
    }
  }
  return any ? { hidden } : {};
}
