// Runs in Node on both sides of the engine worker: the messages between the caller and the worker thread.
import type { AttentionResult } from '../../shared/attentionResult';
import type { SerializedError } from '../../shared/errors';

export interface RunRequest {
  readonly text: string;
  /** "embedded", a model folder, or a hub id. */
  readonly model: string;
  readonly maxTokens: number;
  /** Relative model folders are resolved against this folder. */
  readonly baseDir?: string;
}

export type RunStage = 'loading-model' | 'tokenizing' | 'running';

export type ToWorker =
  | { readonly type: 'run'; readonly id: number; readonly request: RunRequest }
  | { readonly type: 'cancel'; readonly id: number };

export type FromWorker =
  | { readonly type: 'progress'; readonly id: number; readonly stage: RunStage }
  | { readonly type: 'result'; readonly id: number; readonly result: AttentionResult }
  | { readonly type: 'error'; readonly id: number; readonly error: SerializedError };
