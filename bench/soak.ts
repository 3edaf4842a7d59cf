// Runs in Node: the soak benchmark in one process (npm run bench:soak, first half). 200 runs of the engine on
// varied texts, alternating two models, as a long session would; prints the process's RSS (main thread and the
// engine worker together) at run 20 and run 200, and their ratio. Target: growth under 10%. One RSS reading swings
// by ±15% with whatever the last run allocated, so each figure is taken after a pause and a collection, as the
// median of nine readings (bench/settledMemory.ts), the same way as the extension host's half (bench/vscode/soak.ts).
// Then the same soak runs again in a child process with glibc's mmap threshold fixed at 128 KiB: the gap between the
// two ratios is memory the allocator keeps after large buffers are freed (its threshold rises with them), not a leak.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { AttentionEngine } from '../src/attention/attentionEngine';
import { packageRoot } from '../src/model/packageRoot';
import { formatMiB, settledMemory, windowRatio, type MemoryReading } from './settledMemory';
import { soakText } from './soakTexts';

const RUNS = 200;
const FIRST_CHECKPOINT = 20;
const FIXED_THRESHOLD = 'MALLOC_MMAP_THRESHOLD_';
const MODELS = ['embedded', path.join(packageRoot(), 'test', 'fixtures', 'models', 'wide-gpt2')];

async function main(): Promise<void> {
  const engine = new AttentionEngine();
  const started = performance.now();
  let tokens = 0;
  let first: MemoryReading | undefined;
  let last: MemoryReading | undefined;
  const afterEachRun: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const result = await engine.run({ text: soakText(run), model: MODELS[run % MODELS.length], maxTokens: 512 });
    tokens += result.tokens.length;
    afterEachRun.push(process.memoryUsage().rss);
    if (run === FIRST_CHECKPOINT) first = await settledMemory();
    if (run === RUNS) last = await settledMemory();
  }
  await engine.dispose();
  if (!first || !last) throw new Error('the soak ended before its checkpoints');
  const allocator = process.env[FIXED_THRESHOLD] ? `, glibc mmap threshold fixed at ${process.env[FIXED_THRESHOLD]} bytes` : '';
  console.log(`BENCH soak, one process${allocator}: ${RUNS} runs, 2 models (${MODELS.map((m) => path.basename(m)).join(', ')}), ` +
    `${tokens} tokens in ${((performance.now() - started) / 1000).toFixed(1)} s; RSS at run ${FIRST_CHECKPOINT} ` +
    `${formatMiB(first.rss)}, at run ${RUNS} ${formatMiB(last.rss)}, ratio ${(last.rss / first.rss).toFixed(3)} ` +
    '(target < 1.10; each the median of 9 readings after a 2 s pause and a collection); ' +
    `without the pause, medians of the readings after runs 11-20 and ${RUNS - 9}-${RUNS}: ${windowRatio(afterEachRun)}`);
}

async function soakTwice(): Promise<void> {
  await main();
  if (process.env[FIXED_THRESHOLD] || process.platform !== 'linux') return;
  spawnSync(process.execPath, process.argv.slice(1), { stdio: 'inherit', env: { ...process.env, [FIXED_THRESHOLD]: '131072' } });
}

void soakTwice();
