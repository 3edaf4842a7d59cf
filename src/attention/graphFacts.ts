// Runs in the engine worker (Node): facts about the attention read from what the model computed, not from what
// config.json claims. A BERT whose config says "gpt2" is not causal; a wrong num_key_value_heads does not make
// heads share K/V; NaN weights are an error, not an export full of nulls.
import { QkvError } from '../../shared/errors';
import type { LayerTensors } from '../../shared/attentionResult';

/** Throws, naming the layer and head, at the first attention weight that is NaN or infinite. */
export function assertFiniteAttention(layers: readonly LayerTensors[], heads: number, n: number, modelId: string): void {
  layers.forEach((layer, l) => {
    const at = layer.probs.findIndex((x) => !Number.isFinite(x));
    if (at < 0) return;
    const head = Math.floor(at / (n * n));
    const query = Math.floor((at % (n * n)) / n);
    throw new QkvError('model-invalid',
      `Model "${modelId}" produced a non-finite attention weight (${layer.probs[at]}) in layer ${l}, head ${head} (query ${query}, ` +
      `key ${at % n}); its weights or its graph are damaged.`);
  });
}

/**
 * Causal when every head of every layer gives exactly zero weight to later keys: the mask did that, whatever the
 * config says. With one token nothing can be told, and the config's claim (or false) stands.
 */
export function causalFromResult(layers: readonly LayerTensors[], heads: number, n: number, claimed: boolean | null): boolean {
  if (n < 2) return claimed ?? false;
  for (const { probs } of layers) {
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < n - 1; i++) {
        for (let j = i + 1; j < n; j++) if (probs[(h * n + i) * n + j] !== 0) return false;
      }
    }
  }
  return true;
}

/**
 * Which K/V head each query head reads, from the tensors themselves: heads share a K/V head exactly when their K and
 * V are bit-identical in every layer. Undefined when every head has its own, or when the sharing is not the
 * contiguous, equal-sized grouping grouped-query attention makes.
 */
export function kvHeadOfFromResult(layers: readonly LayerTensors[], heads: number, n: number, headDim: number): number[] | undefined {
  const size = n * headDim;
  const same = (a: number, b: number) => layers.every(({ k, v }) => {
    for (let x = 0; x < size; x++) if (k[a * size + x] !== k[b * size + x] || v[a * size + x] !== v[b * size + x]) return false;
    return true;
  });
  const kvHeadOf: number[] = [];
  let groups = 0;
  for (let h = 0; h < heads; h++) {
    if (h > 0 && same(h - 1, h)) kvHeadOf.push(kvHeadOf[h - 1]);
    else kvHeadOf.push(groups++);
  }
  if (groups === heads || heads % groups !== 0) return undefined;
  const group = heads / groups;
  return kvHeadOf.every((kv, h) => kv === Math.floor(h / group)) ? kvHeadOf : undefined;
}
