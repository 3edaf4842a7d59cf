// Runs in the engine worker (Node): loads an encoder–decoder model folder in transformers.js's layout (Marian, T5,
// BART, M2M100/NLLB: onnx/encoder_model.onnx + onnx/decoder_model.onnx): the tokenizer, and both graphs through our
// surgery. The decoder's attention blocks are told apart by structure: cross-attention's K and V come from the
// encoder's hidden states, a graph input its Q never sees.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AutoTokenizer, env, LogLevel, type PreTrainedTokenizer } from '@huggingface/transformers';
import type * as ort from 'onnxruntime-common';
import { onnx } from 'onnx-proto';
import { QkvError } from '../../shared/errors';
import type { TokenVocabulary } from '../attention/tokenOffsets';
import { encoderGraphFor } from './graphFile';
import { createSession } from './loadModel';
import { readModelConfig, type ModelConfig } from './modelConfig';
import type { ModelFolder } from './modelFolder';
import { blockKind } from './onnx/blockKind';
import { exposeAttention } from './onnx/exposeAttention';
import type { AttentionSite } from './onnx/findAttention';
import { indexGraph } from './onnx/onnxGraph';
import { findPositionTable, type PositionTable } from './onnx/positionEmbeddings';
import { tokenizerVocabulary } from './tokenizerVocabulary';
import { readLanguages, type TranslationLanguages } from './translationLanguages';

/** One of the two graphs, patched to output its attention. */
export interface TranslatorGraph {
  readonly file: string;
  readonly session: ort.InferenceSession;
  readonly sites: readonly AttentionSite[];
  /** Element type of each graph input ('int64', 'int32', 'float32'…), by name. */
  readonly inputTypes: ReadonlyMap<string, string>;
  readonly lowPrecision: boolean;
  readonly fused: readonly string[];
}

export interface LoadedTranslator {
  readonly folder: ModelFolder;
  readonly config: ModelConfig;
  readonly tokenizer: PreTrainedTokenizer;
  readonly vocabulary: TokenVocabulary;
  readonly encoder: TranslatorGraph;
  /** Its sites, in graph order, each marked self (causal, over the translation) or cross (translation × source). */
  readonly decoder: TranslatorGraph & { readonly kinds: readonly ('self' | 'cross')[] };
  /** The tokens that end a translation (generation_config.json may name several). */
  readonly eosIds: readonly number[];
  readonly startId: number;
  /** Language codes, task prefixes and the forced first token: what a run's language choice is checked against. */
  readonly languages: TranslationLanguages;
  /** The encoder's learned (or stored sinusoidal) position table, when it has one. */
  readonly positions?: PositionTable;
}

/** The encoder graph beside a decoder graph of the same precision, when the folder is an encoder–decoder one. */
export function encoderGraphBeside(folder: ModelFolder): string | undefined {
  const file = encoderGraphFor(folder.graphFile);
  const encoder = file && path.join(folder.dir, file);
  return encoder && fs.existsSync(encoder) ? encoder : undefined;
}

export async function loadTranslator(folder: ModelFolder, encoderPath: string): Promise<LoadedTranslator> {
  env.allowRemoteModels = false;
  const label = `Model "${folder.id}"`;
  const config = readModelConfig(folder.dir, label);
  let tokenizer: PreTrainedTokenizer;
  // transformers.js warns that MarianTokenizer has no "fast" twin in Python; that says nothing about this run.
  const logLevel = env.logLevel;
  env.logLevel = LogLevel.ERROR;
  try {
    tokenizer = await AutoTokenizer.from_pretrained(folder.dir, { local_files_only: true });
  } catch (error) {
    throw new QkvError('model-invalid', `${label}: its tokenizer could not be loaded (${(error as Error).message}).`);
  } finally {
    env.logLevel = logLevel;
  }
  const languages = readLanguages(folder.dir, tokenizer);
  const eosIds = languages.eosIds.length > 0
    ? languages.eosIds
    : [config.eosTokenId ?? tokenizer.eos_token_id].filter((x): x is number => typeof x === 'number');
  const startId = languages.decoderStartId ?? config.decoderStartTokenId ?? tokenizer.pad_token_id;
  if (eosIds.length === 0 || startId === undefined || startId === null) {
    throw new QkvError('model-invalid',
      `${label}: config.json names no eos_token_id or decoder_start_token_id, so a translation cannot start or stop.`);
  }
  const encoder = await loadGraph(encoderPath, folder.dir, label);
  const positions = findPositionTable(encoder.graph, config);
  const decoderGraph = await loadGraph(folder.graphPath, folder.dir, label);
  const ix = indexGraph(decoderGraph.graph);
  const kinds = decoderGraph.sites.map((site) => blockKind(ix, site.q, site.k, () => false));
  if (!kinds.includes('cross')) throw new QkvError('no-attention',
    `${label}: ${folder.graphFile} has no cross-attention (no block whose K comes from the encoder).`);
  return {
    folder, config, tokenizer, vocabulary: tokenizerVocabulary(tokenizer), eosIds, startId, languages,
    encoder: withoutGraph(encoder), decoder: { ...withoutGraph(decoderGraph), kinds }, ...(positions ? { positions } : {}),
  };
}

async function loadGraph(graphPath: string, dir: string, label: string): Promise<TranslatorGraph & { readonly graph: onnx.IGraphProto }> {
  const exposed = exposeAttention(await fs.promises.readFile(graphPath), label, graphPath);
  const session = await createSession(exposed.bytes, graphPath, label);
  const inputTypes = new Map((exposed.graph.input ?? []).map((v) => [v.name ?? '', elementName(v.type?.tensorType?.elemType ?? 0)]));
  return {
    file: path.relative(dir, graphPath), session, sites: exposed.sites, inputTypes, graph: exposed.graph,
    lowPrecision: exposed.lowPrecision, fused: exposed.fused,
  };
}

function withoutGraph(g: TranslatorGraph & { readonly graph: onnx.IGraphProto }): TranslatorGraph {
  const { graph: _graph, ...rest } = g;
  return rest;
}

function elementName(type: number): string {
  const T = onnx.TensorProto.DataType;
  return type === T.INT32 ? 'int32' : type === T.FLOAT16 ? 'float16' : type === T.FLOAT ? 'float32' : 'int64';
}
