// Runs in Node (CLI, extension host): download progress and sizes as short text, in decimal units like the Hub's.
import type { FileProgress } from './download';

export function formatBytes(bytes: number): string {
  if (bytes < 1e3) return `${bytes} B`;
  const [unit, scale] = bytes < 1e6 ? ['kB', 1e3] : bytes < 1e9 ? ['MB', 1e6] : ['GB', 1e9];
  const value = bytes / scale;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${unit}`;
}

/** 0–100, or null when the server sent no Content-Length. */
export function percentOf(progress: FileProgress): number | null {
  if (progress.total === null) return null;
  return progress.total === 0 ? 100 : Math.floor((progress.loaded / progress.total) * 100);
}

/** "onnx/model.onnx: 12 MB of 501 MB (2%)", or "onnx/model.onnx: 12 MB" when the size is unknown. */
export function describeProgress(progress: FileProgress): string {
  const percent = percentOf(progress);
  return percent === null
    ? `${progress.file}: ${formatBytes(progress.loaded)}`
    : `${progress.file}: ${formatBytes(progress.loaded)} of ${formatBytes(progress.total!)} (${percent}%)`;
}
