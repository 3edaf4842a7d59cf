// Runs in the engine worker (Node): makes a hub model a local folder in the cache, downloading what is missing.
// URLs follow transformers.js's own hub layout (env.remotePathTemplate: "{model}/resolve/{revision}/"), so any
// mirror that serves transformers.js serves us. We download ourselves rather than through transformers.js's
// getModelFile: that one is internal, and its file cache neither checks the byte count nor can be cancelled.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { env } from '@huggingface/transformers';
import { QkvError } from '../../../shared/errors';
import type { FileProgress } from './download';
import { roundedSizeBound, type DownloadLimitSettings } from './downloadLimits';
import { curatedFileBytes } from './curatedModels';
import { listedSizes } from './hubListing';
import { encoderGraphFor, graphCandidates, graphsOf, noGraphMessage, type Precision } from '../graphFile';
import { decodeGraph } from '../onnx/exposeAttention';
import { externalDataFiles } from '../onnx/externalData';
import { hubModelDir, isFile } from './hubCache';
import { hubModelName } from '../modelSpec';
import { sharedDownload } from './sharedDownloads';
import type { ModelFolder } from '../modelFolder';

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

/** Files every model needs besides its graph: transformers.js reads both tokenizer files. */
const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];
const ABSENT_FILE = '.qkv-scope-absent.json';
/** A translator's generation settings (decoder start, forced first token, end tokens), as transformers.js reads them. */
const GENERATION_CONFIG = 'generation_config.json';

export interface HubOptions {
  readonly cacheDir: string;
  /** qkvScope.hubEndpoint / --hub-endpoint; empty means HF_ENDPOINT, then the Hugging Face Hub. */
  readonly endpoint?: string;
  /** false: only the cache is used, and a missing file is an error that names it. */
  readonly allowRemote: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: FileProgress) => void;
  /** Size ceiling, idle timeout and low-speed cutoff of each file. */
  readonly limits?: DownloadLimitSettings;
  /** Called once config and tokenizer are in `dir`, before the graph is downloaded: a chance to refuse early. */
  readonly beforeGraph?: (dir: string) => Promise<void>;
}

export interface HubModelRef {
  readonly repo: string;
  readonly revision: string;
}

export async function fetchHubModel(ref: HubModelRef, precision: Precision, options: HubOptions): Promise<ModelFolder> {
  const name = hubModelName(ref.repo, ref.revision);
  const dir = hubModelDir(options.cacheDir, ref.repo, ref.revision);
  const endpoint = hubEndpoint(options.endpoint);
  let listing: Promise<Map<string, number>> | undefined;
  const statedBytes = async (file: string) => {
    if (!file.startsWith('onnx/')) return null;
    listing ??= listedSizes(endpoint, ref, authHeaders(endpoint), options.signal);
    return (await listing).get(file) ?? roundedSizeBound(curatedFileBytes(ref.repo, ref.revision, file));
  };
  const fetchFile = async (file: string): Promise<boolean> => {
    if (isFile(path.join(dir, file))) return true;
    if (!options.allowRemote) throw offlineError(name, path.join(dir, file));
    return sharedDownload(fileUrl(endpoint, ref, file), path.join(dir, file), {
      file, signal: options.signal, onProgress: options.onProgress, headers: authHeaders(endpoint),
      statedBytes: await statedBytes(file), limits: options.limits,
    });
  };

  for (const file of REQUIRED_FILES) {
    if (!(await fetchFile(file))) {
      throw new QkvError('model-not-found', file === 'config.json'
        ? `Model "${name}" was not found on ${endpoint} (${file} answered HTTP 404). Check the id and the revision.`
        : `Model "${name}" on ${endpoint} has no ${file}, which QKV Scope needs to tokenize the text.`);
    }
  }
  await options.beforeGraph?.(dir);
  const absent = new AbsentFiles(dir);
  /** The graph's weights may sit in external data files beside it (model.onnx_data): those are needed too. */
  const fetchExternalData = async (file: string): Promise<void> => {
    for (const data of await externalDataOf(path.join(dir, file), name)) {
      const relative = path.posix.join(path.posix.dirname(file), data);
      if (!(await fetchFile(relative))) {
        throw new QkvError('model-not-found',
          `Model "${name}" on ${endpoint}: ${file} keeps its weights in ${relative}, which the server does not have (HTTP 404).`);
      }
    }
  };
  const withExternalData = async (file: string): Promise<ModelFolder> => {
    await fetchExternalData(file);
    // A decoder_model.onnx may be half of an encoder–decoder model (a translator): its encoder comes too.
    const encoder = encoderGraphFor(file);
    if (encoder && !absent.has(encoder) && (options.allowRemote || isFile(path.join(dir, encoder)))) {
      if (await fetchFile(encoder)) await fetchExternalData(encoder);
      else await absent.add(encoder);
    }
    if (encoder && !absent.has(GENERATION_CONFIG) && (options.allowRemote || isFile(path.join(dir, GENERATION_CONFIG)))) {
      if (!(await fetchFile(GENERATION_CONFIG))) await absent.add(GENERATION_CONFIG);
    }
    return folder(name, dir, file);
  };
  const candidates = graphCandidates(precision);
  const isCached = (file: string) => isFile(path.join(dir, file));
  // A cached graph of the wanted precision wins, so a model used once never needs the network again.
  const wanted = graphsOf(precision).find(isCached);
  if (wanted) return withExternalData(wanted);
  if (!options.allowRemote) {
    const other = candidates.find(isCached);
    if (other) return withExternalData(other);
    throw offlineError(name, path.join(dir, candidates[0]));
  }
  for (const file of candidates) {
    if (absent.has(file)) continue;
    if (await fetchFile(file)) return withExternalData(file);
    await absent.add(file);
  }
  throw new QkvError('model-not-found', noGraphMessage(name, endpoint, precision));
}


