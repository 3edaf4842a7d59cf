// Runs in the engine worker (Node): translation with an encoder–decoder model. The encoder reads the source once;
// the decoder generates greedily (the most likely next token, step by step, until the end token or the length
// limit, cancellable between steps); then it runs once more over everything it generated (teacher-forced), and that
// run gives its self-attention and its cross-attention (translation × source) for every layer and head.
import type * as ort from 'onnxruntime-common';
import type { AttentionResult, LayerTensors, Token, Translation } from '../../shared/attentionResult';
import { QkvError } from '../../shared/errors';
import type { LoadedTranslator, TranslatorGraph } from '../model/loadTranslator';
import type { TranslationStart } from '../model/translationLanguages';
import { readBlock } from './layerReader';
import { positionVectors } from '../model/onnx/positionEmbeddings';
import { modelFormula } from './modelFormula';
import { ortBackend } from './ortBackend';
import { assembleResult, assertLengthFits, layerOf, runSession, type TokenizedText } from './runAttention';
import { alignTokens } from './tokenOffsets';

export interface TranslationOptions {
  /** Checked between decoding steps; true stops the run with a 'cancelled' error. */
  readonly isCancelled: () => boolean;
  /** Most tokens to generate; by default four times the source plus 8, within the model's positions. */
  readonly maxNewTokens?: number;
  /** The language choice, checked (translationStart): the forced first token and the target language's name. */
  readonly start: TranslationStart;
}

const DECODER_INPUTS = ['input_ids', 'encoder_hidden_states', 'encoder_attention_mask'];

/**
 * The source as the encoder reads it: T5's task prefix before the text (its tokens are shown as special: the editor
 * has no characters for them), and the chosen source-language token in place of the tokenizer's default (M2M100, NLLB).
 */
export function tokenizeSource(model: LoadedTranslator, text: string, maxTokens: number, start: TranslationStart): TokenizedText {
  const ids = model.tokenizer.encode(start.prefix + text);
  const languageIds = new Set(model.languages.codes.values());
  const at = ids.findIndex((id) => languageIds.has(id));
  if (start.sourceLangId !== null && at >= 0) ids[at] = start.sourceLangId;
  assertLengthFits(ids.length, maxTokens, model.config.maxPositions, model.folder.id);
  return { ids, tokens: afterPrefix(alignTokens(start.prefix + text, ids, model.vocabulary), start.prefix.length) };
}

/** Offsets into prefix + text, moved into the text; the prefix's tokens become special tokens with an empty range. */
function afterPrefix(tokens: Token[], length: number): Token[] {
  if (length === 0) return tokens;
  return tokens.map((t) => t.end <= length
    ? { ...t, start: 0, end: 0, special: true }
    : { ...t, start: Math.max(0, t.start - length), end: t.end - length });
}

