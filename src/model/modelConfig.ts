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

export function maxPositionsOf(config: RawConfig): number | null {
  return firstNumber(config, ['n_positions', 'max_position_embeddings', 'n_ctx', 'max_seq_len']);
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
