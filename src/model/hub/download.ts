// Runs in the engine worker (Node): downloads one file so that a file with the final name is always complete.
// The bytes go to "<name>.part-<pid>-<random>"; only when the byte count matches Content-Length and the content
// looks like the file (JSON parses, ONNX starts as a ModelProto) is it renamed. Cancelling, a dropped connection,
// a short or endless body, a stalled or trickling server, or a web page instead of the file all leave no file behind.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { QkvError } from '../../../shared/errors';
import { DownloadGuard, limitsFor, type DownloadLimitSettings } from './downloadLimits';
import { checkContentType, checkDownloadedFile } from './fileContent';
import { PARTIAL_INFIX } from './hubCache';

export interface FileProgress {
  /** Path of the file inside the model, e.g. "onnx/model.onnx". */
  readonly file: string;
  readonly loaded: number;
  /** From Content-Length; null when the server does not say. */
  readonly total: number | null;
}

export interface DownloadOptions {
  /** Names the file in messages and progress, e.g. "onnx/model.onnx". */
  readonly file: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: FileProgress) => void;
  readonly headers?: Record<string, string>;
  /** The file's size as the curated list or the Hub's listing states it; the download may not exceed it. */
  readonly statedBytes?: number | null;
  /** Ceiling, idle timeout and low-speed cutoff. */
  readonly limits?: DownloadLimitSettings;
}
/** Partial files this old belong to a process that died mid-download (another window's would be fresh). */
const STALE_PARTIAL_MS = 24 * 3600_000;
/** Progress is reported at most this often (and once at the end), so a 500 MB file is not 30,000 messages. */
const PROGRESS_INTERVAL_MS = 100;

/** @returns false when the server has no such file (HTTP 404), true when `dest` now holds it. */
export async function downloadFile(url: string, dest: string, options: DownloadOptions): Promise<boolean> {
  const { file, signal, onProgress } = options;
  const guard = new DownloadGuard(file, limitsFor(file, options.statedBytes ?? null, options.limits));
  const abort = AbortSignal.any([guard.signal, ...(signal ? [signal] : [])]);
  const partial = `${dest}${PARTIAL_INFIX}${process.pid}-${randomBytes(4).toString('hex')}`;
  let loaded = 0;
  let total: number | null = null;
  let out: fs.promises.FileHandle | undefined;
  try {
    const response = await fetch(url, { signal: abort, headers: options.headers, redirect: 'follow' });
    guard.touch(0);
    if (response.status === 404) {
      await response.body?.cancel();
      return false;
    }
    if (!response.ok || !response.body) throw new QkvError('download-failed', httpMessage(file, url, response.status));
    const length = response.headers.get('content-length');
    total = length !== null && /^\d+$/.test(length) ? Number(length) : null;
    checkContentType(file, url, response.headers.get('content-type'));
    guard.checkSize(0, total);
    if (total !== null) guard.setDeadline(total);
    await fs.promises.mkdir(path.dirname(dest), { recursive: true });
    await removeStalePartials(dest);
    out = await fs.promises.open(partial, 'w');
    let reportedAt = 0;
    let reported = -1;
    const report = () => {
      reportedAt = Date.now();
      reported = loaded;
      onProgress?.({ file, loaded, total });
    };
    report();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      guard.touch(chunk.byteLength);
      loaded += chunk.byteLength;
      guard.checkSize(loaded, total);
      await out.write(chunk);
      if (Date.now() - reportedAt >= PROGRESS_INTERVAL_MS) report();
    }
    await out.close();
    out = undefined;
    if (total !== null && loaded !== total) {
      throw new QkvError('download-failed', `The download of ${file} was cut short: ${loaded} of ${total} bytes arrived. Try again.`);
    }
    await checkDownloadedFile(file, partial);
    if (reported !== loaded) report();
    await fs.promises.rename(partial, dest);
    return true;
  } catch (error) {
    await out?.close().catch(() => undefined);
    await fs.promises.rm(partial, { force: true });
    if (signal?.aborted) throw new QkvError('cancelled', `The download of ${file} was cancelled.`);
    if (error instanceof QkvError) throw error;
    throw new QkvError('download-failed', failureMessage(file, url, loaded, total, guard, error));
  } finally {
    guard.dispose();
  }
}

async function removeStalePartials(dest: string): Promise<void> {
  const prefix = `${path.basename(dest)}${PARTIAL_INFIX}`;
  for (const name of await fs.promises.readdir(path.dirname(dest))) {
    if (!name.startsWith(prefix)) continue;
    const file = path.join(path.dirname(dest), name);
    const stat = await fs.promises.stat(file).catch(() => undefined);
    if (stat && Date.now() - stat.mtimeMs > STALE_PARTIAL_MS) await fs.promises.rm(file, { force: true });
  }
}

function httpMessage(file: string, url: string, status: number): string {
  if (status === 401 || status === 403) {
    // The Hugging Face Hub answers 401 both for private or gated models and for ids that do not exist.
    return `The hub refused ${file} (HTTP ${status}) at ${url}: check the model id; a gated or private model needs HF_TOKEN.`;
  }
  return `The download of ${file} failed: ${url} answered HTTP ${status}.`;
}

function failureMessage(file: string, url: string, loaded: number, total: number | null, guard: DownloadGuard, error: unknown): string {
  const got = total === null ? `${loaded} bytes` : `${loaded} of ${total} bytes`;
  const stopped = guard.stopMessage(got);
  if (stopped) return stopped;
  if (loaded > 0) return `The download of ${file} stopped after ${got} (${cause(error)}). Try again.`;
  return `Could not download ${file} from ${new URL(url).origin} (${cause(error)}). ` +
    'Check the network or the hub endpoint (qkvScope.hubEndpoint, HF_ENDPOINT), or use a local model folder.';
}

/** undici wraps the useful part ("ECONNREFUSED", "other side closed") in error.cause. */
function cause(error: unknown): string {
  const e = error as { message?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
}
