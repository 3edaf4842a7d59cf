// Runs in the webview: the tensors of the heads already received for the current result, so switching back to a
// head is instant and never asks the host again. Least recently used heads are dropped first.
import type { HeadRef, HeadTensors } from '../shared/protocol';
import { refKey } from './headRef';

/** One head as the webview holds it: probs [n × n] row-major (rows = queries), q/k/v [n × headDim]. */
export interface HeadData {
  readonly resultId: number;
  readonly ref: HeadRef;
  readonly n: number;
  readonly probs: Float32Array;
  readonly q: Float32Array;
  readonly k: Float32Array;
  readonly v: Float32Array;
  /** The Softmax input, when the model adds more than a scale and a mask. */
  readonly scores?: Float32Array;
  /**
   * Largest attention value in this head, for the "0 → head max" colour scale. In a causal model the first row
   * is always [1, 0, 0, …] (the first token can only attend to itself), so it is left out there: otherwise every
   * causal head would scale to 1.
   */
  readonly max: number;
}

/** Wraps the received buffers, or says why they do not fit the summary. */
export function toHeadData(
  resultId: number, ref: HeadRef, tensors: HeadTensors, n: number, headDim: number, causal: boolean,
): HeadData | string {
  const probs = new Float32Array(tensors.probs);
  const [q, k, v] = [tensors.q, tensors.k, tensors.v].map((buffer) => new Float32Array(buffer));
  if (probs.length !== n * n) return `probs has ${probs.length} values, expected ${n}×${n}`;
  if ([q, k, v].some((t) => t.length !== n * headDim)) return `q/k/v are not ${n}×${headDim}`;
  const scores = tensors.scores && new Float32Array(tensors.scores);
  if (scores && scores.length !== n * n) return `scores has ${scores.length} values, expected ${n}×${n}`;
  return { resultId, ref, n, probs, q, k, v, max: headMax(probs, n, causal), ...(scores ? { scores } : {}) };
}

/** The head's largest value, after row 1 in a causal model (see HeadData.max). */
export function headMax(probs: Float32Array, n: number, causal: boolean): number {
  let max = 0;
  for (let i = causal && n > 1 ? n : 0; i < probs.length; i++) if (probs[i] > max) max = probs[i];
  return max;
}

export class HeadCache {
  private readonly heads = new Map<string, HeadData>();

  constructor(private readonly limit: number) {}

  get(ref: HeadRef): HeadData | undefined {
    const key = refKey(ref);
    const head = this.heads.get(key);
    if (head) {
      this.heads.delete(key); // re-insert: Map order is the recency order
      this.heads.set(key, head);
    }
    return head;
  }

  put(head: HeadData): void {
    const key = refKey(head.ref);
    this.heads.delete(key);
    this.heads.set(key, head);
    while (this.heads.size > this.limit) this.heads.delete(this.heads.keys().next().value as string);
  }

  clear(): void {
    this.heads.clear();
  }
}
