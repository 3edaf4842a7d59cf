// Runs in the extension host: the qkvScope.* settings, read in one place with their defaults.
import * as vscode from 'vscode';
import { DEFAULT_MAX_TOKENS } from '../shared/limits';
import { COLOUR_SCALES, type ColourScale } from '../shared/protocol';
import { isPrecision, type Precision } from './model/graphFile';
import { DEFAULT_MAX_DOWNLOAD_BYTES } from './model/hub/downloadLimits';

export interface Settings {
  readonly model: string;
  readonly maxTokens: number;
  readonly liveUpdate: boolean;
  /** Paint the query token's attention on the editor text. */
  readonly paintEditor: boolean;
  /** "full" runs onnx/model.onnx; "quantized" prefers onnx/model_quantized.onnx. */
  readonly modelPrecision: Precision;
  /** A hub mirror; empty means HF_ENDPOINT, then https://huggingface.co. */
  readonly hubEndpoint: string;
  /** false: hub models come from the cache only, never the network. */
  readonly allowRemoteModels: boolean;
  /** The heatmap's colours: the theme's ramp, or viridis / cividis (colour-blind-safe). */
  readonly colorScale: ColourScale;
  /** Largest hub file we download, in bytes (qkvScope.maxDownloadSize is in MB). */
  readonly maxDownloadBytes: number;
  /** Translation models that write several languages: the language code to write; undefined when empty. */
  readonly targetLanguage?: string;
}

export const SECTION = 'qkvScope';

export function readSettings(): Settings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const maxTokens = config.get<number>('maxTokens', DEFAULT_MAX_TOKENS);
  const precision = config.get<string>('modelPrecision', 'full');
  const colorScale = config.get<string>('colorScale', 'theme');
  const targetLanguage = config.get<string>('targetLanguage', '').trim();
  return {
    model: config.get<string>('model', 'embedded').trim() || 'embedded',
    maxTokens: Number.isInteger(maxTokens) && maxTokens > 0 ? maxTokens : DEFAULT_MAX_TOKENS,
    liveUpdate: config.get<boolean>('liveUpdate', false),
    paintEditor: config.get<boolean>('paintEditor', true),
    modelPrecision: isPrecision(precision) ? precision : 'full',
    hubEndpoint: config.get<string>('hubEndpoint', '').trim(),
    allowRemoteModels: config.get<boolean>('allowRemoteModels', true),
    colorScale: COLOUR_SCALES.find((scale) => scale === colorScale) ?? 'theme',
    maxDownloadBytes: positiveOr(config.get<number>('maxDownloadSize', DEFAULT_MAX_DOWNLOAD_BYTES / 1e6),
      DEFAULT_MAX_DOWNLOAD_BYTES / 1e6) * 1e6,
    ...(targetLanguage ? { targetLanguage } : {}),
  };
}

function positiveOr(value: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Hub models are kept in the extension's global storage, never in its install folder. */
export function modelCacheDir(context: vscode.ExtensionContext): string {
  return vscode.Uri.joinPath(context.globalStorageUri, 'models').fsPath;
}

/** Relative model folders are relative to the first workspace folder, as a user would expect. */
export function modelBaseDir(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
}
