// Runs in Node: the soak benchmark in one process (npm run bench:soak, first half). 200 runs of the engine on
// varied texts, alternating two models, as a long session would; prints the process's RSS (main thread and the
// engine worker together) at run 20 and run 200, and their ratio. Target: growth under 10%. One RSS reading swings
// by ±15% with whatever the last run allocated, so each figure is the median of the readings after the ten runs
// ending there (11–20, 191–200); the single readings at 20 and 200 are printed too.
import * as path from 'node:path';
import { AttentionEngine } from '../src/attention/attentionEngine';
import { packageRoot } from '../src/model/packageRoot';
import { formatRss, medianOf, soakText } from './soakTexts';

const RUNS = 200;
const MODELS = ['embedded', path.join(packageRoot(), 'test', 'fixtures', 'models', 'wide-gpt2')];

async function main(): Promise<void> {
  const engine = new AttentionEngine();
  const rss: number[] = [];
  const started = performance.now();
  let tokens = 0;
  for (let run = 1; run <= RUNS; run++) {
    const result = await engine.run({ text: soakText(run), model: MODELS[run % MODELS.length], maxTokens: 512 });
    tokens += result.tokens.length;
    rss.push(process.memoryUsage().rss);
  }
  await engine.dispose();
  const at20 = medianOf(rss.slice(10, 20));
  const atEnd = medianOf(rss.slice(RUNS - 10, RUNS));
  console.log(`BENCH soak, one process: ${RUNS} runs, 2 models (${MODELS.map((m) => path.basename(m)).join(', ')}), ` +
    `${tokens} tokens in ${((performance.now() - started) / 1000).toFixed(1)} s; RSS at run 20 ${formatRss(at20)}, ` +
    `at run ${RUNS} ${formatRss(atEnd)}, ratio ${(atEnd / at20).toFixed(3)} (target < 1.10; medians of runs 11-20 and ` +
    `${RUNS - 9}-${RUNS}; single readings ${formatRss(rss[19])} and ${formatRss(rss[RUNS - 1])})`);
}

void main();
