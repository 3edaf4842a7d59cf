// Runs in Node (CLI): a short, human summary of a result.
import { headSlice, type AttentionResult, type Translation } from '../../shared/attentionResult';

export interface StrongestCell {
  readonly query: number;
  readonly key: number;
  readonly weight: number;
}

/**
 * The largest weight of a head, among queries that had a choice: in a causal model the first query
 * can only attend to itself, so its weight of 1 says nothing about the head.
 */
export function strongestCell(result: AttentionResult, layer: number, head: number): StrongestCell {
  const n = result.tokens.length;
  const probs = headSlice(result, layer, head, 'probs');
  const firstRow = result.model.causal && n > 1 ? 1 : 0;
  let best: StrongestCell = { query: firstRow, key: 0, weight: -1 };
  for (let i = firstRow; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const weight = probs[i * n + j];
      if (weight > best.weight) best = { query: i, key: j, weight };
    }
  }
  return best;
}

export function formatSummary(result: AttentionResult): string {
  const { model, tokens } = result;
  const n = tokens.length;
  const label = (i: number) => JSON.stringify(tokens[i].display);
  const lines = [
    `Model: ${model.id} (${model.architecture}, ` +
    `${model.causal ? 'causal' : 'bidirectional'}${model.quantizedScores ? ', quantized Q·Kᵀ' : ''}): ` +
      `${model.layers} layers × ${model.heads} heads × ${model.headDim} dims`,
    ...(model.onnxFile ? [`ONNX file: ${model.onnxFile}`] : []),
    ...(model.kvHeadOf ? [`Grouped K/V heads: ${kvGroups(model.kvHeadOf)}`] : []),
    ...(model.fused ? [`Fused attention opened up: ${model.fused.join(', ')} (replaced by the standard operators it stands for)`] : []),
    ...(model.notes ?? []).map((note) => `Note: ${note}`),
    `Tokens (${n}): ${tokens.map((t) => (t.special ? `[${t.display}]` : t.display)).join(' | ')}`,
    `Per layer: attention [${model.heads} × ${n} × ${n}], Q, K, V [${model.heads} × ${n} × ${model.headDim}]`,
    'Strongest attention of each head (query → key: weight):',
  ];
  for (let layer = 0; layer < model.layers; layer++) {
    const cells = [];
    for (let head = 0; head < model.heads; head++) {
      const s = strongestCell(result, layer, head);
      cells.push(`  L${layer} H${head}: ${label(s.query)} → ${label(s.key)}: ${s.weight.toFixed(4)}`);
    }
    lines.push(...cells);
  }
  if (result.translation) lines.push(...translationLines(result, result.translation));
  return lines.join('\n');
}

/** The translation, its tokens, and each decoder head's strongest cross-attention: translated token → source token. */
function translationLines(result: AttentionResult, t: Translation): string[] {
  const source = (j: number) => JSON.stringify(result.tokens[j].display);
  const target = (i: number) => JSON.stringify(t.tokens[i].display);
  const rows = t.tokens.length;
  const cols = result.tokens.length;
  const lines = [
    `Translation${t.stopped === 'length' ? ' (cut at the length limit)' : ''}: ${t.text}`,
    `Translated tokens (${rows}): ${t.tokens.map((x) => (x.special ? `[${x.display}]` : x.display)).join(' | ')}`,
    `Decoder: ${t.layers} layers × ${t.heads} heads × ${t.headDim} dims; cross-attention [${t.heads} × ${rows} × ${cols}]`,
    'Strongest cross-attention of each head (translated token → source token: weight):',
  ];
  t.cross.forEach((layer, l) => {
    for (let h = 0; h < t.heads; h++) {
      const probs = layer.probs.subarray(h * rows * cols, (h + 1) * rows * cols);
      let best = 0;
      for (let i = 1; i < probs.length; i++) if (probs[i] > probs[best]) best = i;
      lines.push(`  L${l} H${h}: ${target(Math.floor(best / cols))} → ${source(best % cols)}: ${probs[best].toFixed(4)}`);
    }
  });
  return lines;
}

/** "query heads 0-1 share K/V head 0; 2-3 share K/V head 1". */
export function kvGroups(kvHeadOf: readonly number[]): string {
  const groups: string[] = [];
  for (let kv = 0; kv <= Math.max(...kvHeadOf); kv++) {
    const heads = kvHeadOf.flatMap((k, h) => (k === kv ? [h] : []));
    const span = heads.length > 1 && heads.at(-1)! - heads[0] === heads.length - 1 ? `${heads[0]}-${heads.at(-1)}` : heads.join(',');
    groups.push(`${span} share K/V head ${kv}`);
  }
  return `query heads ${groups.join('; ')}`;
}
