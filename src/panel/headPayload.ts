// Runs in the extension host: the tensors of one head, as exact-length ArrayBuffers for postMessage.
import { headSlice, TENSOR_KINDS, type AttentionResult } from '../../shared/attentionResult';
import type { HeadRef, HeadTensors } from '../../shared/protocol';

/** A copy, not a view: a view's buffer is the whole layer, and postMessage would send all of it. */
export function headTensors(result: AttentionResult, ref: HeadRef): HeadTensors {
  const [probs, q, k, v] = TENSOR_KINDS.map((kind) => headSlice(result, ref.layer, ref.head, kind).slice().buffer);
  if (!result.layers[ref.layer].scores) return { probs, q, k, v };
  return { probs, q, k, v, scores: headSlice(result, ref.layer, ref.head, 'scores').slice().buffer };
}

export function payloadBytes(tensors: HeadTensors): number {
  return tensors.probs.byteLength + tensors.q.byteLength + tensors.k.byteLength + tensors.v.byteLength + (tensors.scores?.byteLength ?? 0);
}
