// Runs in the engine worker (Node): the part every fused attention node shares once Q, K and V are split into
// heads: grouped K/V heads, Q·Kᵀ, scale, additive masks and biases, soft-cap, causal and local-window masks,
// Softmax and ·V. Written so that findAttention sees the usual Softmax between Q·Kᵀ and P·V.
import { onnx } from 'onnx-proto';
import { range, type Subgraph } from './subgraph';

const { FLOAT } = onnx.TensorProto.DataType;
/** What the fused kernels write into a position that may not be attended to. */
export const LOWEST_FLOAT = -3.4028234663852886e38;

export interface CoreInputs {
  /** [B, heads, S, D] in the model's float type. */
  readonly q: string;
  /** [B, kvHeads, T, D]. */
  readonly k: string;
  /** [B, kvHeads, T, Dv]. */
  readonly v: string;
  readonly heads: number;
  readonly kvHeads: number;
  /** The model's float type (FLOAT or FLOAT16): the core computes in float32 and converts only where it must. */
  readonly floatType: number;
  /** The scale of Q·Kᵀ; undefined means 1/√D, with D read from Q's shape at run time. */
  readonly scale: number | undefined;
  /** float32 tensors added to the scaled scores, broadcastable to [B, heads, S, T]: key padding, attention bias. */
  readonly biases: readonly string[];
  /** softcap · tanh(scores / softcap) after the biases; 0 means none. */
  readonly softcap: number;
  /** Query i (at absolute position i + T − S) may not see later keys. */
  readonly causal: boolean;
  /** With causal: query i sees only the last `localWindow` keys, itself included (as onnxruntime's CPU kernel); −1: all. */
  readonly localWindow: number;
}

/** Returns the attention output per head, [B, heads, S, Dv], in float32. */
export function attentionCore(g: Subgraph, c: CoreInputs): string {
  const q = toFloat(g, c.q, c.floatType);
  const k = toFloat(g, repeatKv(g, c.k, c.heads, c.kvHeads), c.floatType);
  const v = toFloat(g, repeatKv(g, c.v, c.heads, c.kvHeads), c.floatType);
  let scores = g.op('Mul', [g.op('MatMul', [q, g.transpose(k, [0, 1, 3, 2])]), scaleOf(g, q, c.scale)]);
  for (const bias of c.biases) scores = g.op('Add', [scores, bias]);
  if (c.softcap > 0) {
    const cap = g.scalar(c.softcap);
    scores = g.op('Mul', [g.op('Tanh', [g.op('Div', [scores, cap])]), cap]);
  }
  if (c.causal) scores = g.op('Where', [causalMasked(g, q, k, c.localWindow), g.scalar(LOWEST_FLOAT), scores]);
  const probs = g.op('Softmax', [scores], { axis: -1 });
  return g.op('MatMul', [probs, v]);
}

function scaleOf(g: Subgraph, q: string, scale: number | undefined): string {
  if (scale !== undefined && scale !== 0) return g.scalar(scale);
  return g.op('Reciprocal', [g.op('Sqrt', [g.cast(g.dim(q, 3), FLOAT)])]);
}

/** [B, heads, S, D] → [B, S, heads·D], in `floatType`, written to `output`. */
export function mergeHeads(g: Subgraph, perHead: string, floatType: number, output: string): string {
  const merged = g.reshape(g.transpose(perHead, [0, 2, 1, 3]), [0, 0, -1]);
  return floatType === FLOAT ? g.op('Identity', [merged], {}, [output]) : g.op('Cast', [merged], { to: floatType }, [output]);
}

/** [B, S, heads·D] → [B, heads, S, D]. */
export function splitHeads(g: Subgraph, tensor: string, heads: number): string {
  return g.transpose(g.reshape(tensor, [0, 0, heads, -1]), [0, 2, 1, 3]);
}

export function toFloat(g: Subgraph, tensor: string, floatType: number): string {
  return floatType === FLOAT ? tensor : g.cast(tensor, FLOAT);
}

/** Query head h reads K/V head ⌊h / (heads / kvHeads)⌋, as repeat_kv does. */
function repeatKv(g: Subgraph, tensor: string, heads: number, kvHeads: number): string {
  if (heads === kvHeads) return tensor;
  const group = heads / kvHeads;
  return g.op('Gather', [tensor, g.ints(range(0, heads).map((h) => Math.floor(h / group)))], { axis: 1 });
}

/**
 * [S, T] booleans, true where query i may not see key j: a later key, or (with a window) a key `window` or more
 * positions back. Query i sits at absolute position i + T − S, after any past keys.
 */
function causalMasked(g: Subgraph, q: string, k: string, window: number): string {
  const s = g.dim(q, 2);
  const t = g.dim(k, 2);
  const zero = g.ints(0);
  const one = g.ints(1);
  const query = g.op('Add', [g.reshape(g.op('Range', [zero, s, one]), [-1, 1]), g.op('Sub', [t, s])]);
  const key = g.reshape(g.op('Range', [zero, t, one]), [1, -1]);
  const later = g.op('Greater', [key, query]);
  if (window < 0) return later;
  const tooFar = g.op('Greater', [g.op('Sub', [query, key]), g.ints(window - 1)]);
  return g.op('Or', [later, tooFar]);
}

/**
 * Additive mask from 1 (keep) and 0 (masked), [B, T] per key or [B, S, T] per query and key:
 * 0 where kept, `filter` where masked, shaped to broadcast over heads.
 */
export function keepMaskBias(g: Subgraph, mask: string, rank: 2 | 3, filter: number): string {
  const keep = g.op('Greater', [g.cast(mask, onnx.TensorProto.DataType.INT64), g.ints(0)]);
  const shaped = rank === 2 ? g.reshape(keep, [0, 1, 1, -1]) : g.insertAxis(keep, 3, 1);
  return g.op('Where', [shaped, g.scalar(0), g.scalar(filter)]);
}

/** Additive mask from per-batch key lengths [B]: keys at or past the length get `filter`. */
export function keyLengthBias(g: Subgraph, lengths: string, keys: string, filter: number): string {
  const t = g.dim(keys, 2);
  const key = g.reshape(g.op('Range', [g.ints(0), t, g.ints(1)]), [1, 1, 1, -1]);
  const limit = g.reshape(g.cast(lengths, onnx.TensorProto.DataType.INT64), [-1, 1, 1, 1]);
  return g.op('Where', [g.op('Less', [key, limit]), g.scalar(0), g.scalar(filter)]);
}
