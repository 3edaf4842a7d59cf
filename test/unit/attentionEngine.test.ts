// The engine refuses what it cannot show with a message a person can act on, and cancels cleanly.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { AttentionEngine } from '../../src/attention/attentionEngine';
import { QkvError, type QkvErrorCode } from '../../shared/errors';
import { fixtureDir, PIZZA } from './support';

const engine = new AttentionEngine();
after(() => engine.dispose());
const gpt2 = fixtureDir('tiny-gpt2');

async function rejectsWith(promise: Promise<unknown>, code: QkvErrorCode, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof QkvError, `not a QkvError: ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });
}

describe('attention engine', () => {
  it('refuses empty and whitespace-only text plainly', async () => {
    await rejectsWith(engine.run({ text: '', model: gpt2, maxTokens: 512 }), 'empty-input', /no text/);
    await rejectsWith(engine.run({ text: ' \n\t ', model: gpt2, maxTokens: 512 }), 'empty-input', /only whitespace/);
  });

  it('refuses text longer than maxTokens, saying how long it was and the limit', async () => {
    await rejectsWith(engine.run({ text: PIZZA, model: gpt2, maxTokens: 5 }), 'too-long', /12 tokens long; the limit is 5 tokens/);
  });

  it("refuses text longer than the model's positions", async () => {
    const long = `${'word '.repeat(299)}word`;
    await rejectsWith(engine.run({ text: long, model: gpt2, maxTokens: 2000 }), 'too-long', /300 tokens long; model .* reads at most 128 positions/);
  });

  it('says which model was not found', async () => {
    await rejectsWith(engine.run({ text: PIZZA, model: '/nonexistent/model', maxTokens: 512 }), 'model-not-found', /"\/nonexistent\/model" was not found/);
  });

  it('refuses a model without attention, naming it and the reason', async () => {
    await rejectsWith(engine.run({ text: PIZZA, model: fixtureDir('no-attention'), maxTokens: 512 }), 'no-attention', /no-attention.*no Softmax/);
  });

  it('cancels a run when its signal aborts, and keeps working afterwards', async () => {
    const controller = new AbortController();
    const run = engine.run({ text: PIZZA, model: fixtureDir('tiny-bert'), maxTokens: 512 }, { signal: controller.signal });
    controller.abort();
    await rejectsWith(run, 'cancelled', /cancelled/);
    const next = await engine.run({ text: PIZZA, model: fixtureDir('tiny-bert'), maxTokens: 512 });
    assert.equal(next.tokens[0].display, '[CLS]');
  });

  it('reports progress stages in order', async () => {
    const stages: string[] = [];
    await engine.run({ text: PIZZA, model: gpt2, maxTokens: 512 }, { onProgress: (s) => stages.push(s) });
    assert.deepEqual(stages, ['loading-model', 'tokenizing', 'running']);
  });

  it('recovers after a worker is shut down', async () => {
    const own = new AttentionEngine();
    const pending = own.run({ text: PIZZA, model: gpt2, maxTokens: 512 });
    const rejected = rejectsWith(pending, 'cancelled', /shut down/);
    await own.dispose();
    await rejected;
    const again = await own.run({ text: PIZZA, model: gpt2, maxTokens: 512 });
    assert.equal(again.tokens.length, 12);
    await own.dispose();
  });
});