export async function runTranslation(model: LoadedTranslator, text: string, source: TokenizedText,
  options: TranslationOptions): Promise<AttentionResult> {
  const label = `Model "${model.folder.id}"`;
  const s = source.ids.length;
  const encoderOutputs = await runSession(model.encoder.session, {
    input_ids: ids(model.encoder, 'input_ids', source.ids),
    attention_mask: ids(model.encoder, 'attention_mask', source.ids.map(() => 1)),
  }, label);
  const hidden = encoderOutputs[model.encoder.session.outputNames[0]] as ort.Tensor;
  const decode = (tokens: readonly number[]) => runSession(model.decoder.session, decoderFeeds(model, tokens, hidden, s, label), label);

  // The forced first token (BART's <s>, M2M100/NLLB's target language) is generated without asking the decoder.
  const generated = options.start.forcedBosId === null ? [model.startId] : [model.startId, options.start.forcedBosId];
  const limit = options.maxNewTokens ?? Math.min(4 * s + 8, (model.config.maxPositions ?? 512) - 1);
  let stopped: Translation['stopped'] = 'length';
  while (generated.length - 1 < limit) {
    if (options.isCancelled()) throw new QkvError('cancelled', 'The run was cancelled.');
    const next = lastArgmax((await decode(generated))[model.decoder.session.outputNames[0]] as ort.Tensor);
    generated.push(next);
    if (model.eosIds.includes(next)) {
      stopped = 'end';
      break;
    }
  }
  if (options.isCancelled()) throw new QkvError('cancelled', 'The run was cancelled.');
  const final = await decode(generated);
  const t = generated.length;
  const encoder = assembleResult({ ...model.encoder, config: model.config, folder: { ...model.folder, graphFile: model.encoder.file } },
    encoderOutputs, s, s);
  const blocks = model.decoder.sites.map((site, index) => ({ site, index, kind: model.decoder.kinds[index] }))
    .sort((a, b) => a.site.layer - b.site.layer)
    .map(({ site, index, kind }) => ({ kind,
      site, block: readBlock(final, index, site, t, t, label, kind === 'cross' ? { length: s, n: s } : { length: t, n: t }) }));
  const of = (kind: 'self' | 'cross') => blocks.filter((b) => b.kind === kind);
  // The decoder's score formula, read as for any model from its self-attention (square); cross-attention has no
  // position term in any family, and its scale is its own graph constant when the graph has one.
  const formula = modelFormula(of('self').map((b) => b.site), of('self').map((b) => b.block), t, model.config.architecture,
    model.decoder.lowPrecision);
  const layersOf = (kind: 'self' | 'cross', withScores: boolean): LayerTensors[] =>
    of(kind).map(({ block }) => layerOf(block, withScores));
  const translationText = model.tokenizer.decode(generated, { skip_special_tokens: true });
  const cross = layersOf('cross', false);
  const first = of('cross')[0];
  const translation: Translation = {
    text: translationText,
    tokens: alignTokens(translationText, generated, model.vocabulary),
    stopped,
    layers: cross.length,
    heads: first.block.heads,
    headDim: first.block.headDim,
    decoder: layersOf('self', formula.additiveTerm !== undefined),
    cross,
    scale: formula.scale,
    crossScale: first.site.scale ?? formula.scale,
    ...(formula.additiveTerm ? { additiveTerm: formula.additiveTerm } : {}),
    ...(options.start.targetLang ? { targetLang: options.start.targetLang } : {}),
  };
  const positions = positionVectors(model.positions, s);
  return { model: { ...encoder.facts, id: model.folder.id }, text, tokens: source.tokens, layers: encoder.layers, translation,
    ...(positions ? { positions } : {}) };
}

function decoderFeeds(
  model: LoadedTranslator, tokens: readonly number[], hidden: ort.Tensor, s: number, label: string,
): Record<string, ort.Tensor> {
  const unknown = model.decoder.session.inputNames.filter((name) => !DECODER_INPUTS.includes(name));
  if (unknown.length > 0) {
    throw new QkvError('model-invalid',
      `${label}: ${model.decoder.file} needs ${unknown.join(', ')}, ` +
      `which QKV Scope does not fill (use a decoder_model.onnx without past state).`);
  }
  const feeds: Record<string, ort.Tensor> = { input_ids: ids(model.decoder, 'input_ids', tokens), encoder_hidden_states: hidden };
  if (model.decoder.session.inputNames.includes('encoder_attention_mask')) {
    feeds.encoder_attention_mask = ids(model.decoder, 'encoder_attention_mask', Array.from({ length: s }, () => 1));
  }
  return feeds;
}

/** One row of integers, as the graph's input declares them. */
function ids(graph: TranslatorGraph, name: string, values: readonly number[]): ort.Tensor {
  const { Tensor } = ortBackend().ort; // the backend that runs the session (see feeds.ts)
  return graph.inputTypes.get(name) === 'int32'
    ? new Tensor('int32', Int32Array.from(values), [1, values.length])
    : new Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), [1, values.length]);
}

/** The most likely next token: argmax over the vocabulary at the last position of logits [1, t, V]. */
function lastArgmax(logits: ort.Tensor): number {
  const vocab = Number(logits.dims.at(-1));
  const data = logits.data as Float32Array;
  const row = data.subarray(data.length - vocab);
  let best = 0;
  for (let i = 1; i < vocab; i++) if (row[i] > row[best]) best = i;
  return best;
}
