// Runs in the extension host: the tensors the views ask for beyond one head — every head of a layer ahead of time
// (so switching heads never waits on the host), every head of a decoder layer (translators), every head's attention
// of a layer (the all-heads grid) and the model's position vectors (the Positions view) — as exact-length ArrayBuffers.
import type { AttentionResult } from '../../shared/attentionResult';
import type { DecoderKind, PositionsPayload } from '../../shared/protocol';

/** probs [heads × n × n] of one layer, copied so the buffer holds exactly these values. */
export function layerProbs(result: AttentionResult, layer: number): ArrayBuffer {
  return result.layers[layer].probs.slice().buffer;
}

/** Every head of one layer in one buffer, as the webview unpacks it: probs, q, k, v, then scores when the result has them. */
export function layerHeadsBuffer(result: AttentionResult, layer: number): ArrayBuffer {
  const { probs, q, k, v, scores } = result.layers[layer];
  // The scores come last, only when the model adds more than a mask (the step card and what-if lab need them).
  return packed(scores ? [probs, q, k, v, scores] : [probs, q, k, v]);
}

/** Every head of one decoder layer of this kind, as `translationHeads` carries it; undefined when there is none. */
export function translationHeadsBuffer(result: AttentionResult, kind: DecoderKind, layer: number): ArrayBuffer | undefined {
  const tensors = result.translation?.[kind][layer];
  return tensors && packed([tensors.probs, tensors.q, tensors.k, tensors.v]);
}

function packed(tensors: readonly Float32Array[]): ArrayBuffer {
  const out = new Float32Array(tensors.reduce((sum, t) => sum + t.length, 0));
  let offset = 0;
  for (const tensor of tensors) {
    out.set(tensor, offset);
    offset += tensor.length;
  }
  return out.buffer;
}

/** The position vectors [n × dim], or null when the model has none that could be found. */
export function positionsPayload(result: AttentionResult): PositionsPayload | null {
  const positions = result.positions;
  return positions
    ? { source: positions.source, dim: positions.dim, firstRow: positions.firstRow, data: positions.data.slice().buffer } : null;
}
