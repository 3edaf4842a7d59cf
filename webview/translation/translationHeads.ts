// Runs in the webview: the decoder's attention of a translator as the webview holds it — one buffer per layer and
// kind (decoder self-attention, cross-attention), checked against the summary, and one head cut out of it.
import type { AttentionKind, DecoderKind, ResultSummary } from '../../shared/protocol';

/** One head of a decoder layer: probs [rows × cols], q [rows × d] from the decoder, k and v [cols × d]. */
export interface DecoderHead {
  readonly kind: DecoderKind;
  readonly rows: number;
  readonly cols: number;
  readonly d: number;
  readonly probs: Float32Array;
  readonly q: Float32Array;
  readonly k: Float32Array;
  readonly v: Float32Array;
}

export const layerKey = (kind: AttentionKind, layer: number): string => `${kind}:${layer}`;

/** rows × cols of a kind: the translation's tokens by themselves (decoder) or by the source's (cross). */
export function kindShape(summary: ResultSummary, kind: DecoderKind): { rows: number; cols: number; d: number; heads: number } | undefined {
  const t = summary.translation;
  if (!t) return undefined;
  const rows = t.tokens.length;
  return { rows, cols: kind === 'cross' ? summary.tokens.length : rows, d: t.headDim, heads: t.heads };
}

/** The buffer's values, or why they do not fit the summary. */
export function checkTranslationHeads(
  summary: ResultSummary, kind: DecoderKind, layer: number, buffer: ArrayBuffer,
): Float32Array | string {
  const shape = kindShape(summary, kind);
  if (!shape || layer >= (summary.translation?.layers ?? 0)) return 'no such decoder layer';
  const { rows, cols, d, heads } = shape;
  const values = new Float32Array(buffer);
  const expected = heads * (rows * cols + rows * d + 2 * cols * d);
  return values.length === expected ? values : `${values.length} values, expected ${expected}`;
}

/** One head of a held layer, as views (no copy). */
export function decoderHead(summary: ResultSummary, kind: DecoderKind, values: Float32Array, head: number): DecoderHead | undefined {
  const shape = kindShape(summary, kind);
  if (!shape || head >= shape.heads) return undefined;
  const { rows, cols, d, heads } = shape;
  const cut = (start: number, size: number) => values.subarray(start + head * size, start + (head + 1) * size);
  const qStart = heads * rows * cols;
  const kStart = qStart + heads * rows * d;
  const vStart = kStart + heads * cols * d;
  return { kind, rows, cols, d, probs: cut(0, rows * cols), q: cut(qStart, rows * d), k: cut(kStart, cols * d), v: cut(vStart, cols * d) };
}
