// Runs in a worker thread or a child process (src/attention/engineChannel.ts): decoding, surgery, session creation
// and the forward pass stay off the caller's thread.
import { getHeapStatistics } from 'node:v8';
import type { AttentionResult, LayerTensors } from '../../shared/attentionResult';
import { QkvError, serializeError } from '../../shared/errors';
import { explainBrokenCache } from '../model/hub/brokenCache';
import { defaultModelCacheDir } from '../model/hub/cacheDir';
import { loadModel } from '../model/loadModel';
import { encoderGraphBeside, loadTranslator } from '../model/loadTranslator';
import type { ModelFolder } from '../model/modelFolder';
import { resolveModel } from '../model/modelSource';
import { assertFewEnoughTokens, assertInputSize, countFirst, precheckLength } from './boundedInput';
import { checkSelectionEarly } from './earlySelection';
import { ModelCache, type LoadedAny } from './modelCache';
import { ortBackend } from './ortBackend';
import { callerPort } from './callerPort';
import { assertHasText, runAttention, tokenize } from './runAttention';
import { runTranslation, tokenizeSource } from './runTranslation';
import { translationStart } from '../model/translationLanguages';
import type { FromWorker, RunRequest, ToWorker } from './workerProtocol';

const port = callerPort();

/** Sessions of the few models used last (plain models and translators together). */
const models = new ModelCache();
const cancelled = new Set<number>();
/** Set by 'shutdown': every run still queued or running ends as cancelled. */
let shuttingDown = false;
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
  port.post(message, [...new Set(buffersOf(layers))]);
};

port.onMessage((message: ToWorker) => {
  if (message.type === 'memory') {
    post({ type: 'memory', heap: getHeapStatistics(), rss: process.memoryUsage().rss, pid: process.pid });
    return;
  }
  if (message.type === 'cancel') {
    cancelled.add(message.id);
    aborts.get(message.id)?.abort();
    return;
  }
  if (message.type === 'shutdown') {
    shutDown();
    return;
  }
  queue = queue.then(() => handleRun(message.id, message.request));
});

/**
 * Ends the worker without ever stopping it inside a native call: terminating a thread while onnxruntime runs
 * or creates a session aborts the whole process. Downloads stop at once; a forward pass in progress finishes
 * and its result is dropped; then every session is released and the thread exits by itself.
 */
function shutDown(): void {
  shuttingDown = true;
  for (const abort of aborts.values()) abort.abort();
  queue = queue.then(() => models.clear()).finally(() => port.close());
}

async function handleRun(id: number, request: RunRequest): Promise<void> {
  const checkCancelled = () => throwIfCancelled(id);
  const abort = new AbortController();
  aborts.set(id, abort);
  try {
    checkCancelled();
    assertHasText(request.text);
    assertInputSize(request.text);
    // Too many tokens is found with the tokenizer alone, before a graph is downloaded or loaded.
    let prechecked = false;
    const precheck = async (dir: string) => {
      prechecked = true;
      if (!models.holdsFolder(dir)) await precheckLength(dir, request.model, request.text, request.maxTokens);
    };
    const hub = request.hub ?? {};
    const cacheDir = hub.cacheDir ?? defaultModelCacheDir();
    const folder = await resolveModel(request.model, {
      baseDir: request.baseDir,
      precision: request.precision,
      hub: {
        cacheDir,
        endpoint: hub.endpoint,
        allowRemote: hub.allowRemote ?? true,
        limits: hub.limits,
        signal: abort.signal,
        beforeGraph: precheck,
        onProgress: (progress) => post({ type: 'download', id, progress: { model: request.model, ...progress } }),
      },
    });
    if (!prechecked) await precheck(folder.dir);
    checkCancelled();
    post({ type: 'progress', id, stage: 'loading-model' });
    const encoderPath = encoderGraphBeside(folder);
    announceBackend();
    const loading = <T extends LoadedAny>(key: string, load: () => Promise<T>) =>
      models.get(key, load).catch((error: unknown) => { throw explainBrokenCache(error, folder, cacheDir); });
    const result = encoderPath
      ? await translate(id, folder, request, () => loading(`translator:${folder.graphPath}`, () => loadTranslator(folder, encoderPath)))
      : await describe(id, folder, request, () => loading(folder.graphPath, () => loadModel(folder)));
    checkCancelled();
    post({ type: 'result', id, result: { ...result, model: { ...result.model, id: folder.id } } });
  } catch (error) {
    cancelled.delete(id);
    post({ type: 'error', id, error: serializeError(error) });
  } finally {
    aborts.delete(id);
  }
}

type Load<T> = () => Promise<T>;

/** A decoder-only or encoder-only model: one forward pass over the text. */
async function describe(id: number, folder: ModelFolder, request: RunRequest,
  load: Load<Awaited<ReturnType<typeof loadModel>>>): Promise<AttentionResult> {
  const model = await load();
  throwIfCancelled(id);
  checkSelectionEarly(model, request.selection);
  post({ type: 'progress', id, stage: 'tokenizing' });
  if (countFirst(request.text)) assertFewEnoughTokens(model.tokenizer, request.text, model.config, request.maxTokens, folder.id);
  const tokenized = tokenize(model, request.text, request.maxTokens);
  post({ type: 'progress', id, stage: 'running' });
  return runAttention(model, request.text, tokenized);
}

/** An encoder–decoder model: the translation of the text, and the attention of both halves. */
async function translate(id: number, folder: ModelFolder, request: RunRequest,
  load: Load<Awaited<ReturnType<typeof loadTranslator>>>): Promise<AttentionResult> {
  const model = await load();
  throwIfCancelled(id);
  post({ type: 'progress', id, stage: 'tokenizing' });
  if (countFirst(request.text)) assertFewEnoughTokens(model.tokenizer, request.text, model.config, request.maxTokens, folder.id);
  const start = translationStart(model.languages, request, folder.id);
  const source = tokenizeSource(model, request.text, request.maxTokens, start);
  post({ type: 'progress', id, stage: 'running' });
  return runTranslation(model, request.text, source, { isCancelled: () => shuttingDown || cancelled.has(id), start });
}

function throwIfCancelled(id: number): void {
  if (cancelled.delete(id) || shuttingDown) throw new QkvError('cancelled', 'The run was cancelled.');
}

/** Says once, before the first model loads, which onnxruntime backend runs (native, or the WASM fallback). */
function announceBackend(): void {
  if (backendAnnounced) return;
  backendAnnounced = true;
  const { name, description } = ortBackend();
  post({ type: 'backend', name, description });
}
