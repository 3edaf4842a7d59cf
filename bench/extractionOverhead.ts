// Benchmark: what exposing Q, K, V and attention costs, measured in one run on this machine.
//   plain      the model as shipped (original bytes), onnxruntime-node
//   patched    the same model with our extra outputs
//   extract    patched run + packing into an AttentionResult (what the engine does per run)
// Prints medians and the ratios patched ÷ plain and extract ÷ plain. Run: npm run bench
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { buildFeeds } from '../src/attention/feeds';
import { runAttention, tokenize } from '../src/attention/runAttention';
import { loadModel } from '../src/model/loadModel';
import { resolveModelFolder } from '../src/model/modelSource';
import { packageRoot } from '../src/model/packageRoot';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);

interface Case {
  readonly label: string;
  readonly model: string;
  readonly tokens: number;
  readonly missingHint?: string;
}

const CASES: readonly Case[] = [
  { label: 'embedded, pizza sentence', model: 'embedded', tokens: 0 },
  { label: 'embedded, 128 tokens', model: 'embedded', tokens: 128 },
  {
    label: 'BERT-base-sized random (12×12×768), 128 tokens',
    model: path.join(packageRoot(), 'bench', '.models', 'bert-base-random'),
    tokens: 128,
    missingHint: 'create it with: /usr/bin/python3 tools/make_bench_model.py',
  },
];

const PIZZA = 'The pizza came out of the oven and it tasted good.';

async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Text that the model's tokenizer turns into exactly `count` tokens (0: the pizza sentence). */
function textOf(count: number): string {
  if (count === 0) return PIZZA;
  return PIZZA.repeat(Math.ceil(count / 8));
}

async function benchCase(c: Case): Promise<void> {
  let folder;
  try {
    folder = resolveModelFolder(c.model);
  } catch {
    console.log(`${c.label}: skipped, model missing${c.missingHint ? ` (${c.missingHint})` : ''}`);
    return;
  }
  const model = await loadModel(folder);
  const plain = await ort.InferenceSession.create(fs.readFileSync(folder.graphPath));
  const full = tokenize(model, textOf(c.tokens), 4096);
  const n = c.tokens || full.ids.length;
  const tokenized = { ids: full.ids.slice(0, n), tokens: full.tokens.slice(0, n) };
  const feeds = buildFeeds(model.plan, { ids: tokenized.ids, length: n, padId: 0, causal: model.config.causal ?? false });

  const steps = {
    plain: () => plain.run(feeds),
    patched: () => model.session.run(feeds),
    extract: () => runAttention(model, textOf(c.tokens), tokenized),
  };
  const times: Record<keyof typeof steps, number[]> = { plain: [], patched: [], extract: [] };
  for (const step of Object.values(steps)) for (let i = 0; i < 3; i++) await step(); // warm up
  // Interleaved, so drift in machine load hits all three alike, and rotated, so none always runs first.
  const order = Object.entries(steps) as [keyof typeof steps, () => Promise<unknown>][];
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < order.length; i++) {
      const [name, step] = order[(round + i) % order.length];
      times[name].push(await timeMs(step));
    }
  }
  const [p, q, e] = [median(times.plain), median(times.patched), median(times.extract)];
  const result = await runAttention(model, textOf(c.tokens), tokenized);
  const payload = result.layers.reduce((s, l) => s + l.probs.byteLength + l.q.byteLength + l.k.byteLength + l.v.byteLength, 0);
  console.log(`${c.label}: n=${n}, ${result.model.layers}×${result.model.heads} heads, payload ${(payload / 2 ** 20).toFixed(1)} MiB`);
  console.log(`  plain ${p.toFixed(2)} ms · patched ${q.toFixed(2)} ms · extract ${e.toFixed(2)} ms (medians of ${ROUNDS})`);
  console.log(`  ratio patched/plain ${(q / p).toFixed(3)} · extract/plain ${(e / p).toFixed(3)}`);
}

async function main(): Promise<void> {
  console.log(`extraction overhead, onnxruntime-node ${ort.env.versions?.common ?? ''}, ${ROUNDS} interleaved rounds`);
  for (const c of CASES) await benchCase(c);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
