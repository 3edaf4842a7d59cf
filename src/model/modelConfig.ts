// Runs in the engine worker (Node): the facts we need from a Hugging Face config.json, under their many names.

export interface RawConfig {
  readonly model_type?: string;
  readonly is_decoder?: boolean;
  readonly [key: string]: unknown;
}

/** Architectures whose self-attention sees the whole input (no causal mask). */
const BIDIRECTIONAL = new Set([
  'bert', 'roberta', 'distilbert', 'albert', 'electra', 'xlm-roberta', 'camembert', 'deberta', 'deberta-v2',
  'mpnet', 'modernbert', 'nomic_bert', 'jina_bert', 'esm', 'mobilebert', 'squeezebert', 'convbert', 'roformer',
]);

function firstNumber(config: RawConfig, keys: readonly string[]): number | null {
  for (const key of keys) {
    const value = config[key];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return null;
}

export function architectureOf(config: RawConfig): string {
  return typeof config.model_type === 'string' ? config.model_type : 'unknown';
}

/** RoBERTa-style models number positions from padding_idx + 1, so their table has that many unusable rows. */
const POSITIONS_AFTER_PADDING = new Set(['roberta', 'xlm-roberta', 'camembert', 'longformer']);

export function maxPositionsOf(config: RawConfig): number | null {
  const table = firstNumber(config, ['n_positions', 'max_position_embeddings', 'n_ctx', 'max_seq_len']);
  const pad = firstNumber(config, ['pad_token_id']);
  return table !== null && pad !== null && POSITIONS_AFTER_PADDING.has(architectureOf(config)) ? table - pad - 1 : table;
}

export function hiddenSizeOf(config: RawConfig): number | null {
  return firstNumber(config, ['n_embd', 'hidden_size', 'd_model', 'dim']);
}

export function headsOf(config: RawConfig): number | null {
  return firstNumber(config, ['n_head', 'num_attention_heads', 'num_heads', 'n_heads']);
}

export function keyValueHeadsOf(config: RawConfig): number | null {
  return firstNumber(config, ['num_key_value_heads', 'n_kv_heads', 'num_kv_heads']) ?? headsOf(config);
}

/**
 * Grouped-query attention (Llama, Mistral, Qwen2…): query head h shares K/V head ⌊h / (heads / kvHeads)⌋,
 * the order Hugging Face's repeat_kv produces. Undefined when every query head has its own K/V head.
 */
export function kvHeadOf(config: RawConfig, heads: number): number[] | undefined {
  const kvHeads = firstNumber(config, ['num_key_value_heads', 'n_kv_heads', 'num_kv_heads']);
  if (!kvHeads || kvHeads >= heads || heads % kvHeads !== 0) return undefined;
  const group = heads / kvHeads;
  return Array.from({ length: heads }, (_, h) => Math.floor(h / group));
}

export function headDimOf(config: RawConfig): number | null {
  const explicit = firstNumber(config, ['head_dim']);
  const hidden = hiddenSizeOf(config);
  const heads = headsOf(config);
  return explicit ?? (hidden !== null && heads ? hidden / heads : null);
}

/** Text generators: each token attends only to itself and earlier tokens. */
const CAUSAL = new Set([
  'gpt2', 'gpt_neo', 'gpt_neox', 'gptj', 'llama', 'mistral', 'qwen2', 'qwen3', 'phi', 'phi3', 'gemma', 'gemma2',
  'gemma3_text', 'opt', 'bloom', 'falcon', 'olmo', 'olmo2', 'smollm3', 'stablelm', 'starcoder2', 'codegen', 'mpt',
]);

/** True or false when the architecture says so; null when only the attention itself can tell. */
export function isCausal(config: RawConfig): boolean | null {
  const type = architectureOf(config);
  if (config.is_decoder === true || CAUSAL.has(type)) return true;
  if (BIDIRECTIONAL.has(type)) return false;
  return null;
}
