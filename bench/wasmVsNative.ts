// Benchmark (Node): how much slower the WASM fallback (onnxruntime-web, single-threaded) is than the native binding
// (onnxruntime-node), for a whole engine run as a user waits for it: tokenize, forward pass, pack, hand over.
// Two engines, one per backend (QKV_ORT_BACKEND=wasm in the second worker), warmed up, then interleaved rounds.
// Prints medians and WASM ÷ native at 12 and 128 tokens. Run: npm run bench
import { AttentionEngine } from '../src/attention/attentionEngine';
import { packageRoot } from '../src/model/packageRoot';
import * as path from 'node:path';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
/** Each is one GPT-2 token, and one more after a space: n words are n tokens. */
const WORDS = ['the', 'pizza', 'came', 'out', 'of', 'oven', 'and', 'it', 'tasted', 'good'];
const MODELS = [
  { label: 'embedded (2 layers × 4 heads × 16)', model: 'embedded' },
  { label: 'wide-gpt2 fixture (2 layers × 12 heads × 64)', model: path.join(packageRoot(), 'test', 'fixtures', 'models', 'wide-gpt2') },
];

function textOf(tokens: number): string {
  return Array.from({ length: tokens }, (_, i) => WORDS[i % WORDS.length]).join(' ');
}

async function startEngine(backend: 'native' | 'wasm'): Promise<AttentionEngine> {
  let description = '';
  const engine = new AttentionEngine(undefined, (notice) => (description = notice.description));
  if (backend === 'wasm') process.env.QKV_ORT_BACKEND = 'wasm';
  else delete process.env.QKV_ORT_BACKEND;
  await engine.run({ text: 'Hello.', model: 'embedded', maxTokens: 512 }); // the worker copies the environment now
  delete process.env.QKV_ORT_BACKEND;
  console.log(`${backend}: ${description}`);
  return engine;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const engines = { native: await startEngine('native'), wasm: await startEngine('wasm') };
  try {
    for (const { label, model } of MODELS) {
      for (const tokens of [12, 128]) {
        const request = { text: textOf(tokens), model, maxTokens: 4096 };
        const times = { native: [] as number[], wasm: [] as number[] };
        let n = 0;
        for (const engine of Object.values(engines)) for (let i = 0; i < 2; i++) n = (await engine.run(request)).tokens.length;
        for (let round = 0; round < ROUNDS; round++) {
          // Alternate which backend goes first, so drift in machine load hits both alike.
          const order = round % 2 === 0 ? (['native', 'wasm'] as const) : (['wasm', 'native'] as const);
          for (const name of order) {
            const start = process.hrtime.bigint();
            await engines[name].run(request);
            times[name].push(Number(process.hrtime.bigint() - start) / 1e6);
          }
        }
        const [native, wasm] = [median(times.native), median(times.wasm)];
        console.log(`${label}, ${n} tokens: native ${native.toFixed(1)} ms · WASM ${wasm.toFixed(1)} ms · ` +
          `WASM ÷ native ${(wasm / native).toFixed(2)} (medians of ${ROUNDS})`);
      }
    }
  } finally {
    await engines.native.dispose();
    await engines.wasm.dispose();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
