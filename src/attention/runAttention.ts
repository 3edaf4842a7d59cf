// Runs in the engine worker (Node): one forward pass that returns the model's own attention, Q, K and V.
import type * as ort from 'onnxruntime-common';
import type { AttentionResult, LayerTensors, ModelFacts, Token } from '../../shared/attentionResult';
import { QkvError } from '../../shared/errors';
import type { LoadedModel } from '../model/loadModel';
import { firstLine } from '../model/loadModel';
import { exposedOutputs } from '../model/onnx/exposeAttention';
import { positionVectors } from '../model/onnx/positionEmbeddings';
import { runLength } from './feedPlan';
import { buildFeeds } from './feeds';
import { assertFiniteAttention, decideCausal, kvHeadOfFromResult, kvHeadsNote } from './graphFacts';
import { readBlock, type BlockTensors } from './layerReader';
import { modelFormula } from './modelFormula';
import { alignTokens, uncoveredCharacters } from './tokenOffsets';

export interface TokenizedText {
  readonly ids: number[];
  readonly tokens: Token[];
}

/** Checked before any model loads: an empty selection needs no model to be refused. */
export function assertHasText(text: string): void {
  if (text.trim() === '') throw new QkvError('empty-input', 'There is no text to show: the selection is empty or only whitespace.');
}

/** Refuses more tokens than the user's limit (qkvScope.maxTokens, --max-tokens) or the model's positions. */
export function assertLengthFits(tokens: number, maxTokens: number, positions: number | null, modelId: string): void {
  if (tokens > maxTokens) {
    throw new QkvError('too-long',
      `The text is ${tokens} tokens long; the limit is ${maxTokens} tokens (the qkvScope.maxTokens setting, or --max-tokens). ` +
      `Select less text.`);
  }
  if (positions !== null && tokens > positions) {
    throw new QkvError('too-long',
      `The text is ${tokens} tokens long; model "${modelId}" reads at most ${positions} positions. Select less text.`);
  }
}

/** Tokenizes and checks the length against the user's limit, the model's positions and a length fixed in the graph. */
export function tokenize(model: LoadedModel, text: string, maxTokens: number): TokenizedText {
  assertHasText(text);
  const ids = model.tokenizer.encode(text);
  assertLengthFits(ids.length, maxTokens, model.config.maxPositions, model.folder.id);
  runLength(model.plan, ids.length, `Model "${model.folder.id}"`);
  const rows = model.plan.inputs.find((p) => p.role.kind === 'ids')?.role;
  const beyond = rows?.kind === 'ids' && rows.tableRows !== undefined ? ids.find((id) => id >= rows.tableRows!) : undefined;
  if (beyond !== undefined && rows?.kind === 'ids') {
    throw new QkvError('model-invalid',
      `Model "${model.folder.id}": its tokenizer gives token id ${beyond}, beyond the graph's embedding table of ${rows.tableRows} rows; ` +
      `the tokenizer does not belong to this graph.`);
  }
  const tokens = alignTokens(text, ids, model.vocabulary);
  if (model.vocabulary.unknownId === null) assertAllRead(text, tokens, model.folder.id);
  return { ids, tokens };
}

/** A tokenizer with no unknown token drops what it cannot spell; say so rather than show a shorter text. */
function assertAllRead(text: string, tokens: readonly Token[], modelId: string): void {
  const missing = uncoveredCharacters(text, tokens);
  if (missing.length === 0) return;
  const shown = missing.slice(0, 8).map((ch) => `"${ch}"`).join(', ');
  throw new QkvError('unreadable-text',
    `Model "${modelId}" has no token for ${shown}${missing.length > 8 ? ' and more' : ''}: its vocabulary cannot spell this text. ` +
    `Remove those characters or choose another model.`);
}

export async function runAttention(model: LoadedModel, text: string, tokenized: TokenizedText): Promise<AttentionResult> {
  const { ids, tokens } = tokenized;
  const label = `Model "${model.folder.id}"`;
  const n = ids.length;
  const length = runLength(model.plan, n, label);
  const padId = model.config.padTokenId ?? model.tokenizer.pad_token_id ?? 0;
  const feeds = buildFeeds(model.plan, { ids, length, padId, causal: model.config.causal ?? false });
  // Only the attention tensors: the model's own outputs (logits over a whole vocabulary) are not shown, and skipping
  // them skips the work that only they need.
  const outputs = await runSession(model.session, feeds, label, exposedOutputs(model.session));
  const result = assembleResult(model, outputs, length, n);
  const positions = positionVectors(model.positions, n);
  return { model: result.facts, text, tokens, layers: result.layers, ...(positions ? { positions } : {}) };
}

