// Runs in the engine worker (Node): loads a model folder once: tokenizer and config through transformers.js,
// the graph through our surgery, and an onnxruntime session on the patched bytes.
import * as fs from 'node:fs';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { QkvError } from '../../shared/errors';
import type { TokenVocabulary } from '../attention/tokenOffsets';
import { exposeAttention } from './onnx/exposeAttention';
import type { AttentionSite } from './onnx/findAttention';
import type { RawConfig } from './modelConfig';
import type { ModelFolder } from './modelFolder';
import { findPositionTable, type PositionTable } from './onnx/positionEmbeddings';
import { tokenizerVocabulary } from './tokenizerVocabulary';

export interface LoadedModel {
  readonly folder: ModelFolder;
  readonly config: RawConfig;
  readonly tokenizer: PreTrainedTokenizer;
  readonly vocabulary: TokenVocabulary;
  readonly session: ort.InferenceSession;
  /** Attention blocks in graph order; their tensors are outputs `outputName(i, kind)`. */
  readonly sites: readonly AttentionSite[];
  /** The learned position embeddings, copied out of the weights; absent when the model has none we can find. */
  readonly positions?: PositionTable;
}

export async function loadModel(folder: ModelFolder): Promise<LoadedModel> {
  // Only local files: hub downloads, when they come, land in a folder first and load from there.
  env.allowRemoteModels = false;
  const config = readConfig(folder);
  let tokenizer: PreTrainedTokenizer;
  try {
    tokenizer = await AutoTokenizer.from_pretrained(folder.dir, { local_files_only: true });
  } catch (error) {
    throw new QkvError('model-invalid', `Model "${folder.id}": its tokenizer could not be loaded (${(error as Error).message}).`);
  }
  const original = await fs.promises.readFile(folder.graphPath).catch((error: NodeJS.ErrnoException) => {
    throw new QkvError('model-invalid', `Model "${folder.id}": cannot read ${folder.graphPath} (${error.code ?? error.message}).`);
  });
  const { bytes, sites, graph } = exposeAttention(original, `Model "${folder.id}"`);
  const positions = findPositionTable(graph, config);
  let session: ort.InferenceSession;
  try {
    // Every text has its own length: a memory pattern cached per input shape would only grow, run after run.
    session = await ort.InferenceSession.create(bytes, { enableMemPattern: false, enableCpuMemArena: false });
  } catch (error) {
    throw new QkvError('model-invalid', `Model "${folder.id}": onnxruntime could not load ${folder.graphPath}: ${firstLine(error)}`);
  }
  return { folder, config, tokenizer, vocabulary: tokenizerVocabulary(tokenizer), session, sites, positions };
}

function readConfig(folder: ModelFolder): RawConfig {
  let config: unknown;
  try {
    config = JSON.parse(fs.readFileSync(`${folder.dir}/config.json`, 'utf8'));
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new QkvError('model-invalid', `Model "${folder.id}": config.json cannot be read as JSON (${e.code ?? firstLine(e)}).`);
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new QkvError('model-invalid', `Model "${folder.id}": config.json holds ${config === null ? 'null' : Array.isArray(config) ? 'a list' : `a ${typeof config}`}, not the model's settings.`);
  }
  return config as RawConfig;
}

/** onnxruntime messages carry a C++ stack; the first line says what went wrong. */
export function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0];
}
