// Runs in the engine worker (Node): turns what the user asked for ("embedded", a folder, a hub id) into a model folder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { QkvError } from '../../shared/errors';
import { embeddedModelDir } from './packageRoot';

export const EMBEDDED_MODEL = 'embedded';

/** Where a model's graph may sit inside its folder, in order of preference (optimum and transformers.js layouts). */
const GRAPH_CANDIDATES = ['onnx/model.onnx', 'model.onnx', 'onnx/decoder_model.onnx', 'decoder_model.onnx'];

export interface ModelFolder {
  /** What the user asked for, used in messages and in results. */
  readonly id: string;
  readonly dir: string;
  readonly graphPath: string;
}

export function resolveModelFolder(spec: string, baseDir: string = process.cwd()): ModelFolder {
  const id = spec.trim() || EMBEDDED_MODEL;
  const dir = id === EMBEDDED_MODEL ? embeddedModelDir() : path.resolve(baseDir, id);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new QkvError('model-not-found',
      `Model "${id}" was not found: no folder ${dir}. Use "embedded" or a folder holding config.json, tokenizer.json and onnx/model.onnx.`);
  }
  for (const file of ['config.json', 'tokenizer.json']) {
    if (!fs.existsSync(path.join(dir, file))) {
      throw new QkvError('model-not-found', `Model "${id}": ${path.join(dir, file)} is missing.`);
    }
  }
  const graph = GRAPH_CANDIDATES.map((c) => path.join(dir, c)).find((p) => fs.existsSync(p));
  if (!graph) {
    throw new QkvError('model-not-found', `Model "${id}": no ONNX graph in ${dir} (looked for ${GRAPH_CANDIDATES.join(', ')}).`);
  }
  return { id, dir, graphPath: graph };
}
