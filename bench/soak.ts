// Runs in Node: the soak benchmark in one process (npm run bench:soak, first half). 200 runs of the engine on
// varied texts, alternating two models, as a long session would; prints the process's RSS (main thread and the
// engine worker together) after runs 20 and 200, and their ratio. Target: growth under 10%. So that both samples
// see the same last allocation, each is taken right after the same reference run (the pizza sentence, embedded).
import * as path from 'node:path';
import { AttentionEngine } from '../src/attention/attentionEngine';
import { packageRoot } from '../src/model/packageRoot';
import { formatRss, REFERENCE_TEXT, soakText } from './soakTexts';

const RUNS = 200;
const MODELS = ['embedded', path.join(packageRoot(), 'test', 'fixtures', 'models', 'wide-gpt2')];

async function main(): Promise<void> {
  const engine = new AttentionEngine();
  const rss = new Map<number, number>();
  const started = performance.now();
  let tokens = 0;
  for (let run = 1; run <= RUNS; run++) {
    const result = await engine.run({ text: soakText(run), model: MODELS[run % MODELS.length], maxTokens: 512 });
    tokens += result.tokens.length;
    if (run === 20 || run === RUNS) {
      await engine.run({ text: REFERENCE_TEXT, model: MODELS[0], maxTokens: 512 });
      rss.set(run, process.memoryUsage().rss);
    }
  }
  await engine.dispose();
  const at20 = rss.get(20)!;
  const atEnd = rss.get(RUNS)!;
  console.log(`BENCH soak, one process: ${RUNS} runs, 2 models (${MODELS.map((m) => path.basename(m)).join(', ')}), ` +
    `${tokens} tokens in ${((performance.now() - started) / 1000).toFixed(1)} s; RSS at run 20 ${formatRss(at20)}, ` +
    `at run ${RUNS} ${formatRss(atEnd)}, ratio ${(atEnd / at20).toFixed(3)} (target < 1.10)`);
}

void main();
