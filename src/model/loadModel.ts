// Runs in the engine worker (Node): loads a model folder once: config.json into a ModelConfig, the tokenizer through
// transformers.js, the graph through our surgery, and an onnxruntime session on the patched bytes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import type * as ort from 'onnxruntime-common';
import { ortBackend } from '../attention/ortBackend';
import { QkvError } from '../../shared/errors';
import { planFeeds, type FeedPlan } from '../attention/feedPlan';
import type { TokenVocabulary } from '../attention/tokenOffsets';
import { exposeAttention } from './onnx/exposeAttention';
import type { AttentionSite } from './onnx/findAttention';
import { readModelConfig, type ModelConfig } from './modelConfig';
import type { ModelFolder } from './modelFolder';
import { graphCausality, type GraphCausality } from './onnx/maskCausality';
import { findPositionTable, type PositionTable } from './onnx/positionEmbeddings';
import { tokenizerVocabulary } from './tokenizerVocabulary';

export interface LoadedModel {
  readonly folder: ModelFolder;
  readonly config: ModelConfig;
  readonly tokenizer: PreTrainedTokenizer;
  readonly vocabulary: TokenVocabulary;
  readonly session: ort.InferenceSession;
  /** How each graph input is fed. */
  readonly plan: FeedPlan;
  /** Attention blocks in graph order; their tensors are outputs `outputName(i, kind)`. */
  readonly sites: readonly AttentionSite[];
  /** The graph computes in float16 (or on quantized scores): its numbers agree with a float64 recompute less closely. */
  readonly lowPrecision: boolean;
  /** Fused attention operators opened up into standard ones, one entry per node; empty when none. */
  readonly fused: readonly string[];
  /** The learned position embeddings, copied out of the weights; absent when the model has none we can find. */
  readonly positions?: PositionTable;
  /** Whether the graph's mask hides later keys, read from its structure; the run checks it against the numbers. */
  readonly graphCausal: GraphCausality;
}

export async function loadModel(folder: ModelFolder): Promise<LoadedModel> {
  // Only local files: hub downloads land in a folder first and load from there.
  env.allowRemoteModels = false;
  const label = `Model "${folder.id}"`;
  const config = readModelConfig(folder.dir, label);
  let tokenizer: PreTrainedTokenizer;
  try {
    tokenizer = await AutoTokenizer.from_pretrained(folder.dir, { local_files_only: true });
  } catch (error) {
    throw new QkvError('model-invalid', `${label}: its tokenizer could not be loaded (${(error as Error).message}).`);
  }
  const original = await fs.promises.readFile(folder.graphPath).catch((error: NodeJS.ErrnoException) => {
    throw new QkvError('model-invalid', `${label}: cannot read ${folder.graphPath} (${error.code ?? error.message}).`);
  });
  const exposed = exposeAttention(original, label, folder.graphPath);
  const plan = planFeeds(exposed.graph, label);
  const session = await createSession(exposed.bytes, folder.graphPath, label);
  // A generation loop's decoder runs on its own; the result says which file and which part of it ran.
  const shown = exposed.insideWrapper
    ? { ...folder, graphFile: `${folder.graphFile} (the decoder inside ${exposed.insideWrapper})` } : folder;
  return {
    folder: shown, config, tokenizer, vocabulary: tokenizerVocabulary(tokenizer), session, plan, sites: exposed.sites,
    lowPrecision: exposed.lowPrecision, fused: exposed.fused, positions: findPositionTable(exposed.graph, config),
    graphCausal: graphCausality(exposed.graph, exposed.sites),
  };
}

/**
 * A session on patched bytes. Weights in external data files are read from the graph's own folder, where the
 * original graph points (onnxruntime resolves them against this folder, as if the graph had been loaded by path).
 */
export async function createSession(bytes: Uint8Array, graphPath: string, label: string): Promise<ort.InferenceSession> {
  try {
    const backend = ortBackend();
    // The folder option is onnxruntime-node's; the WASM build is given no options it does not know.
    const external = backend.name === 'native'
      ? { extra: { session: { model_external_initializers_file_folder_path: path.dirname(graphPath) } } } : {};
    return await backend.ort.InferenceSession.create(bytes, {
      // Every text has its own length: a memory pattern cached per input shape, and an arena sized for the
      // longest text yet, would only grow over a long session.
      enableMemPattern: false,
      enableCpuMemArena: false,
      ...external,
    });
  } catch (error) {
    throw new QkvError('model-invalid', `${label}: onnxruntime could not load ${graphPath}: ${firstLine(error)}`);
  }
}

/** onnxruntime messages carry a C++ stack; the first line says what went wrong. */
export function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0];
}
