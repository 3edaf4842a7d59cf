// Runs in the extension host: the tensors the learning views ask for beyond one head — every head's attention of a
// layer (the all-heads grid) and the model's position vectors (the Positions view) — as exact-length ArrayBuffers.
import type { AttentionResult } from '../../shared/attentionResult';
import type { PositionsPayload } from '../../shared/protocol';

/** probs [heads × n × n] of one layer, copied so the buffer holds exactly these values. */
export function layerProbs(result: AttentionResult, layer: number): ArrayBuffer {
  return result.layers[layer].probs.slice().buffer;
}

/** The position vectors [n × dim], or null when the model has none that could be found. */
export function positionsPayload(result: AttentionResult): PositionsPayload | null {
  const positions = result.positions;
  return positions ? { source: positions.source, dim: positions.dim, firstRow: positions.firstRow, data: positions.data.slice().buffer } : null;
}
