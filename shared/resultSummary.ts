// Runs everywhere: the small part of a result the panel gets first, before any tensor.
import type { AttentionResult } from './attentionResult';
import { allHeadStats } from './headStats';
import type { ResultSummary } from './protocol';

export function summarize(result: AttentionResult, resultId: number): ResultSummary {
  const t = result.translation;
  return {
    resultId, model: result.model, text: result.text, tokens: result.tokens, stats: allHeadStats(result),
    ...(t ? { translation: { text: t.text, stopped: t.stopped, tokens: t.tokens, layers: t.layers, heads: t.heads, headDim: t.headDim } }
      : {}),
  };
}
