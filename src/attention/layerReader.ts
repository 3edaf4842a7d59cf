// Runs in the engine worker (Node): one attention block's outputs, brought to the shapes we promise —
// probs and scores [H, n, n], q, k, v [H, n, D] — whatever the graph's layout: 4-D [B, H, S, ·] or 3-D [B·H, S, ·],
// heads after the tokens ([B, S, H, S] scores from q [B, S·H, D], GPT-BigCode's multi-query), Kᵀ or K, K and V with
// fewer heads than Q that the MatMuls broadcast (multi-query, Falcon), and with the padding of a fixed-length graph
// cut off (only the n real tokens are kept).
import type * as ort from 'onnxruntime-common';
import { QkvError } from '../../shared/errors';
import { outputName, type ExposedKind } from '../model/onnx/exposeAttention';
import type { AttentionSite } from '../model/onnx/findAttention';

export interface BlockTensors {
  readonly heads: number;
  /** K/V heads as the graph holds them: fewer than `heads` when the MatMuls broadcast one K/V head over several. */
  readonly kvHeads: number;
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
    `${modelLabel}: attention block ${index} has an unexpected layout (${what}); QKV Scope reads [batch, heads, n, n] or [batch·heads, ` +
    `n, n] probabilities and [batch, heads, n, d] or [batch·heads, n, d] Q, K and V.`);
  const probs = get('probs');
  const q = get('q');
  const heads = probs.data.length / (length * keys.length);
  const headDim = q.dims.at(-1) ?? 0;
  if (probs.dims.length < 3 || probs.dims.at(-1) !== keys.length ||
    !Number.isInteger(heads)) throw fail(`probabilities ${JSON.stringify(probs.dims)}`);
  if (q.data.length !== heads * length * headDim) throw fail(`q ${JSON.stringify(q.dims)}`);
  // Heads after the tokens: q [B, S·H, D] and scores [B, S, H, S] (or [B, S·H, S]).
  const tokensFirst = heads > 1 &&
    (q.dims.at(-2) === heads * length ||
      (probs.dims.length === 4 && probs.dims[1] === length && probs.dims[2] === heads && heads !== length));
  const byHead = (data: Float32Array, width: number) => (tokensFirst ? headsFirst(data, length, heads, width) : data);
  const kvHeads = get('k').data.length / (keys.length * headDim);
  if (!Number.isInteger(kvHeads) || heads % kvHeads !== 0 || get('v').data.length !== kvHeads * keys.length * headDim) {
    throw fail(`k ${JSON.stringify(get('k').dims)}, v ${JSON.stringify(get('v').dims)}`);
  }
  const kData = divided(get('k').data as Float32Array, site.kFactor);
  const k = site.kIsTransposed ? swapLastTwo(kData, kvHeads, headDim, keys.length) : kData;
  return {
    heads,
    kvHeads,
    headDim,
    scores: firstRows(byHead(get('scores').data as Float32Array, keys.length), heads, length, keys.length, n, keys.n),
    probs: firstRows(byHead(probs.data as Float32Array, keys.length), heads, length, keys.length, n, keys.n),
    q: firstRows(byHead(divided(q.data as Float32Array, site.qFactor), headDim), heads, length, headDim, n, headDim),
    k: firstRows(repeatHeads(k, kvHeads, heads, keys.length * headDim), heads, keys.length, headDim, keys.n, headDim),
    v: firstRows(repeatHeads(get('v').data as Float32Array, kvHeads, heads, keys.length * headDim), heads, keys.length, headDim, keys.n,
      headDim),
  };
}

/** [S, H, width] → [H, S, width]. */
function headsFirst(data: Float32Array, tokens: number, heads: number, width: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let s = 0; s < tokens; s++) {
    for (let h = 0; h < heads; h++) out.set(data.subarray((s * heads + h) * width, (s * heads + h + 1) * width), (h * tokens + s) * width);
  }
  return out;
}

/** K/V of kvHeads heads, given to every query head as repeat_kv does: query head h reads K/V head ⌊h / (heads / kvHeads)⌋. */
function repeatHeads(data: Float32Array, kvHeads: number, heads: number, size: number): Float32Array {
  if (kvHeads === heads) return data;
  const out = new Float32Array(heads * size);
  const group = heads / kvHeads;
  for (let h = 0; h < heads; h++) out.set(data.subarray(Math.floor(h / group) * size, (Math.floor(h / group) + 1) * size), h * size);
  return out;
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
