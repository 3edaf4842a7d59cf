// Runs in Node (benchmarks): a memory figure that one allocation cannot swing. A single RSS reading moves by ±15%
// with whatever the last run left for the collector, so a checkpoint first lets the process settle (a pause, and a
// full garbage collection of the main thread where V8 allows it), then takes the median of several readings.
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

export interface MemoryReading {
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

/** V8's gc(), made available at run time (the extension host is not started with --expose-gc). */
function collector(): (() => void) | undefined {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('gc');
    return typeof gc === 'function' ? () => void gc() : undefined;
  } catch {
    return undefined;
  }
}

const gc = collector();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function readMemory(): MemoryReading {
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, external, arrayBuffers };
}

/**
 * The median of `count` readings `intervalMs` apart, taken after `settleMs` and a full collection. Every field is
 * the median of its own readings. `collected` says whether the collection ran.
 */
export async function settledMemory(count = 9, intervalMs = 250, settleMs = 2000):
  Promise<MemoryReading & { readonly collected: boolean }> {
  await sleep(settleMs);
  gc?.();
  const readings: MemoryReading[] = [];
  for (let i = 0; i < count; i++) {
    await sleep(intervalMs);
    readings.push(readMemory());
  }
  const median = (field: keyof MemoryReading) => medianOf(readings.map((r) => r[field]));
  return { rss: median('rss'), heapUsed: median('heapUsed'), external: median('external'), arrayBuffers: median('arrayBuffers'),
    collected: gc !== undefined };
}

export function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export function formatMiB(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

/**
 * The other way to read a soak, as it was first measured: the median of the readings taken right after each of the
 * ten runs ending at run 20, and of the last ten. It includes whatever the last runs left for the collector.
 */
export function windowRatio(afterEachRun: readonly number[]): string {
  const early = medianOf(afterEachRun.slice(10, 20));
  const late = medianOf(afterEachRun.slice(-10));
  return `${formatMiB(early)} → ${formatMiB(late)}, ratio ${(late / early).toFixed(3)}`;
}
