// Runs in the engine worker (Node): facts about the attention read from the graph and from what the model computed,
// not from what config.json claims. A BERT whose config says "gpt2" is not causal; a wrong num_key_value_heads does not make
// heads share K/V; NaN weights are an error, not an export full of nulls.
import { QkvError } from '../../shared/errors';
import type { LayerTensors } from '../../shared/attentionResult';
import type { GraphCausality } from '../model/onnx/maskCausality';

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

/** Where a query first gives weight to a later key (layer in result order). */
export interface LookAhead {
  readonly layer: number;
  readonly head: number;
  readonly query: number;
  readonly key: number;
  readonly weight: number;
}

/** The first weight any query gives to a later key, or undefined when every head of every layer gives exactly zero. */
export function firstLookAhead(layers: readonly LayerTensors[], heads: number, n: number): LookAhead | undefined {
  for (let layer = 0; layer < layers.length; layer++) {
    const { probs } = layers[layer];
    for (let head = 0; head < heads; head++) {
      for (let query = 0; query < n - 1; query++) {
        for (let key = query + 1; key < n; key++) {
          const weight = probs[(head * n + query) * n + key];
          if (weight !== 0) return { layer, head, query, key, weight };
        }
      }
    }
  }
  return undefined;
}

export interface CausalDecision {
  readonly causal: boolean;
  /** One sentence when the graph's mask and the numbers disagree, saying what is shown. */
  readonly note?: string;
}

/**
 * Causal when the graph's mask hides later keys (maskCausality) and the numbers agree: every weight above the
 * diagonal is exactly zero. "Causal" is what draws masked cells as masked, so it must be true of both. When the graph
 * cannot tell (a mask fed from outside, or none read), the numbers decide; with one token nothing can be measured
 * and the graph's verdict stands, or else config.json's claim.
 */
export function decideCausal(
  graph: GraphCausality | undefined, layers: readonly LayerTensors[], heads: number, n: number, claimed: boolean | null,
): CausalDecision {
  if (n < 2) return { causal: graph === 'causal' || (graph !== 'bidirectional' && (claimed ?? false)) };
  const ahead = firstLookAhead(layers, heads, n);
  if (graph === 'causal' && ahead) {
    return { causal: false, note: `The graph builds a causal mask, yet layer ${ahead.layer}, head ${ahead.head} gives weight ` +
      `${ahead.weight.toPrecision(3)} to a later key (query ${ahead.query}, key ${ahead.key}): shown as computed, not as causal.` };
  }
  if (graph === 'bidirectional' && !ahead) {
    return { causal: false, note: 'Every head gives exactly zero weight to later keys on this text, but the graph builds no ' +
      'causal mask: shown as bidirectional, and those zeros are weights, not a mask.' };
  }
  const causal = graph === 'bidirectional' ? false : !ahead;
  if (claimed === null || claimed === causal) return { causal };
  return { causal, note: `config.json describes a ${claimed ? 'causal' : 'bidirectional'} model, but ` +
    `${graph === 'unknown' || graph === undefined ? 'its attention' : 'its graph and its attention'} ` +
    `${causal ? 'hide every later key' : 'read later keys'}: shown as ${causal ? 'causal' : 'bidirectional'}.` };
}

/**
 * One sentence when config.json's K/V head count differs from what the graph computes (its K heads, or heads whose
 * K and V are identical); undefined when they agree or the config names none.
 */
export function kvHeadsNote(claimed: number | null, heads: number, kvHeadOf: readonly number[] | undefined): string | undefined {
  const shown = kvHeadOf ? new Set(kvHeadOf).size : heads;
  if (claimed === null || claimed === shown) return undefined;
  return `config.json says ${claimed} K/V heads, but the graph computes ${shown === heads ? `one per head (${heads})` : shown}: ` +
    'shown as the graph computes.';
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