/** External data files a downloaded graph names; a graph without the word "location" in it has none (no decoding). */
async function externalDataOf(graphPath: string, name: string): Promise<string[]> {
  const bytes = await fs.promises.readFile(graphPath);
  if (bytes.indexOf('location') < 0) return [];
  return externalDataFiles(decodeGraph(bytes, `Model "${name}"`, graphPath));
}

/**
 * Graph files the server answered 404 for, remembered in the model's cache folder, so that a repository
 * without (say) a quantized graph is not asked for one again on every run.
 */
class AbsentFiles {
  private readonly file: string;
  private readonly names: Set<string>;

  constructor(dir: string) {
    this.file = path.join(dir, ABSENT_FILE);
    try {
      this.names = new Set(JSON.parse(fs.readFileSync(this.file, 'utf8')) as string[]);
    } catch {
      this.names = new Set();
    }
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  async add(name: string): Promise<void> {
    this.names.add(name);
    await fs.promises.writeFile(this.file, JSON.stringify([...this.names]));
  }
}

/** The endpoint in use: the setting or flag, else HF_ENDPOINT, else the Hugging Face Hub. */
export function hubEndpoint(explicit?: string): string {
  const value = explicit?.trim() || process.env.HF_ENDPOINT?.trim() || DEFAULT_HUB_ENDPOINT;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new QkvError('bad-argument', `The hub endpoint "${value}" is not a URL (qkvScope.hubEndpoint, --hub-endpoint or HF_ENDPOINT).`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new QkvError('bad-argument', `The hub endpoint "${value}" must be an http:// or https:// URL.`);
  }
  return value.replace(/\/+$/, '');
}

export function fileUrl(endpoint: string, ref: HubModelRef, file: string): string {
  const repoPath = env.remotePathTemplate
    .replaceAll('{model}', ref.repo)
    .replaceAll('{revision}', encodeURIComponent(ref.revision));
  return `${endpoint}/${repoPath.replace(/^\/+/, '')}${file}`;
}

/** Like transformers.js: a token from HF_TOKEN goes to the Hugging Face Hub only, never to a mirror. */
function authHeaders(endpoint: string): Record<string, string> {
  const token = process.env.HF_TOKEN ?? process.env.HF_ACCESS_TOKEN;
  const host = new URL(endpoint).hostname;
  return token && (host === 'huggingface.co' || host === 'hf.co') ? { Authorization: `Bearer ${token}` } : {};
}

function offlineError(name: string, missing: string): QkvError {
  return new QkvError('model-not-found',
    `Model "${name}" is not fully downloaded (${missing} is missing) and downloads are off (qkvScope.allowRemoteModels is false, ` +
    'or --offline). Allow downloads once, or use "embedded" or a local model folder.');
}

function folder(id: string, dir: string, graphFile: string): ModelFolder {
  return { id, dir, graphPath: path.join(dir, graphFile), graphFile };
}
