// Runs in the engine worker (Node): refuses text that is too long before anything costly happens. The size is
// checked first; then the text is tokenized a piece at a time, only until it is known to be too long, with the
// tokenizer alone: a graph of hundreds of MB is neither downloaded nor loaded for text that would be refused.
import { AutoTokenizer, env, LogLevel, type PreTrainedTokenizer } from '@huggingface/transformers';
import { QkvError } from '../../shared/errors';
import { MAX_INPUT_BYTES } from '../../shared/limits';
import { readModelConfig, type ModelConfig } from '../model/modelConfig';

/** Pieces cut at whitespace: a token never spans a cut, so their counts add up to the whole text's (± special tokens). */
const PIECE_CHARS = 2_000;

export function assertInputSize(text: string): void {
  // A UTF-16 unit is at most 3 UTF-8 bytes; count exactly only when it could matter.
  if (text.length * 3 <= MAX_INPUT_BYTES || Buffer.byteLength(text, 'utf8') <= MAX_INPUT_BYTES) return;
  throw new QkvError('too-long',
    `The text is ${(Buffer.byteLength(text, 'utf8') / 1e6).toFixed(1)} MB; ` +
    `QKV Scope reads at most ${MAX_INPUT_BYTES / (1 << 20)} MiB of text. Select less text.`);
}

/** The token limit that applies: the user's, or the model's positions when fewer. */
export function tokenLimit(config: ModelConfig, maxTokens: number, modelId: string): { limit: number; why: string } {
  const positions = config.maxPositions;
  return positions !== null && positions < maxTokens
    ? { limit: positions, why: `model "${modelId}" reads at most ${positions} positions` }
    : { limit: maxTokens, why: `the limit is ${maxTokens} tokens (the qkvScope.maxTokens setting, or --max-tokens)` };
}

/**
 * A text this long is counted piece by piece before the whole of it is tokenized, so that a huge selection stops
 * early; a shorter one is tokenized once, and tokenize() checks its length (engineWorker.ts).
 */
export function countFirst(text: string): boolean {
  return text.length > PIECE_CHARS;
}

/** Tokenizes piece by piece and throws as soon as the count passes the limit. */
export function assertFewEnoughTokens(tokenizer: PreTrainedTokenizer, text: string, config: ModelConfig, maxTokens: number,
  modelId: string): void {
  const { limit, why } = tokenLimit(config, maxTokens, modelId);
  if (text.length <= PIECE_CHARS) {
    const exact = tokenizer.encode(text).length;
    if (exact > limit) throw new QkvError('too-long', `The text is ${exact} tokens long; ${why}. Select less text.`);
    return;
  }
  let count = 0;
  for (let at = 0; at < text.length;) {
    let end = Math.min(text.length, at + PIECE_CHARS);
    while (end < text.length && end > at && !/\s/.test(text[end])) end--;
    if (end === at) end = Math.min(text.length, at + PIECE_CHARS); // one very long word: cut anyway
    count += tokenizer.encode(text.slice(at, end), { add_special_tokens: false }).length;
    if (count > limit) {
      throw new QkvError('too-long',
        `The text is more than ${limit} tokens long (at least ${count} in its first ${end} characters); ${why}. Select less text.`);
    }
    at = end;
  }
}

/** Before the graph is downloaded or loaded: the folder's tokenizer and config alone decide. */
export async function precheckLength(dir: string, modelId: string, text: string, maxTokens: number): Promise<void> {
  let tokenizer: PreTrainedTokenizer;
  let config: ModelConfig;
  // Quietly: loading the model proper reports whatever the tokenizer has to say (or what is wrong with it).
  const logLevel = env.logLevel;
  env.logLevel = LogLevel.ERROR;
  try {
    config = readModelConfig(dir, modelId);
    tokenizer = await AutoTokenizer.from_pretrained(dir, { local_files_only: true });
  } catch {
    return;
  } finally {
    env.logLevel = logLevel;
  }
  assertFewEnoughTokens(tokenizer, text, config, maxTokens, modelId);
}
