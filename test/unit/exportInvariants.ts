// Test helper: the invariants every export must hold, measured — rows sum to 1; softmax(scores) = attention where
// scores exist; and the model's own formula (its recorded scale and soft-cap, plus its additive term where it has
// one, read from the scores) applied to q and k gives back the attention. Without an additive term the recompute
// uses nothing but q, k, the scale and the mask, so it checks the recorded scale too.
import { attentionFromQK, formulaScore, type ScoreFormula } from '../../shared/attentionMath';
import type { AttentionExport } from '../../shared/exportSchema';

export interface InvariantFigures {
  /** max |Σ_j attention_ij − 1| over every row of every head. */
  readonly rowSum: number;
  /** max |attention − softmax(f(q·kᵀ) + bias + mask)| recomputed in float64 from the export's own q and k. */
  readonly recompute: number;
  /** max |attention − softmax(scores)|, where the export carries scores; 0 otherwise. */
  readonly scoresSoftmax: number;
}

export function measureInvariants(doc: AttentionExport): InvariantFigures {
  const n = doc.tokens.length;
  const d = doc.model.head_dim;
  const formula: ScoreFormula = { scale: doc.model.scale, softcap: doc.model.softcap ?? null };
  let rowSum = 0;
  let recompute = 0;
  let scoresSoftmax = 0;
  for (const layer of doc.layers) {
    for (const head of layer.heads) {
      const attention = head.attention.flat();
      for (const row of head.attention) rowSum = Math.max(rowSum, Math.abs(row.reduce((a, b) => a + b, 0) - 1));
      const q = head.q.flat();
      const k = head.k.flat();
      // The additive term is what the scores hold beyond f(q·k) on visible keys. Keys the model gave exactly 0 (its
      // mask: causal, padding, a sliding window) get −∞, so they are masked in the recompute too.
      const scores = head.scores?.flat();
      const bias = attention.map((w, cell) => {
        if (w === 0) return -Infinity;
        return scores ? scores[cell] - formulaScore(formula, dot(q, k, Math.floor(cell / n), cell % n, d)) : 0;
      });
      const expected = attentionFromQK(q, k, n, d, doc.model.causal, formula, bias);
      for (let cell = 0; cell < n * n; cell++) recompute = Math.max(recompute, Math.abs(expected[cell] - attention[cell]));
      if (scores) {
        const fromScores = attentionFromQK(new Float64Array(n), new Float64Array(n), n, 1, false, { scale: 0 }, scores);
        for (let cell = 0; cell < n * n; cell++) scoresSoftmax = Math.max(scoresSoftmax, Math.abs(fromScores[cell] - attention[cell]));
      }
    }
  }
  return { rowSum, recompute, scoresSoftmax };
}

function dot(q: readonly number[], k: readonly number[], i: number, j: number, d: number): number {
  let sum = 0;
  for (let c = 0; c < d; c++) sum += q[i * d + c] * k[j * d + c];
  return sum;
}
