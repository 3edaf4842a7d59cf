// Runs in Node on the caller's thread (extension host or CLI): the engine's front door.
// Every run happens in one engine (a worker thread or a child process), which keeps its model sessions between runs.
import * as path from 'node:path';
import type { AttentionResult } from '../../shared/attentionResult';
import { deserializeError, QkvError } from '../../shared/errors';
import { openEngineChannel, type EngineChannel, type EngineIsolation } from './engineChannel';
import type { BackendNotice, DownloadProgress, EngineMemory, FromWorker, RunRequest, RunStage, ToWorker } from './workerProtocol';

export type { EngineIsolation } from './engineChannel';
export type { BackendNotice, DownloadProgress, EngineMemory, HubSettings, RunRequest, RunStage } from './workerProtocol';

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

interface Engine {
  readonly channel: EngineChannel;
  /** Settles when the engine has stopped, for whatever reason. */
  readonly exited: Promise<void>;
}

export class AttentionEngine {
  private worker: Engine | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Engines asked to stop and not yet exited; dispose() waits for them all. */
  private readonly stopping = new Set<Promise<void>>();
  /** Callers waiting for the engine's memory figures, answered in order. */
  private readonly memoryWaiters: ((memory: EngineMemory | undefined) => void)[] = [];

  /**
   * @param workerScript the built engine; by default engineWorker.js beside this file (dist/ or out/).
   * @param onBackend told once per engine which onnxruntime runs the graphs (native or the WASM fallback).
   * @param isolation a worker thread (default) or a child process (src/attention/engineChannel.ts).
   */
  constructor(
    private readonly workerScript = path.join(__dirname, 'engineWorker.js'),
    private readonly onBackend?: (notice: BackendNotice) => void,
    private readonly isolation: EngineIsolation = 'thread',
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
      worker.channel.send({ type: 'run', id, request });
    });
  }

  /**
   * The engine's V8 heap and resident size, for the soak benchmark; undefined when no engine runs. The heap holds
   * no native memory (onnxruntime's); the resident size does, and is the whole process's for a thread.
   */
  memory(): Promise<EngineMemory | undefined> {
    if (!this.worker) return Promise.resolve(undefined);
    const answer = new Promise<EngineMemory | undefined>((resolve) => this.memoryWaiters.push(resolve));
    this.worker.channel.send({ type: 'memory' });
    return answer;
  }

  /**
   * Stops the engine and its sessions; runs still pending are rejected at once. The engine is asked to stop,
   * never terminated: terminating a thread inside onnxruntime aborts the whole process.
   * Resolves when the engine has exited, after any forward pass in progress has finished.
   */
  dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new QkvError('cancelled', 'The attention engine was shut down.'));
    if (worker) {
      const { exited } = worker;
      this.stopping.add(exited);
      void exited.then(() => this.stopping.delete(exited));
      worker.channel.send({ type: 'shutdown' });
    }
    return Promise.all(this.stopping).then(() => undefined);
  }

  private ensureWorker(): Engine {
    if (this.worker) return this.worker;
    let stopped!: () => void;
    const exited = new Promise<void>((resolve) => (stopped = resolve));
    const engine: Engine = {
      exited,
      channel: openEngineChannel(this.workerScript, this.isolation, {
        message: (message) => this.receive(message),
        exit: (reason) => {
          stopped();
          this.crashed(engine, new Error(reason));
        },
      }),
    };
    this.worker = engine;
    return engine;
  }

  private receive(message: FromWorker): void {
    if (message.type === 'backend') {
      this.onBackend?.(message);
      return;
    }
    if (message.type === 'memory') {
      this.memoryWaiters.shift()?.(message);
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
    this.worker?.channel.send(message);
  }

  /** A dead engine takes its sessions with it; the next run starts a fresh one. */
  private crashed(worker: Engine, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.failAll(new QkvError('internal', `The attention engine stopped unexpectedly: ${error.message}`));
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    for (const waiter of this.memoryWaiters.splice(0)) waiter(undefined);
  }
}
