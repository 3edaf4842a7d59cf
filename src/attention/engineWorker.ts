// Runs in a worker thread: decoding, surgery, session creation and the forward pass stay off the caller's thread.
import { parentPort } from 'node:worker_threads';
import type { AttentionResult, LayerTensors } from '../../shared/attentionResult';
import { QkvError, serializeError } from '../../shared/errors';
import { defaultModelCacheDir } from '../model/hub/cacheDir';
import { loadModel, type LoadedModel } from '../model/loadModel';
import { encoderGraphBeside, loadTranslator, type LoadedTranslator } from '../model/loadTranslator';
import type { ModelFolder } from '../model/modelFolder';
import { resolveModel } from '../model/modelSource';
import { ortBackend } from './ortBackend';
import { assertHasText, runAttention, tokenize } from './runAttention';
import { runTranslation, tokenizeSource } from './runTranslation';
import type { FromWorker, RunRequest, ToWorker } from './workerProtocol';

const port = parentPort;
if (!port) throw new Error('engineWorker must run in a worker thread');

/** One session per model graph file, kept for the life of the worker. */
const models = new Map<string, Promise<LoadedModel>>();
const translators = new Map<string, Promise<LoadedTranslator>>();
const cancelled = new Set<number>();
/** Aborts the download of a run that is cancelled while it waits for the network. */
const aborts = new Map<number, AbortController>();
/** Runs go one at a time: a second model or run in parallel would only compete for the same two cores. */
let queue: Promise<void> = Promise.resolve();
let backendAnnounced = false;

const buffersOf = (layers: readonly LayerTensors[]) =>
  layers.flatMap((l) => [l.probs.buffer, l.q.buffer, l.k.buffer, l.v.buffer, ...(l.scores ? [l.scores.buffer] : [])]) as ArrayBuffer[];

const post = (message: FromWorker) => {
  const result = message.type === 'result' ? message.result : undefined;
  const layers = result ? [...result.layers, ...(result.translation?.decoder ?? []), ...(result.translation?.cross ?? [])] : [];
  port.postMessage(message, [...new Set(buffersOf(layers))]);
};

port.on('message', (message: ToWorker) => {
  if (message.type === 'cancel') {
    cancelled.add(message.id);
    aborts.get(message.id)?.abort();
    return;
  }
  queue = queue.then(() => handleRun(message.id, message.request));
});

async function handleRun(id: number, request: RunRequest): Promise<void> {
  const checkCancelled = () => throwIfCancelled(id);
  const abort = new AbortController();
  aborts.set(id, abort);
  try {
    checkCancelled();
    assertHasText(request.text);
    const hub = request.hub ?? {};
    const folder = await resolveModel(request.model, {
      baseDir: request.baseDir,
      precision: request.precision,
      hub: {
        cacheDir: hub.cacheDir ?? defaultModelCacheDir(),
        endpoint: hub.endpoint,
        allowRemote: hub.allowRemote ?? true,
        idleTimeoutMs: hub.idleTimeoutMs,
        signal: abort.signal,
        onProgress: (progress) => post({ type: 'download', id, progress: { model: request.model, ...progress } }),
      },
    });
    checkCancelled();
    post({ type: 'progress', id, stage: 'loading-model' });
    const encoderPath = encoderGraphBeside(folder);
    const result = encoderPath ? await translate(id, folder, encoderPath, request) : await describe(id, folder, request);
    checkCancelled();
    post({ type: 'result', id, result: { ...result, model: { ...result.model, id: folder.id } } });
  } catch (error) {
    cancelled.delete(id);
    post({ type: 'error', id, error: serializeError(error) });
  } finally {
    aborts.delete(id);
  }
}

/** A decoder-only or encoder-only model: one forward pass over the text. */
async function describe(id: number, folder: ModelFolder, request: RunRequest): Promise<AttentionResult> {
  const model = await cached(models, folder.graphPath, () => loadModel(folder));
  throwIfCancelled(id);
  post({ type: 'progress', id, stage: 'tokenizing' });
  const tokenized = tokenize(model, request.text, request.maxTokens);
  post({ type: 'progress', id, stage: 'running' });
  return runAttention(model, request.text, tokenized);
}

/** An encoder–decoder model: the translation of the text, and the attention of both halves. */
async function translate(id: number, folder: ModelFolder, encoderPath: string, request: RunRequest): Promise<AttentionResult> {
  const model = await cached(translators, folder.graphPath, () => loadTranslator(folder, encoderPath));
  throwIfCancelled(id);
  post({ type: 'progress', id, stage: 'tokenizing' });
  const source = tokenizeSource(model, request.text, request.maxTokens);
  post({ type: 'progress', id, stage: 'running' });
  return runTranslation(model, request.text, source, { isCancelled: () => cancelled.has(id) });
}

function throwIfCancelled(id: number): void {
  if (cancelled.delete(id)) throw new QkvError('cancelled', 'The run was cancelled.');
}

function cached<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let model = cache.get(key);
  if (!model) {
    if (!backendAnnounced) {
      backendAnnounced = true;
      const { name, description } = ortBackend();
      post({ type: 'backend', name, description });
    }
    model = load();
    cache.set(key, model);
    // A model that failed to load is not kept, so fixing the folder and retrying works.
    model.catch(() => cache.delete(key));
  }
  return model;
}
