// Benchmark: where a warm run of the live-update keystroke goes, measured in one run on this machine — the
// embedded model on a 20-token sentence, in interleaved rounds so that drift in machine load hits every step alike:
//   session     onnxruntime's forward pass alone, fetching only the attention tensors
//   run         the same plus reading every block into an AttentionResult: the model's facts (causal, K/V sharing,
//               finite weights) and its score formula, checked on this run's numbers
//   tokenize    the tokenizer and the offsets, once (as a run now does) and twice (as it did: counted, then tokenized)
//   engine      AttentionEngine.run: the worker, the model lookup, tokenizing, the run, the result's trip back
// Prints medians and the ratios run ÷ session and engine ÷ session. Run: npm run bench:engine
import { AttentionEngine } from '../src/attention/attentionEngine';
import { assertFewEnoughTokens } from '../src/attention/boundedInput';
import { buildFeeds } from '../src/attention/feeds';
import { runAttention, runSession, tokenize } from '../src/attention/runAttention';
import { loadModel } from '../src/model/loadModel';
import { resolveModelFolder } from '../src/model/modelSource';
import { exposedOutputs } from '../src/model/onnx/exposeAttention';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const WARM_UP = 5;
const MAX_TOKENS = 512;
/** bench/vscode/index.ts types into this sentence. */
const TWENTY = 'The pizza came out of the hot oven and it tasted good, so we ate it all up.';

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function timeMs(step: () => unknown): Promise<number> {
  const start = performance.now();
  await step();
  return performance.now() - start;
}

async function main(): Promise<void> {
  const model = await loadModel(resolveModelFolder('embedded'));
  const engine = new AttentionEngine();
  const tokenized = tokenize(model, TWENTY, MAX_TOKENS);
  const n = tokenized.ids.length;
  const feeds = buildFeeds(model.plan, { ids: tokenized.ids, length: n, padId: 0, causal: model.config.causal ?? false });
  const fetches = exposedOutputs(model.session);
  const steps = {
    session: () => runSession(model.session, feeds, 'embedded', fetches),
    run: () => runAttention(model, TWENTY, tokenized),
    tokenizeOnce: () => tokenize(model, TWENTY, MAX_TOKENS),
    tokenizeTwice: () => {
      assertFewEnoughTokens(model.tokenizer, TWENTY, model.config, MAX_TOKENS, 'embedded');
      return tokenize(model, TWENTY, MAX_TOKENS);
    },
    engine: () => engine.run({ text: TWENTY, model: 'embedded', maxTokens: MAX_TOKENS }),
  };
  const order = Object.entries(steps) as [keyof typeof steps, () => unknown][];
  const times = Object.fromEntries(order.map(([name]) => [name, [] as number[]])) as Record<keyof typeof steps, number[]>;
  try {
    for (let round = 0; round < WARM_UP + ROUNDS; round++) {
      for (let i = 0; i < order.length; i++) {
        // Rotated, so that no step always follows the same one.
        const [name, step] = order[(round + i) % order.length];
        const ms = await timeMs(step);
        if (round >= WARM_UP) times[name].push(ms);
      }
    }
  } finally {
    await engine.dispose();
  }
  const m = Object.fromEntries(order.map(([name]) => [name, median(times[name])])) as Record<keyof typeof steps, number>;
  console.log(`BENCH warm run, embedded, ${n} tokens, medians of ${ROUNDS} interleaved rounds: session ${m.session.toFixed(2)} ms · ` +
    `run ${m.run.toFixed(2)} ms · engine ${m.engine.toFixed(2)} ms; run ÷ session ${(m.run / m.session).toFixed(2)}, ` +
    `engine ÷ session ${(m.engine / m.session).toFixed(2)}`);
  console.log(`BENCH tokenizing: once ${m.tokenizeOnce.toFixed(2)} ms (now), twice ${m.tokenizeTwice.toFixed(2)} ms (before); ` +
    `ratio ${(m.tokenizeOnce / m.tokenizeTwice).toFixed(2)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
