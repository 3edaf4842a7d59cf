// Runs in the engine worker (Node): one forward pass that returns the model's own attention, Q, K and V.
import type * as ort from 'onnxruntime-node';
import type { AttentionResult, LayerTensors, ModelFacts, Token } from '../../shared/attentionResult';
import { QkvError } from '../../shared/errors';
import { outputName } from '../model/onnx/exposeAttention';
import type { LoadedModel } from '../model/loadModel';
import { firstLine } from '../model/loadModel';
import { architectureOf, hiddenSizeOf, isCausal, maxPositionsOf } from '../model/modelConfig';
import { positionRows } from '../model/onnx/positionEmbeddings';
import { buildFeeds } from './feeds';
import { assertFiniteAttention, causalFromResult, kvHeadOfFromResult } from './graphFacts';
import { alignTokens } from './tokenOffsets';

export interface TokenizedText {
  readonly ids: number[];
  readonly tokens: Token[];
}

/** Tokenizes and checks the length against both the user's limit and the model's positions. */
/** Checked before any model loads: an empty selection needs no model to be refused. */
export function assertHasText(text: string): void {
  if (text.trim() === '') throw new QkvError('empty-input', 'There is no text to show: the selection is empty or only whitespace.');
}

export function tokenize(model: LoadedModel, text: string, maxTokens: number): TokenizedText {
  assertHasText(text);
  const ids = model.tokenizer.encode(text);
  const positions = maxPositionsOf(model.config);
  if (ids.length > maxTokens) {
    throw new QkvError('too-long',
      `The text is ${ids.length} tokens long; the limit is ${maxTokens} tokens (the qkvScope.maxTokens setting, or --max-tokens). Select less text.`);
  }
  if (positions !== null && ids.length > positions) {
    throw new QkvError('too-long',
      `The text is ${ids.length} tokens long; model "${model.folder.id}" reads at most ${positions} positions. Select less text.`);
  }
  return { ids, tokens: alignTokens(text, ids, model.vocabulary) };
}

export async function runAttention(model: LoadedModel, text: string, tokenized: TokenizedText): Promise<AttentionResult> {
  const { ids, tokens } = tokenized;
  const feeds = buildFeeds(model.session, ids, model.config, model.folder.id);
  let outputs: ort.InferenceSession.OnnxValueMapType;
  try {
    outputs = await model.session.run(feeds);
  } catch (error) {
    throw new QkvError('model-invalid', `Model "${model.folder.id}" failed to run on this text: ${firstLine(error)}`);
  }
  const n = ids.length;
  const order = model.sites.map((site, index) => ({ site, index })).sort((a, b) => a.site.layer - b.site.layer);
  const layers = order.map(({ index }) => layerTensors(outputs, index, n, model.folder.id));
  const heads = layers[0].heads;
  const headDim = layers[0].headDim;
  const tensors = layers.map((l) => l.tensors);
  assertFiniteAttention(tensors, heads, n, model.folder.id);
  const causal = causalFromResult(tensors, heads, n, isCausal(model.config));
  const facts: ModelFacts = {
    id: model.folder.id,
    architecture: architectureOf(model.config),
    layers: layers.length,
    heads,
    headDim,
    hiddenSize: hiddenSizeOf(model.config) ?? heads * headDim,
    causal,
    maxPositions: maxPositionsOf(model.config),
    quantizedScores: model.sites.some((s) => s.quantizedScores),
    onnxFile: model.folder.graphFile,
    kvHeadOf: kvHeadOfFromResult(tensors, heads, n, headDim),
  };
  const positionData = model.positions && positionRows(model.positions, n);
  const positions = positionData && { source: model.positions!.source, dim: model.positions!.dim, firstRow: model.positions!.firstRow, data: positionData };
  return { model: facts, text, tokens, layers: layers.map((l) => l.tensors), ...(positions ? { positions } : {}) };
}

interface ShapedLayer {
  readonly tensors: LayerTensors;
  readonly heads: number;
  readonly headDim: number;
}

/** Reads one block's outputs, drops the batch axis, and checks the shapes we promise: [H, n, n] and [H, n, D]. */
function layerTensors(outputs: ort.InferenceSession.OnnxValueMapType, site: number, n: number, modelId: string): ShapedLayer {
  const get = (kind: keyof LayerTensors) => outputs[outputName(site, kind)] as ort.Tensor;
  const probs = get('probs');
  const dims = probs.dims.length === 4 ? probs.dims.slice(1) : probs.dims;
  const [heads, rows, cols] = dims;
  const headDim = get('q').dims.at(-1) ?? 0;
  const fail = (what: string) => new QkvError('no-attention',
    `Model "${modelId}": attention block ${site} has an unexpected layout (${what}); QKV Scope expects [batch, heads, n, n] probabilities and [batch, heads, n, d] Q, K and V.`);
  if (dims.length !== 3 || rows !== n || cols !== n) throw fail(`probabilities ${JSON.stringify(probs.dims)}`);
  for (const kind of ['q', 'k', 'v'] as const) {
    if (get(kind).data.length !== heads * n * headDim) throw fail(`${kind} ${JSON.stringify(get(kind).dims)}`);
  }
  const own = (t: ort.Tensor) => ownBuffer(t.data as Float32Array);
  return { tensors: { probs: own(probs), q: own(get('q')), k: own(get('k')), v: own(get('v')) }, heads, headDim };
}

/** A typed array that owns its whole buffer, so it can be transferred to another thread without extra bytes. */
function ownBuffer(data: Float32Array): Float32Array {
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
}
