// Runs in the engine worker (Node): one attention block's outputs, brought to the shapes we promise —
// probs and scores [H, n, n], q, k, v [H, n, D] — whatever the graph's layout: 4-D [B, H, S, ·] or 3-D [B·H, S, ·],
// Kᵀ or K, and with the padding of a fixed-length graph cut off (only the n real tokens are kept).
import type * as ort from 'onnxruntime-node';
import { QkvError } from '../../shared/errors';
import { outputName, type ExposedKind } from '../model/onnx/exposeAttention';
import type { AttentionSite } from '../model/onnx/findAttention';

export interface BlockTensors {
  readonly heads: number;
  readonly headDim: number;
  readonly scores: Float32Array;
  readonly probs: Float32Array;
  readonly q: Float32Array;
  readonly k: Float32Array;
  readonly v: Float32Array;
}

/**
 * @param length the length the graph ran at; @param n the real tokens among them (the first n).
 * @param keys the same for the keys when they are another sequence (cross-attention: the source), else the queries'.
 */
export function readBlock(
  outputs: ort.InferenceSession.OnnxValueMapType, index: number, site: AttentionSite, length: number, n: number, modelLabel: string,
  keys: { readonly length: number; readonly n: number } = { length, n },
): BlockTensors {
  const get = (kind: ExposedKind) => outputs[outputName(index, kind)] as ort.Tensor;
  const fail = (what: string) => new QkvError('no-attention',
    `${modelLabel}: attention block ${index} has an unexpected layout (${what}); QKV Scope reads [batch, heads, n, n] or [batch·heads, n, n] probabilities and [batch, heads, n, d] or [batch·heads, n, d] Q, K and V.`);
  const probs = get('probs');
  const [rows, cols] = probs.dims.slice(-2);
  if (probs.dims.length < 3 || rows !== length || cols !== keys.length) throw fail(`probabilities ${JSON.stringify(probs.dims)}`);
  const heads = probs.dims.slice(0, -2).reduce((a, b) => a * b, 1);
  const headDim = get('q').dims.at(-1) ?? 0;
  for (const kind of ['q', 'k', 'v'] as const) {
    const t = get(kind);
    if (t.data.length !== heads * (kind === 'q' ? length : keys.length) * headDim) throw fail(`${kind} ${JSON.stringify(t.dims)}`);
  }
  const kData = divided(get('k').data as Float32Array, site.kFactor);
  const k = site.kIsTransposed ? swapLastTwo(kData, heads, headDim, keys.length) : kData;
  return {
    heads,
    headDim,
    scores: firstRows(get('scores').data as Float32Array, heads, length, keys.length, n, keys.n),
    probs: firstRows(probs.data as Float32Array, heads, length, keys.length, n, keys.n),
    q: firstRows(divided(get('q').data as Float32Array, site.qFactor), heads, length, headDim, n, headDim),
    k: firstRows(k, heads, keys.length, headDim, keys.n, headDim),
    v: firstRows(get('v').data as Float32Array, heads, keys.length, headDim, keys.n, headDim),
  };
}

/** Q or K without a constant factor the graph applied before splitting the heads (the block's scale has it). */
function divided(data: Float32Array, factor: number): Float32Array {
  return factor === 1 ? data : data.map((x) => x / factor);
}

/** [H, rows, cols] → [H, cols, rows]. */
function swapLastTwo(data: Float32Array, heads: number, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let h = 0; h < heads; h++) {
    const base = h * rows * cols;
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[base + c * rows + r] = data[base + r * cols + c];
  }
  return out;
}

/** [H, rows, cols] → [H, keepRows, keepCols] (the top-left corner of each head), as an array that owns its buffer. */
function firstRows(data: Float32Array, heads: number, rows: number, cols: number, keepRows: number, keepCols: number): Float32Array {
  if (rows === keepRows && cols === keepCols) {
    return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
  }
  const out = new Float32Array(heads * keepRows * keepCols);
  for (let h = 0; h < heads; h++) {
    for (let r = 0; r < keepRows; r++) {
      const from = (h * rows + r) * cols;
      out.set(data.subarray(from, from + keepCols), (h * keepRows + r) * keepCols);
    }
  }
  return out;
}
