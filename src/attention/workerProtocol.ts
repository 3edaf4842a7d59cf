// Runs in Node on both sides of the engine: the messages between the caller and the engine (thread or process).
import type { HeapInfo } from 'node:v8';
import type { AttentionResult } from '../../shared/attentionResult';
import type { SerializedError } from '../../shared/errors';
import type { ExportSelection } from '../../shared/exportSchema';
import type { FileProgress } from '../model/hub/download';
import type { DownloadLimitSettings } from '../model/hub/downloadLimits';
import type { Precision } from '../model/graphFile';

export interface RunRequest {
  readonly text: string;
  /** "embedded", a model folder, or a hub id ("Xenova/gpt2", "owner/name@revision"). */
  readonly model: string;
  readonly maxTokens: number;
  /** Relative model folders are resolved against this folder. */
  readonly baseDir?: string;
  /** "full" (default) runs model.onnx; "quantized" prefers model_quantized.onnx. */
  readonly precision?: Precision;
  /** Where and whether hub models are downloaded; without it, the user cache folder and the network are used. */
  readonly hub?: HubSettings;
  /** Layers and heads about to be exported: checked once the model is loaded, before it runs. */
  readonly selection?: ExportSelection;
  /** Encoder–decoder models that translate into several languages: the language code to write ("fr", "fra_Latn"). */
  readonly targetLang?: string;
  /** The source's language code, when the model marks it (M2M100, NLLB) or has one task per pair (T5); default: the tokenizer's. */
  readonly sourceLang?: string;
}

export interface HubSettings {
  /** The model cache: the extension's global storage, or the CLI's user cache folder. */
  readonly cacheDir?: string;
  /** A mirror such as https://hf-mirror.com; empty means HF_ENDPOINT, then the Hugging Face Hub. */
  readonly endpoint?: string;
  /** false forbids the network: only cached files are used. Default true. */
  readonly allowRemote?: boolean;
  /** Size ceiling per file (qkvScope.maxDownloadSize, default 4 GB), idle timeout and low-speed cutoff. */
  readonly limits?: DownloadLimitSettings;
}

/** One step of a download: which model and file, and how far. */
export interface DownloadProgress extends FileProgress {
  readonly model: string;
}

export type RunStage = 'loading-model' | 'tokenizing' | 'running';

export type ToWorker =
  | { readonly type: 'run'; readonly id: number; readonly request: RunRequest }
  | { readonly type: 'cancel'; readonly id: number }
  /** The engine's memory, for the soak benchmark. */
  | { readonly type: 'memory' }
  /** Finish what is inside onnxruntime, release the sessions, then exit. */
  | { readonly type: 'shutdown' };

/** Sent once, when the worker first loads a model: which onnxruntime runs the graphs (src/attention/ortBackend.ts). */
export interface BackendNotice {
  readonly type: 'backend';
  readonly name: 'native' | 'wasm';
  readonly description: string;
}

/** The engine's JS heap, and its resident size (the whole process's when the engine is a thread). */
export interface EngineMemory {
  readonly type: 'memory';
  readonly heap: HeapInfo;
  readonly rss: number;
  /** The engine's process (the caller's own, for a thread). */
  readonly pid: number;
}

export type FromWorker =
  | BackendNotice
  | EngineMemory
  | { readonly type: 'progress'; readonly id: number; readonly stage: RunStage }
  | { readonly type: 'download'; readonly id: number; readonly progress: DownloadProgress }
  | { readonly type: 'result'; readonly id: number; readonly result: AttentionResult }
  | { readonly type: 'error'; readonly id: number; readonly error: SerializedError };
