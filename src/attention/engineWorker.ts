// Runs in a worker thread: decoding, surgery, session creation and the forward pass stay off the caller's thread.
import { parentPort } from 'node:worker_threads';
import { QkvError, serializeError } from '../../shared/errors';
import { loadModel, type LoadedModel } from '../model/loadModel';
import { resolveModelFolder } from '../model/modelSource';
import { assertHasText, runAttention, tokenize } from './runAttention';
import type { FromWorker, RunRequest, ToWorker } from './workerProtocol';

const port = parentPort;
if (!port) throw new Error('engineWorker must run in a worker thread');

/** One session per model folder, kept for the life of the worker. */
const models = new Map<string, Promise<LoadedModel>>();
const cancelled = new Set<number>();
/** Runs go one at a time: a second model or run in parallel would only compete for the same two cores. */
let queue: Promise<void> = Promise.resolve();

const post = (message: FromWorker) => {
  const transfer = message.type === 'result'
    ? message.result.layers.flatMap((l) => [l.probs.buffer, l.q.buffer, l.k.buffer, l.v.buffer]) as ArrayBuffer[]
    : [];
  port.postMessage(message, transfer);
};

port.on('message', (message: ToWorker) => {
  if (message.type === 'cancel') {
    cancelled.add(message.id);
    return;
  }
  queue = queue.then(() => handleRun(message.id, message.request));
});

async function handleRun(id: number, request: RunRequest): Promise<void> {
  const checkCancelled = () => {
    if (cancelled.delete(id)) throw new QkvError('cancelled', 'The run was cancelled.');
  };
  try {
    checkCancelled();
    assertHasText(request.text);
    const folder = resolveModelFolder(request.model, request.baseDir);
    post({ type: 'progress', id, stage: 'loading-model' });
    const model = await cachedModel(folder.dir, () => loadModel(folder));
    checkCancelled();
    post({ type: 'progress', id, stage: 'tokenizing' });
    const tokenized = tokenize(model, request.text, request.maxTokens);
    post({ type: 'progress', id, stage: 'running' });
    const result = await runAttention(model, request.text, tokenized);
    checkCancelled();
    post({ type: 'result', id, result: { ...result, model: { ...result.model, id: folder.id } } });
  } catch (error) {
    cancelled.delete(id);
    post({ type: 'error', id, error: serializeError(error) });
  }
}

function cachedModel(key: string, load: () => Promise<LoadedModel>): Promise<LoadedModel> {
  let model = models.get(key);
  if (!model) {
    model = load();
    models.set(key, model);
    // A model that failed to load is not kept, so fixing the folder and retrying works.
    model.catch(() => models.delete(key));
  }
  return model;
}
