// Runs in Node on the caller's thread (extension host or CLI): the engine's front door.
// Every run happens in one worker thread, which keeps its model sessions between runs.
import * as path from 'node:path';
import type { HeapInfo } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { AttentionResult } from '../../shared/attentionResult';
import { deserializeError, QkvError } from '../../shared/errors';
import type { BackendNotice, DownloadProgress, FromWorker, RunRequest, RunStage, ToWorker } from './workerProtocol';

export type { BackendNotice, DownloadProgress, HubSettings, RunRequest, RunStage } from './workerProtocol';

export interface RunOptions {
  /** Aborting rejects the run at once with a 'cancelled' QkvError; the worker drops its result. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (stage: RunStage) => void;
  /** Bytes of a hub model's files as they arrive; only runs that download report them. */
  readonly onDownload?: (progress: DownloadProgress) => void;
}

interface Pending {
  resolve(result: AttentionResult): void;
  reject(error: Error): void;
  onProgress?: (stage: RunStage) => void;
  onDownload?: (progress: DownloadProgress) => void;
}

export class AttentionEngine {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Workers asked to stop and not yet exited; dispose() waits for them all. */
  private readonly stopping = new Set<Promise<void>>();

  /**
   * @param workerScript the built worker; by default engineWorker.js beside this file (dist/ or out/).
   * @param onBackend told once per worker which onnxruntime runs the graphs (native or the WASM fallback).
   */
  constructor(
    private readonly workerScript = path.join(__dirname, 'engineWorker.js'),
    private readonly onBackend?: (notice: BackendNotice) => void,
  ) {}

  run(request: RunRequest, options: RunOptions = {}): Promise<AttentionResult> {
    const { signal, onProgress, onDownload } = options;
    if (signal?.aborted) return Promise.reject(new QkvError('cancelled', 'The run was cancelled.'));
    const id = this.nextId++;
    const worker = this.ensureWorker();
    return new Promise<AttentionResult>((resolve, reject) => {
      const onAbort = () => {
        this.pending.delete(id);
        this.send({ type: 'cancel', id });
        reject(new QkvError('cancelled', 'The run was cancelled.'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = <T>(fn: (value: T) => void) => (value: T) => {
        signal?.removeEventListener('abort', onAbort);
        fn(value);
      };
      this.pending.set(id, { resolve: settle(resolve), reject: settle(reject), onProgress, onDownload });
      worker.postMessage({ type: 'run', id, request } satisfies ToWorker);
    });
  }

  /**
   * The engine thread's V8 heap, for the soak benchmark; undefined when no worker runs or this Node cannot say
   * (Worker.getHeapStatistics arrived in Node 22.16). Native memory (onnxruntime's) is not in it.
   */
  async heapStatistics(): Promise<HeapInfo | undefined> {
    const worker = this.worker as (Worker & { getHeapStatistics?: () => Promise<HeapInfo> }) | undefined;
    return worker?.getHeapStatistics ? worker.getHeapStatistics().catch(() => undefined) : undefined;
  }

  /**
   * Stops the worker and its sessions; runs still pending are rejected at once. The worker is asked to stop,
   * never terminated: terminating it inside onnxruntime aborts the whole process (the extension host).
   * Resolves when the thread has exited, after any forward pass in progress has finished.
   */
  dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new QkvError('cancelled', 'The attention engine was shut down.'));
    if (worker) {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      this.stopping.add(exited);
      void exited.then(() => this.stopping.delete(exited));
      worker.postMessage({ type: 'shutdown' } satisfies ToWorker);
    }
    return Promise.all(this.stopping).then(() => undefined);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerScript);
    worker.on('message', (message: FromWorker) => this.receive(message));
    worker.on('error', (error) => this.crashed(worker, error));
    worker.on('exit', (code) => this.crashed(worker, new Error(`the engine worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private receive(message: FromWorker): void {
    if (message.type === 'backend') {
      this.onBackend?.(message);
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return; // cancelled or superseded: nobody waits for it
    if (message.type === 'progress') {
      pending.onProgress?.(message.stage);
      return;
    }
    if (message.type === 'download') {
      pending.onDownload?.(message.progress);
      return;
    }
    this.pending.delete(message.id);
    if (message.type === 'result') pending.resolve(message.result);
    else pending.reject(deserializeError(message.error));
  }

  private send(message: ToWorker): void {
    this.worker?.postMessage(message);
  }

  /** A dead worker takes its sessions with it; the next run starts a fresh one. */
  private crashed(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.failAll(new QkvError('internal', `The attention engine stopped unexpectedly: ${error.message}`));
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
