// Runs in Node (engine worker, CLI inspect): a Hugging Face config.json, parsed once into the typed facts that the
// feeds, the runner, the tokenizer and the position table read. Each fact has one home here, under its many names.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { QkvError } from '../../shared/errors';

export interface ModelConfig {
  /** config.json `model_type`, or "unknown". */
  readonly architecture: string;
  readonly hiddenSize: number | null;
  readonly heads: number | null;
  /** K/V heads; equal to `heads` unless the model shares K and V between query heads. */
  readonly kvHeads: number | null;
  readonly headDim: number | null;
  /** The learned position table's size as config.json gives it (n_positions, max_position_embeddings…). */
  readonly positionTable: number | null;
  /**
   * Row of position 0: 0; pad_token_id + 1 in RoBERTa-style models, whose positions start after the padding index;
   * 2 in BART-style ones, whose table has two rows more than max_position_embeddings.
   */
  readonly firstPositionRow: number;
  /** Longest input: the table's rows from firstPositionRow on (max_position_embeddings itself in BART-style models). */
  readonly maxPositions: number | null;
  readonly padTokenId: number | null;
  readonly vocabSize: number | null;
  /** True or false when the architecture says so; null when only the attention itself can tell. */
  readonly causal: boolean | null;
  /** Encoder–decoder models: the token that ends a generated sequence, and the one the decoder starts from. */
  readonly eosTokenId: number | null;
  readonly decoderStartTokenId: number | null;
}

/** What a config.json may hold; only the keys read below matter. */
type RawConfig = Readonly<Record<string, unknown>>;

/** Architectures whose self-attention sees the whole input (no causal mask). */
const BIDIRECTIONAL = new Set([
  'bert', 'roberta', 'distilbert', 'albert', 'electra', 'xlm-roberta', 'camembert', 'deberta', 'deberta-v2',
  'mpnet', 'modernbert', 'nomic_bert', 'jina_bert', 'esm', 'mobilebert', 'squeezebert', 'convbert', 'roformer',
]);
/** Text generators: each token attends only to itself and earlier tokens. */
const CAUSAL = new Set([
  'gpt2', 'gpt_neo', 'gpt_neox', 'gptj', 'llama', 'mistral', 'qwen2', 'qwen3', 'phi', 'phi3', 'gemma', 'gemma2',
  'gemma3_text', 'opt', 'bloom', 'falcon', 'olmo', 'olmo2', 'smollm3', 'stablelm', 'starcoder2', 'codegen', 'mpt',
]);
/** RoBERTa-style models number positions from padding_idx + 1 (padding_idx is pad_token_id, 1 by default). */
const POSITIONS_AFTER_PADDING = new Set(['roberta', 'xlm-roberta', 'camembert', 'longformer']);
/**
 * BartLearnedPositionalEmbedding (and OPT's, mBART's) and M2M100's sinusoidal table (padding_idx 1 + 1) put
 * position 0 at row 2, in a table of max_position_embeddings + 2 rows.
 */
const POSITIONS_OFFSET_BY_TWO = new Set(['bart', 'mbart', 'opt', 'm2m_100']);

export function parseModelConfig(raw: RawConfig): ModelConfig {
  // onnxruntime-genai's genai_config.json style nests the facts under "model".
  const nested = typeof raw.model === 'object' && raw.model !== null ? (raw.model as RawConfig) : {};
  const number = (...keys: string[]): number | null => {
    for (const source of [raw, nested]) {
      for (const key of keys) {
        const value = source[key];
        if (typeof value === 'number' && Number.isFinite(value)) return value;
      }
    }
    return null;
  };
  const architecture = typeof raw.model_type === 'string' ? raw.model_type : typeof nested.type === 'string' ? nested.type : 'unknown';
  const hiddenSize = number('n_embd', 'hidden_size', 'd_model', 'dim');
  const heads = number('n_head', 'num_attention_heads', 'num_heads', 'n_heads');
  const padTokenId = number('pad_token_id');
  const positionTable = number('n_positions', 'max_position_embeddings', 'n_ctx', 'max_seq_len');
  const offsetByTwo = POSITIONS_OFFSET_BY_TWO.has(architecture);
  const firstPositionRow = POSITIONS_AFTER_PADDING.has(architecture) ? (padTokenId ?? 1) + 1 : offsetByTwo ? 2 : 0;
  return {
    architecture,
    hiddenSize,
    heads,
    kvHeads: number('num_key_value_heads', 'n_kv_heads', 'num_kv_heads') ?? heads,
    headDim: number('head_dim') ?? (hiddenSize !== null && heads ? hiddenSize / heads : null),
    positionTable,
    firstPositionRow,
    maxPositions: positionTable === null ? null : offsetByTwo ? positionTable : positionTable - firstPositionRow,
    padTokenId,
    vocabSize: number('vocab_size'),
    causal: raw.is_decoder === true || CAUSAL.has(architecture) ? true : BIDIRECTIONAL.has(architecture) ? false : null,
    eosTokenId: number('eos_token_id'),
    decoderStartTokenId: number('decoder_start_token_id') ?? padTokenId,
  };
}

/** Reads and parses dir/config.json once; one sentence when it is missing or not JSON. */
export function readModelConfig(dir: string, modelLabel: string): ModelConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
  } catch (error) {
    throw new QkvError('model-invalid', `${modelLabel}: config.json is missing or not valid JSON (${(error as Error).message}).`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new QkvError('model-invalid',
    `${modelLabel}: config.json is not a JSON object.`);
  return parseModelConfig(raw as RawConfig);
}

/** A config for a bare graph with no config.json (`qkv-scope inspect file.onnx`): everything unknown. */
export const UNKNOWN_CONFIG: ModelConfig = parseModelConfig({});

/**
 * Grouped-query attention (Llama, Mistral, Qwen2…): query head h shares K/V head ⌊h / (heads / kvHeads)⌋,
 * the order Hugging Face's repeat_kv produces. Undefined when every query head has its own K/V head.
 */
export function kvHeadOf(config: ModelConfig, heads: number): number[] | undefined {
  const kvHeads = config.kvHeads;
  if (!kvHeads || kvHeads >= heads || heads % kvHeads !== 0) return undefined;
  const group = heads / kvHeads;
  return Array.from({ length: heads }, (_, h) => Math.floor(h / group));
}
