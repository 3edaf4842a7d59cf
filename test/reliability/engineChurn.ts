// Runs in Node, as a child process of engineDispose.test.ts: runs the engine and cancels or disposes it at random
// moments (seeded, so a failure can be replayed). A dispose inside onnxruntime used to abort the whole process
// (exit 134), which is why this runs in a child: the test checks that the child is still alive at the end.
// Usage: node engineChurn.js SEED RUNS MODEL_DIR [thread|process]
import { AttentionEngine, type EngineIsolation } from '../../src/attention/attentionEngine';
import { QkvError } from '../../shared/errors';
import { seededRandom } from '../../src/attention/seededRandom';

const [seedText = '1', runsText = '50', modelDir = '', isolationText = 'thread'] = process.argv.slice(2);
const isolation: EngineIsolation = isolationText === 'process' ? 'process' : 'thread';
const newEngine = () => new AttentionEngine(undefined, undefined, isolation);

const SENTENCES = ['The pizza came out of the oven.', 'Le chat dort sur le canapé.', 'It tasted good, and then it rained.'];

async function main(): Promise<void> {
  const random = seededRandom(Number(seedText));
  let engine = newEngine();
  const outcomes = { done: 0, cancelled: 0, disposed: 0 };
  for (let run = 0; run < Number(runsText); run++) {
    const text = Array.from({ length: 1 + Math.floor(random() * 30) }, () => SENTENCES[Math.floor(random() * SENTENCES.length)]).join(' ');
    const abort = new AbortController();
    const dispose = random() < 0.25;
    const delay = Math.floor(random() * (dispose ? 700 : 120));
    const promise = engine.run({ text, model: modelDir, maxTokens: 1024 }, { signal: abort.signal });
    const timer = setTimeout(() => (dispose ? void engine.dispose() : abort.abort()), delay);
    try {
      await promise;
      outcomes.done++;
    } catch (error) {
      if (!(error instanceof QkvError) || error.code !== 'cancelled') throw error;
      outcomes.cancelled++;
    }
    clearTimeout(timer);
    if (dispose) {
      await engine.dispose();
      outcomes.disposed++;
      engine = newEngine();
    }
  }
  // The engine still works after all that.
  const last = await engine.run({ text: SENTENCES[0], model: modelDir, maxTokens: 64 });
  await engine.dispose();
  process.stdout.write(`${JSON.stringify({ ...outcomes, lastTokens: last.tokens.length })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
