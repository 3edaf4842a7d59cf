// Runs everywhere (host, worker, webview): the result of one attention run, as plain data.

/** Facts about the model that produced a result. */
export interface ModelFacts {
  /** What the user asked for: "embedded", a hub id such as "Xenova/gpt2", or a folder path. */
  readonly id: string;
  /** config.json `model_type`, e.g. "gpt2" or "bert". */
  readonly architecture: string;
  readonly layers: number;
  readonly heads: number;
  readonly headDim: number;
  /** Width of the residual stream (d_model). */
  readonly hiddenSize: number;
  /** A causal model attends only to earlier tokens: its attention matrices are lower-triangular. */
  readonly causal: boolean;
  /** Longest input the model's position embeddings allow, if known. */
  readonly maxPositions: number | null;
  /** Q·Kᵀ is computed on 8-bit integers (dynamically quantized): probabilities differ from a float recompute by ~1e-3. */
  readonly quantizedScores: boolean;
  /** The ONNX file that ran, relative to the model folder, e.g. "onnx/model_quantized.onnx". */
  readonly onnxFile?: string;
  /**
   * Grouped-query attention: for each query head, the K/V head it shares (Llama-style repeat_kv: head h uses
   * K/V head ⌊h / (heads / kvHeads)⌋). Absent when every query head has its own K and V.
   */
  readonly kvHeadOf?: readonly number[];
  /**
   * The factor the model multiplies q·k by, as its graph computes it: 1/√d for most, 1 for T5,
   * query_pre_attn_scalar^-½ for Gemma 2. Absent in results made before it was recorded (then 1/√d).
   */
  readonly scale?: number;
  /** Soft-capping: score = softcap · tanh(q·k · scale / softcap) (Gemma 2). Absent when the model has none. */
  readonly softcap?: number;
  /**
   * What the model adds to the scaled scores besides the mask ("ALiBi bias", "relative position bias"), when it adds
   * anything; then every layer carries `scores`, and the term is scores − (the formula above) where a key is visible.
   */
  readonly additiveTerm?: string;
  /**
   * The graph computed attention inside fused operators ("com.microsoft.Attention", "ai.onnx.Attention"), which
   * QKV Scope replaced by the standard operators they stand for before running. Absent when nothing was fused.
   */
  readonly fused?: readonly string[];
  /**
   * Sentences about facts the graph, the numbers and config.json disagreed on (causality, K/V heads), each saying
   * what is shown. Absent when they agree.
   */
  readonly notes?: readonly string[];
}

/** One token as the model saw it. Offsets are UTF-16 code units into the input text, like VS Code's. */
export interface Token {
  readonly id: number;
  /** The vocabulary entry, e.g. "Ġpizza" or "##za". */
  readonly piece: string;
  /** How to show it: "␣pizza", "##za", "[CLS]", or the bytes "F0 9F" of a partial character. */
  readonly display: string;
  /** Half-open [start, end) range in the input text; empty (start === end) for special tokens. */
  readonly start: number;
  readonly end: number;
  /** [CLS], [SEP], BOS and other tokens the tokenizer added rather than read from the text. */
  readonly special: boolean;
}

/**
 * Tensors of one layer, batch dimension dropped, row-major:
 * probs [heads, n, n], q/k/v [heads, n, headDim].
 */
export interface LayerTensors {
  readonly probs: Float32Array;
  readonly q: Float32Array;
  readonly k: Float32Array;
  readonly v: Float32Array;
  /** The Softmax input [heads, n, n]: present when the model adds more than a scale and a mask (see additiveTerm). */
  readonly scores?: Float32Array;
}

/** The model's learned position embeddings for positions 0…n−1, read from its weights. */
export interface PositionVectors {
  /** Where they came from: the initializer's name, e.g. "transformer.wpe.weight". */
  readonly source: string;
  /** Width of each vector (d_model). */
  readonly dim: number;
  /** The table row of position 0: 0, or 2 in RoBERTa-style models, whose positions start after the padding index. */
  readonly firstRow: number;
  /** [n × dim] row-major. */
  readonly data: Float32Array;
}

/**
 * An encoder–decoder model's translation of the text, generated greedily, and the decoder's attention over it
 * (run once more over the generated tokens). The result's own `tokens` and `layers` are the source and the
 * encoder's self-attention.
 */
export interface Translation {
  readonly text: string;
  /** What the decoder read: its start token, then each generated token (the last is the end token unless cut off). */
  readonly tokens: readonly Token[];
  /** Why generation stopped: the model ended the sentence, or the length limit was reached. */
  readonly stopped: 'end' | 'length';
  readonly layers: number;
  readonly heads: number;
  readonly headDim: number;
  /** Decoder self-attention (causal): probs [heads, t, t], q/k/v [heads, t, headDim]. */
  readonly decoder: readonly LayerTensors[];
  /**
   * Cross-attention: probs [heads, t, s] (translation rows × source columns), q [heads, t, d] from the decoder,
   * k/v [heads, s, d] from the encoder.
   */
  readonly cross: readonly LayerTensors[];
  /** The factor the decoder's self-attention multiplies q·k by (1 for T5); absent in results made before it was recorded (1/√d). */
  readonly scale?: number;
  /** The same for cross-attention (decoder q · encoder k). */
  readonly crossScale?: number;
  /**
   * What the decoder's self-attention adds to its scaled scores besides the causal mask (T5's "relative position
   * bias"); then each `decoder` layer carries `scores`. Cross-attention adds nothing in any family.
   */
  readonly additiveTerm?: string;
  /** The language it was asked to translate into (--target-lang, or a T5 task's target), when the model offers a choice. */
  readonly targetLang?: string;
}

export interface AttentionResult {
  readonly model: ModelFacts;
  readonly text: string;
  readonly tokens: readonly Token[];
  readonly layers: readonly LayerTensors[];
  /** Encoder–decoder models: the generated translation and the decoder's self- and cross-attention. */
  readonly translation?: Translation;
  /** Absent when the model has no learned position table that could be found (rotary, relative or none). */
  readonly positions?: PositionVectors;
}

export type TensorKind = 'probs' | 'q' | 'k' | 'v';
export const TENSOR_KINDS: readonly TensorKind[] = ['probs', 'q', 'k', 'v'];

/** 1/√d unless the result records the model's own scale. */
export function scaleOf(model: ModelFacts): number {
  return model.scale ?? 1 / Math.sqrt(model.headDim);
}

/** The [n × n] attention matrix (kind "probs"), scores, or [n × headDim] vectors of one head, as a view (no copy). */
export function headSlice(result: AttentionResult, layer: number, head: number, kind: TensorKind | 'scores'): Float32Array {
  const n = result.tokens.length;
  const width = kind === 'probs' || kind === 'scores' ? n : result.model.headDim;
  const size = n * width;
  const all = result.layers[layer][kind];
  if (!all) throw new Error(`layer ${layer} has no ${kind}`);
  return all.subarray(head * size, (head + 1) * size);
}