export async function runSession(
  session: ort.InferenceSession, feeds: Record<string, ort.Tensor>, label: string, fetches?: readonly string[],
): Promise<ort.InferenceSession.OnnxValueMapType> {
  try {
    return await (fetches ? session.run(feeds, [...fetches]) : session.run(feeds));
  } catch (error) {
    throw new QkvError('model-invalid', `${label} failed to run on this text: ${firstLine(error)}`);
  }
}

/** The model facts and per-layer tensors of one run, layers in layer order. */
export function assembleResult(model: Pick<LoadedModel, 'sites' | 'config' | 'folder' | 'lowPrecision' | 'fused'> &
  Partial<Pick<LoadedModel, 'graphCausal'>>,
  outputs: ort.InferenceSession.OnnxValueMapType, length: number, n: number): { facts: ModelFacts; layers: LayerTensors[] } {
  const label = `Model "${model.folder.id}"`;
  const order = model.sites.map((site, index) => ({ site, index })).sort((a, b) => a.site.layer - b.site.layer);
  const blocks = order.map(({ site, index }) => readBlock(outputs, index, site, length, n, label));
  const { heads, headDim } = blocks[0];
  // Causality comes from the graph's mask checked against the numbers, K/V sharing from the graph's K heads or the
  // numbers; config.json only breaks a tie (one token) and is named where it disagrees.
  assertFiniteAttention(blocks, heads, n, model.folder.id);
  const causal = decideCausal(model.graphCausal, blocks, heads, n, model.config.causal);
  const kvHeadOf = broadcastKvHeads(heads, blocks[0].kvHeads) ?? kvHeadOfFromResult(blocks, heads, n, headDim);
  // config.json claims shared K/V heads only when it names fewer K/V heads than heads.
  const { kvHeads: claimedKv, heads: claimedHeads } = model.config;
  const kvNote = kvHeadsNote(claimedKv !== claimedHeads ? claimedKv : null, heads, kvHeadOf);
  const notes = [causal.note, kvNote].filter((note) => note !== undefined);
  const formula = modelFormula(order.map((o) => o.site), blocks, n, model.config.architecture, model.lowPrecision);
  const facts: ModelFacts = {
    id: model.folder.id,
    architecture: model.config.architecture,
    layers: blocks.length,
    heads,
    headDim,
    hiddenSize: model.config.hiddenSize ?? heads * headDim,
    causal: causal.causal,
    maxPositions: model.config.maxPositions,
    quantizedScores: model.sites.some((s) => s.quantizedScores),
    onnxFile: model.folder.graphFile,
    // From the graph (K/V heads it broadcasts) or from the tensors (heads whose K and V are identical), never config.json.
    kvHeadOf,
    scale: formula.scale,
    ...(formula.softcap ? { softcap: formula.softcap } : {}),
    ...(formula.additiveTerm ? { additiveTerm: formula.additiveTerm } : {}),
    ...(model.fused.length > 0 ? { fused: [...new Set(model.fused)] } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
  const layers = blocks.map((b) => layerOf(b, formula.additiveTerm !== undefined || !!formula.softcap));
  return { facts, layers };
}

/** K/V heads the graph broadcasts over the query heads (multi-query, grouped K/V read before repeat_kv). */
function broadcastKvHeads(heads: number, kvHeads: number): number[] | undefined {
  if (kvHeads >= heads) return undefined;
  return Array.from({ length: heads }, (_, h) => Math.floor(h / (heads / kvHeads)));
}

/** A block as a result layer: its scores kept only when the model adds a term (or soft-caps) that they show. */
export function layerOf(block: BlockTensors, withScores: boolean): LayerTensors {
  const { probs, q, k, v, scores } = block;
  return withScores ? { probs, q, k, v, scores } : { probs, q, k, v };
}
