// Runs in the webview: every head of a layer, received ahead of time in one buffer (the host's `layerHeads`), so
// switching heads is a repaint and never waits on the host. Layers are kept up to a memory budget, least recently
// used dropped first; which layers to ask for comes from prefetchOrder.
import type { HeadRef } from '../shared/protocol';
import { headMax, type HeadData } from './headCache';

/** One layer's tensors as views into its buffer: probs [heads × n × n], q/k/v [heads × n × headDim]. */
export interface LayerHeads {
  readonly resultId: number;
  readonly layer: number;
  readonly probs: Float32Array;
  readonly q: Float32Array;
  readonly k: Float32Array;
  readonly v: Float32Array;
  /** The Softmax input [heads × n × n], when the model adds more than a mask. */
  readonly scores?: Float32Array;
}

export interface LayerShape {
  readonly heads: number;
  readonly n: number;
  readonly headDim: number;
}

/** Splits the buffer into its four tensors, or says why it does not fit the shape. */
export function unpackLayerHeads(
  resultId: number, layer: number, buffer: ArrayBuffer, { heads, n, headDim }: LayerShape,
): LayerHeads | string {
  const probsLength = heads * n * n;
  const vectorLength = heads * n * headDim;
  const expected = (probsLength + 3 * vectorLength) * 4;
  const withScores = expected + probsLength * 4;
  if (buffer.byteLength !== expected && buffer.byteLength !== withScores) {
    return `${buffer.byteLength} bytes, expected ${expected} or ${withScores} (${heads} heads × ${n} tokens, head_dim ${headDim})`;
  }
  const at = (offset: number, length: number) => new Float32Array(buffer, offset * 4, length);
  const vectors = probsLength + 3 * vectorLength;
  return {
    resultId,
    layer,
    probs: at(0, probsLength),
    q: at(probsLength, vectorLength),
    k: at(probsLength + vectorLength, vectorLength),
    v: at(probsLength + 2 * vectorLength, vectorLength),
    ...(buffer.byteLength === withScores ? { scores: at(vectors, probsLength) } : {}),
  };
}

/** One head of a held layer, as views (no copy). */
export function headOfLayer(layer: LayerHeads, ref: HeadRef, { n, headDim }: LayerShape, causal: boolean): HeadData {
  const square = n * n;
  const vectors = n * headDim;
  const probs = layer.probs.subarray(ref.head * square, (ref.head + 1) * square);
  const slice = (t: Float32Array) => t.subarray(ref.head * vectors, (ref.head + 1) * vectors);
  const scores = layer.scores?.subarray(ref.head * square, (ref.head + 1) * square);
  return {
    resultId: layer.resultId, ref, n, probs, q: slice(layer.q), k: slice(layer.k), v: slice(layer.v), max: headMax(probs, n, causal),
    ...(scores ? { scores } : {}),
  };
}

/** The bytes one layer takes. */
export const layerBytes = ({ heads, n, headDim }: LayerShape): number => heads * n * (n + 3 * headDim) * 4;

/** Below this, every layer is asked for at once; above it, the current layer and its neighbours. */
const PREFETCH_ALL_BYTES = 64 * 1024 * 1024;

/** The layers to hold, most wanted first: the current one, the next, the previous, then (when small) all others. */
export function prefetchOrder(current: number, layers: number, bytesPerLayer: number): number[] {
  const near = [current, (current + 1) % layers, (current + layers - 1) % layers];
  const all = bytesPerLayer * layers <= PREFETCH_ALL_BYTES ? [...Array(layers).keys()] : [];
  return [...new Set([...near, ...all])];
}

export class LayerStore {
  private readonly layers = new Map<number, LayerHeads>();

  constructor(private readonly budgetBytes: number) {}

  get(layer: number): LayerHeads | undefined {
    const held = this.layers.get(layer);
    if (held) {
      this.layers.delete(layer); // re-insert: Map order is the recency order
      this.layers.set(layer, held);
    }
    return held;
  }

  has(layer: number): boolean {
    return this.layers.has(layer);
  }

  /** Keeps the layer; older layers go while the total is over budget (the newest always stays). */
  put(heads: LayerHeads): void {
    this.layers.delete(heads.layer);
    this.layers.set(heads.layer, heads);
    let total = 0;
    for (const held of this.layers.values()) total += held.probs.buffer.byteLength;
    for (const [layer, held] of this.layers) {
      if (total <= this.budgetBytes || layer === heads.layer) break;
      this.layers.delete(layer);
      total -= held.probs.buffer.byteLength;
    }
  }

  clear(): void {
    this.layers.clear();
  }
}
