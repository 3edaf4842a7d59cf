// Runs in the engine worker (Node): how much a download may take, in bytes and time, and a guard that stops it
// when it goes past. A hub that sends an endless body, or one byte a second, or a web page instead of the file,
// is stopped with one clear sentence and leaves nothing in the cache.
import { QkvError } from '../../../shared/errors';
import { formatBytes } from './downloadText';

/** Default for qkvScope.maxDownloadSize / --max-download: no single file of ours is ever larger. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 4e9;
/** JSON files (config, tokenizer) are a few MB; the largest tokenizers are ~35 MB. */
const MAX_JSON_BYTES = 100e6;
/** Sizes in the curated list are rounded to a tenth of a MB, and a repository may update a file a little. */
const STATED_SIZE_SLACK = 1.1;

export interface DownloadLimitSettings {
  /** Hard ceiling per file, whatever the listing says (qkvScope.maxDownloadSize). */
  readonly maxBytes?: number;
  /** Give up on a server that sends nothing for this long (default 60 s). */
  readonly idleTimeoutMs?: number;
  /** Give up when fewer than this many bytes per second arrive, averaged over lowSpeedWindowMs (default 1 kB/s). */
  readonly lowSpeedBytesPerSecond?: number;
  /** Default 60 s: a short pause of a good connection is not cut. */
  readonly lowSpeedWindowMs?: number;
  /** The overall deadline's fixed part (default 2 minutes); it grows with the file's size at deadlineBytesPerSecond. */
  readonly deadlineBaseMs?: number;
  /** The slowest average speed the deadline allows for a file's size (default 50 kB/s). */
  readonly deadlineBytesPerSecond?: number;
}

export interface FileLimits {
  readonly maxBytes: number;
  readonly idleTimeoutMs: number;
  readonly lowSpeedBytesPerSecond: number;
  readonly lowSpeedWindowMs: number;
  readonly deadlineBaseMs: number;
  readonly deadlineBytesPerSecond: number;
}

/** A size from the curated list (rounded MB), made a bound: with the slack a rounded or updated file needs. */
export function roundedSizeBound(bytes: number | null): number | null {
  return bytes === null ? null : Math.ceil(bytes * STATED_SIZE_SLACK) + 1e6;
}

/**
 * The limits for one file. `statedBytes` is the most it may be, from the Hub's listing (exact) or the curated
 * list (roundedSizeBound); otherwise JSON files get 100 MB and graphs the ceiling.
 */
export function limitsFor(file: string, statedBytes: number | null, settings: DownloadLimitSettings = {}): FileLimits {
  const ceiling = settings.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  const byKind = file.endsWith('.json') ? MAX_JSON_BYTES : ceiling;
  const stated = statedBytes ?? Infinity;
  return {
    maxBytes: Math.min(ceiling, byKind, stated),
    idleTimeoutMs: settings.idleTimeoutMs ?? 60_000,
    lowSpeedBytesPerSecond: settings.lowSpeedBytesPerSecond ?? 1_000,
    lowSpeedWindowMs: settings.lowSpeedWindowMs ?? 60_000,
    deadlineBaseMs: settings.deadlineBaseMs ?? 120_000,
    deadlineBytesPerSecond: settings.deadlineBytesPerSecond ?? 50_000,
  };
}

/** Overall deadline: by default 2 minutes, plus the expected size at 50 kB/s (a 500 MB graph: 2 h 49 min). */
export function deadlineMs(expectedBytes: number, limits: Pick<FileLimits, 'deadlineBaseMs' | 'deadlineBytesPerSecond'>): number {
  return limits.deadlineBaseMs + Math.ceil((expectedBytes * 1000) / limits.deadlineBytesPerSecond);
}

type StopReason = 'idle' | 'slow' | 'deadline';

/**
 * Watches one download: silence (idle), a trickle (low speed over a window) and an overall deadline.
 * Its signal aborts the fetch; `stopMessage` says why in words.
 */
export class DownloadGuard {
  private readonly controller = new AbortController();
  private readonly speedCheck: NodeJS.Timeout;
  private deadline: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private windowStart = Date.now();
  private windowBytes = 0;
  reason: StopReason | undefined;

  constructor(private readonly file: string, private readonly limits: FileLimits) {
    this.touch(0);
    this.setDeadline(limits.maxBytes);
    this.speedCheck = setInterval(() => this.checkSpeed(), Math.min(1_000, limits.lowSpeedWindowMs / 4));
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Once Content-Length is known the deadline follows it instead of the ceiling. */
  setDeadline(expectedBytes: number): void {
    clearTimeout(this.deadline);
    this.deadline = setTimeout(() => this.stop('deadline'), deadlineMs(expectedBytes, this.limits));
  }

  /** A sign of life: `bytes` more arrived. */
  touch(bytes: number): void {
    this.windowBytes += bytes;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop('idle'), this.limits.idleTimeoutMs);
  }

  /** Refuses a body larger than the limit, as soon as it is. */
  checkSize(loaded: number, total: number | null): void {
    if (loaded > this.limits.maxBytes || (total !== null && total > this.limits.maxBytes)) {
      throw new QkvError('download-failed',
        `The download of ${this.file} was stopped: it is larger than ${formatBytes(this.limits.maxBytes)}, the most this file may be ` +
        '(the size the hub listing or the curated list states, or the qkvScope.maxDownloadSize setting, --max-download). ' +
        'The server may be misbehaving.');
    }
    if (total !== null && loaded > total) {
      throw new QkvError('download-failed',
        `The download of ${this.file} was stopped: the server sent more than the ${total} bytes it announced.`);
    }
  }

  stopMessage(got: string): string | undefined {
    switch (this.reason) {
      case 'idle': return `The download of ${this.file} stalled: the server sent nothing for too long after ${got}. Try again.`;
      case 'slow': return `The download of ${this.file} was stopped: it was too slow (under ` +
        `${formatBytes(this.limits.lowSpeedBytesPerSecond)}/s) after ${got}. Try again later, or use another hub endpoint.`;
      case 'deadline': return `The download of ${this.file} was stopped: it took too long for its size after ${got}. Try again later, or ` +
        `use another hub endpoint.`;
      default: return undefined;
    }
  }

  stop(reason: StopReason): void {
    if (this.reason) return;
    this.reason = reason;
    this.controller.abort();
  }

  dispose(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.deadline);
    clearInterval(this.speedCheck);
  }

  private checkSpeed(): void {
    const elapsed = Date.now() - this.windowStart;
    if (elapsed < this.limits.lowSpeedWindowMs) return;
    if ((this.windowBytes * 1000) / elapsed < this.limits.lowSpeedBytesPerSecond) this.stop('slow');
    this.windowStart = Date.now();
    this.windowBytes = 0;
  }
}
