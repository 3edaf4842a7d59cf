// Runs in the VS Code extension host: a selection over the token limit, cancelling, and the newest run winning.
import * as assert from 'node:assert/strict';
import { afterEach, describe, it } from 'mocha';
import { PIZZA, SECOND_LINE, openSample, qkv, select, setSetting, showAttentionFor } from './support';

describe('limits and cancelling', () => {
  afterEach(() => setSetting('maxTokens', undefined));

  it('refuses a selection longer than qkvScope.maxTokens, and the panel keeps its result', async () => {
    await showAttentionFor(SECOND_LINE);
    const before = await qkv.shown();
    await setSetting('maxTokens', 5);
    select(await openSample(), PIZZA);
    assert.equal(await qkv.showAttention(), undefined);
    assert.deepEqual(await qkv.shown(), before);
  });

  it('a cancelled run returns nothing, and the next run works', async () => {
    const editor = await openSample();
    select(editor, PIZZA);
    // The command starts its run before executeCommand returns, so the cancel reaches a run in flight.
    const cancelled = qkv.showAttention();
    await qkv.cancelRun();
    assert.equal(await cancelled, undefined);
    assert.equal((await qkv.shown())?.text, SECOND_LINE, 'the cancelled run replaced the panel\'s result');

    select(editor, PIZZA);
    assert.ok(await qkv.showAttention());
    assert.equal((await qkv.shown())?.text, PIZZA);
  });

  it('the newest of two runs wins', async () => {
    const editor = await openSample();
    select(editor, SECOND_LINE);
    const older = qkv.showAttention();
    select(editor, PIZZA.slice(0, 9)); // "The pizza"
    const newer = qkv.showAttention();
    const [olderOutcome, newerOutcome] = await Promise.all([older, newer]);
    assert.equal(olderOutcome, undefined, 'the superseded run should end quietly');
    assert.equal(newerOutcome?.tokens, 2);
    assert.equal((await qkv.shown())?.text, 'The pizza');
    await qkv.waitForPaint();
  });
});
