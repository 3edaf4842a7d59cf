// Runs in Node, as a child process of engineDispose.test.ts: disposes the engine a few milliseconds after the
// forward pass starts, the moment that used to abort the process. Usage: node disposeMidRun.js MODEL_DIR [thread|process]
import { AttentionEngine, type EngineIsolation } from '../../src/attention/attentionEngine';
import { QkvError } from '../../shared/errors';

async function main(modelDir: string, isolation: EngineIsolation): Promise<void> {
  const engine = new AttentionEngine(undefined, undefined, isolation);
  const text = 'The pizza came out of the oven and it tasted good. '.repeat(20);
  await engine.run({ text, model: modelDir, maxTokens: 512 }); // warm: the next run reaches onnxruntime at once
  const run = engine.run({ text, model: modelDir, maxTokens: 512 }, {
    onProgress: (stage) => stage === 'running' && setTimeout(() => void engine.dispose(), 5),
  });
  const outcome = await run.then(() => 'resolved',
    (error: unknown) => `rejected: ${error instanceof QkvError ? error.code : String(error)}`);
  await engine.dispose();
  process.stdout.write(`${outcome}\nalive\n`);
}

void main(process.argv[2], process.argv[3] === 'process' ? 'process' : 'thread');
