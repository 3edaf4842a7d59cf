// Runs in the engine worker (Node): turns what the user asked for ("embedded", a folder, a hub id) into a model
// folder. A hub model is downloaded into the cache first, so every kind loads through the same loadModel path.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { QkvError } from '../../shared/errors';
import { graphCandidates, noGraphMessage, type Precision } from './graphFile';
import { fetchHubModel, type HubOptions } from './hub/hubModel';
import { EMBEDDED_MODEL, parseModelSpec } from './modelSpec';
import type { ModelFolder } from './modelFolder';
import { embeddedModelDir } from './packageRoot';

export { EMBEDDED_MODEL } from './modelSpec';
export type { ModelFolder } from './modelFolder';

export interface ResolveOptions {
  /** Relative folders are resolved against this folder. */
  readonly baseDir?: string;
  readonly precision?: Precision;
  readonly hub: HubOptions;
}

export async function resolveModel(value: string, options: ResolveOptions): Promise<ModelFolder> {
  const spec = parseModelSpec(value, options.baseDir);
  if (spec.kind !== 'hub') return resolveModelFolder(value, options.baseDir, options.precision);
  return fetchHubModel(spec, options.precision ?? 'full', options.hub);
}

/** "embedded" or a local folder; no network. */
export function resolveModelFolder(value: string, baseDir: string = process.cwd(), precision: Precision = 'full'): ModelFolder {
  const spec = parseModelSpec(value, baseDir);
  const id = value.trim() || EMBEDDED_MODEL;
  if (spec.kind === 'hub') {
    throw new QkvError('model-not-found',
      `Model "${id}" is a hub id and there is no folder of that name; hub models are downloaded by the engine.`);
  }
  const dir = spec.kind === 'embedded' ? embeddedModelDir() : spec.dir;
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new QkvError('model-not-found',
      `Model "${id}" was not found: no folder ${dir}. Use "embedded", a hub id such as Xenova/gpt2, or a folder holding config.json, ` +
      `tokenizer.json and onnx/model.onnx.`);
  }
  for (const file of ['config.json', 'tokenizer.json']) {
    if (!fs.existsSync(path.join(dir, file))) {
      throw new QkvError('model-not-found', `Model "${id}": ${path.join(dir, file)} is missing.`);
    }
  }
  const graphFile = graphCandidates(precision).find((c) => fs.existsSync(path.join(dir, c)));
  if (!graphFile) throw new QkvError('model-not-found', noGraphMessage(id, dir, precision));
  return { id, dir, graphPath: path.join(dir, graphFile), graphFile };
}
