// Runs in Node on Linux (benchmarks): where a process's resident memory lies, from /proc/self, for telling a leak
// from allocator churn. "[heap]" is the main thread's malloc arena (it grows and shrinks with large transient
// buffers); anonymous mappings of 60 MB and more are other threads' malloc arenas; the smaller ones hold V8's heaps,
// large mallocs and onnxruntime's buffers. Empty on systems without /proc.
import { readFileSync } from 'node:fs';

export interface ProcessMappings {
  /** Resident KiB of the main malloc arena ([heap]). */
  readonly mainArenaKiB: number;
  /** Resident KiB of anonymous mappings of 60 MB or more (thread arenas). */
  readonly threadArenasKiB: number;
  /** Resident KiB of the other anonymous mappings. */
  readonly otherAnonymousKiB: number;
  readonly threads: number;
}

const ARENA_MAPPING_KIB = 60_000;

export function processMappings(): ProcessMappings | undefined {
  let smaps: string;
  let status: string;
  try {
    smaps = readFileSync('/proc/self/smaps', 'utf8');
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    return undefined;
  }
  let mainArenaKiB = 0;
  let threadArenasKiB = 0;
  let otherAnonymousKiB = 0;
  let name = '';
  let size = 0;
  for (const line of smaps.split('\n')) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (mapping) {
      name = mapping[1];
      continue;
    }
    const field = /^(Size|Rss):\s+(\d+)/.exec(line);
    if (field?.[1] === 'Size') size = Number(field[2]);
    if (field?.[1] !== 'Rss') continue;
    const kib = Number(field[2]);
    if (name === '[heap]') mainArenaKiB += kib;
    else if (name === '' && size >= ARENA_MAPPING_KIB) threadArenasKiB += kib;
    else if (name === '') otherAnonymousKiB += kib;
  }
  return { mainArenaKiB, threadArenasKiB, otherAnonymousKiB, threads: Number(/Threads:\s+(\d+)/.exec(status)?.[1] ?? 0) };
}
