// Runs in the engine worker (Node): adapts a transformers.js tokenizer to what the offset aligner needs.
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import type { TokenVocabulary } from '../attention/tokenOffsets';

interface TokenizerJson {
  readonly model?: { readonly type?: string; readonly continuing_subword_prefix?: string | null; readonly merges?: readonly unknown[] };
  readonly normalizer?: JsonStep | null;
  readonly pre_tokenizer?: JsonStep | null;
  readonly decoder?: JsonStep | null;
}
interface JsonStep {
  readonly type?: string;
  readonly pretokenizers?: readonly JsonStep[];
  readonly decoders?: readonly JsonStep[];
}

function usesStep(step: JsonStep | null | undefined, type: string): boolean {
  if (!step) return false;
  if (step.type === type) return true;
  return [...(step.pretokenizers ?? []), ...(step.decoders ?? [])].some((s) => usesStep(s, type));
}

export function tokenizerVocabulary(tokenizer: PreTrainedTokenizer): TokenVocabulary {
  const json = tokenizer._tokenizerJSON as TokenizerJson;
  const special = new Set<number>(tokenizer.all_special_ids);
  const unknownId = typeof tokenizer.unk_token_id === 'number' ? tokenizer.unk_token_id : null;
  const prefix = json.model?.type === 'WordPiece' ? (json.model.continuing_subword_prefix ?? '##') : null;
  return {
    piece: (id) => tokenizer._tokenizer.id_to_token(id) ?? `<${id}>`,
    isSpecial: (id) => special.has(id),
    unknownId,
    byteLevel: usesStep(json.pre_tokenizer, 'ByteLevel') || usesStep(json.decoder, 'ByteLevel'),
    continuationPrefix: prefix,
    characters: isCharacterTokenizer(json),
  };
}

/** BPE with no merges and nothing before it: every piece is one character (tools/from_nanogpt.py writes these). */
function isCharacterTokenizer(json: TokenizerJson): boolean {
  return json.model?.type === 'BPE' && (json.model.merges ?? []).length === 0 && !json.normalizer && !json.pre_tokenizer;
}
