// Runs in the engine worker (Node): one download per file, however many runs wait for it.
// A cancelled run stops waiting at once. The download itself stops only when no run has waited for it for a
// short grace period, so a run that supersedes another (a new selection, live update) picks up the bytes
// already fetched instead of starting a 500 MB file over; a plain Cancel still stops it moments later.
import { QkvError } from '../../../shared/errors';
import { downloadFile, type DownloadOptions, type FileProgress } from './download';

const GRACE_MS = 2_000;

interface Inflight {
  readonly promise: Promise<boolean>;
  readonly controller: AbortController;
  readonly listeners: Set<(progress: FileProgress) => void>;
  waiters: number;
  last?: FileProgress;
  timer?: NodeJS.Timeout;
}

const inflight = new Map<string, Inflight>();

/** Like downloadFile; `options.signal` cancels this caller's wait, not (at once) the download. */
export function sharedDownload(url: string, dest: string, options: DownloadOptions): Promise<boolean> {
  const running = inflight.get(dest);
  // A download whose grace period ran out is stopping: joining it would only share its cancellation.
  const entry = running && !running.controller.signal.aborted ? running : start(url, dest, options);
  clearTimeout(entry.timer);
  entry.waiters++;
  const { signal, onProgress } = options;
  if (onProgress) {
    entry.listeners.add(onProgress);
    if (entry.last) onProgress(entry.last);
  }
  return new Promise<boolean>((resolve, reject) => {
    let waiting = true;
    const leave = () => {
      if (!waiting) return;
      waiting = false;
      signal?.removeEventListener('abort', onAbort);
      if (onProgress) entry.listeners.delete(onProgress);
      if (--entry.waiters === 0 && inflight.get(dest) === entry) entry.timer = setTimeout(() => entry.controller.abort(), GRACE_MS);
    };
    const onAbort = () => {
      leave();
      reject(new QkvError('cancelled', `The download of ${options.file} was cancelled.`));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    entry.promise.then(
      (done) => waiting && (leave(), resolve(done)),
      (error: unknown) => waiting && (leave(), reject(error)),
    );
  });
}

function start(url: string, dest: string, options: DownloadOptions): Inflight {
  const controller = new AbortController();
  const listeners = new Set<(progress: FileProgress) => void>();
  const entry: Inflight = {
    controller,
    listeners,
    waiters: 0,
    promise: downloadFile(url, dest, {
      ...options,
      signal: controller.signal,
      onProgress: (progress) => {
        entry.last = progress;
        for (const listener of listeners) listener(progress);
      },
    }).finally(() => {
      clearTimeout(entry.timer);
      if (inflight.get(dest) === entry) inflight.delete(dest);
    }),
  };
  entry.promise.catch(() => undefined); // a download nobody waits for any more may fail unobserved
  inflight.set(dest, entry);
  return entry;
}
