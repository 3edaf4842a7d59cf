// Benchmark: a whole-model export at 512 tokens on a BERT-base-sized model (12 layers × 12 heads), written by
// the export worker while the calling thread keeps ticking, as JSON and as .npz. Prints each export's time and
// size and the calling thread's worst event-loop delay, which is what a person would feel as a frozen window. Run: npm run bench:export
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { AttentionEngine } from '../src/attention/attentionEngine';
import { exportInWorker } from '../src/export/exportInWorker';
import { packageRoot } from '../src/model/packageRoot';

const MODEL = path.join(packageRoot(), 'bench', '.models', 'bert-base-random');
const TOKENS = 512;

async function main(): Promise<void> {
  if (!fs.existsSync(MODEL)) {
    console.log(`skipped: ${MODEL} is missing (create it with: /usr/bin/python3 tools/make_bench_model.py)`);
    return;
  }
  const engine = new AttentionEngine();
  // [CLS] + [SEP] + 510 words: exactly 512 tokens for a WordPiece vocabulary that knows "the".
  const result = await engine.run({ text: 'the '.repeat(TOKENS - 2).trim(), model: MODEL, maxTokens: TOKENS });
  await engine.dispose();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-export-bench-'));
  try {
    const sizes: Record<string, [number, number]> = {};
    for (const format of ['json', 'npz'] as const) {
      const target = path.join(dir, `attention.${format}`);
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const start = performance.now();
      await exportInWorker(target, result, {}, undefined, path.join(packageRoot(), 'dist', 'exportWorker.js'), format);
      const seconds = (performance.now() - start) / 1000;
      delay.disable();
      const bytes = fs.statSync(target).size;
      sizes[format] = [bytes, seconds];
      console.log(`${format}: whole-model export, ${result.model.layers}×${result.model.heads} heads, ${result.tokens.length} tokens: ` +
        `${seconds.toFixed(1)} s, ${(bytes / 2 ** 20).toFixed(0)} MiB; calling thread's worst event-loop delay ` +
        `${(delay.max / 1e6).toFixed(0)} ms (mean ${(delay.mean / 1e6).toFixed(1)} ms)`);
      fs.rmSync(target);
    }
    console.log(`json ÷ npz: size ${(sizes.json[0] / sizes.npz[0]).toFixed(1)}×, write time ${(sizes.json[1] / sizes.npz[1]).toFixed(1)}×`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
