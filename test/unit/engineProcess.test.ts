// The extension host's engine runs in a child process: the same results as the worker thread, bit for bit, and a
// dead engine process (killed, as a native crash would end it) fails its run in one sentence, never the caller.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { AttentionEngine } from '../../src/attention/attentionEngine';
import { QkvError } from '../../shared/errors';
import { fixtureDir, PIZZA } from './support';

const inProcess = new AttentionEngine(undefined, undefined, 'process');
const inThread = new AttentionEngine();
after(() => Promise.all([inProcess.dispose(), inThread.dispose()]));
const gpt2 = fixtureDir('tiny-gpt2');

describe('attention engine in a child process', () => {
  it('returns what the worker thread returns, as typed arrays', async () => {
    const request = { text: PIZZA, model: gpt2, maxTokens: 512 };
    const [a, b] = await Promise.all([inProcess.run(request), inThread.run(request)]);
    assert.ok(a.layers[0].probs instanceof Float32Array);
    assert.deepEqual(a.tokens, b.tokens);
    a.layers.forEach((layer, l) => {
      for (const field of ['probs', 'q', 'k', 'v'] as const) assert.deepEqual(layer[field], b.layers[l][field], `layer ${l} ${field}`);
    });
  });

  it('runs in a process of its own, and says how much memory it holds', async () => {
    const memory = await inProcess.memory();
    assert.ok(memory, 'no memory figures');
    assert.notEqual(memory.pid, process.pid);
    assert.ok(memory.rss > memory.heap.used_heap_size);
    assert.equal((await inThread.memory())?.pid, process.pid);
  });

  it('fails the run in one sentence when the engine process dies, and the next run starts a new one', async () => {
    const first = await inProcess.memory();
    assert.ok(first);
    const run = inProcess.run({ text: PIZZA.repeat(8), model: fixtureDir('wide-gpt2'), maxTokens: 512 });
    process.kill(first.pid, 'SIGKILL');
    await assert.rejects(run, (error: unknown) => {
      assert.ok(error instanceof QkvError);
      assert.equal(error.code, 'internal');
      assert.match(error.message, /^The attention engine stopped unexpectedly: the engine process exited with SIGKILL/);
      return true;
    });
    const again = await inProcess.run({ text: PIZZA, model: gpt2, maxTokens: 512 });
    assert.equal(again.tokens.length, 12);
    assert.notEqual((await inProcess.memory())?.pid, first.pid);
  });

  it('stops its process on dispose, after the run in progress', async () => {
    const own = new AttentionEngine(undefined, undefined, 'process');
    await own.run({ text: PIZZA, model: gpt2, maxTokens: 512 });
    const memory = await own.memory();
    assert.ok(memory);
    const rejected = assert.rejects(own.run({ text: PIZZA, model: gpt2, maxTokens: 512 }), /shut down/);
    await own.dispose();
    await rejected;
    assert.throws(() => process.kill(memory.pid, 0), /ESRCH/);
  });
});
