// Runs in the VS Code extension host: Show Attention on a selection and on a line, and the panel painting it.
import * as assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import {
  PIZZA, PIZZA_TOKENS, SECOND_LINE, activeTabIsPanel, eventually, openSample, panelCount, placeCursor, qkv, showAttentionFor, testModel,
} from './support';

describe('Show Attention', () => {
  it('runs the model on the selection and the panel paints layer 1, head 1', async () => {
    const outcome = await showAttentionFor(PIZZA);
    assert.deepEqual(outcome, { model: testModel(), tokens: PIZZA_TOKENS, layers: outcome.layers, heads: outcome.heads });
    assert.ok(outcome.layers >= 2 && outcome.heads >= 3,
      `the test model should have at least 2 layers × 3 heads, not ${outcome.layers} × ${outcome.heads}`);
    await eventually(activeTabIsPanel, 'the QKV Scope panel should become the active tab');
    assert.equal(panelCount(), 1);

    // The webview itself reports the paint: proof that the script ran, asked for the head and drew it.
    const painted = await qkv.waitForPaint();
    assert.equal(painted.tokens, PIZZA_TOKENS);
    assert.deepEqual(painted.ref, { layer: 0, head: 0 });
    const shown = await qkv.shown();
    assert.equal(shown?.text, PIZZA);
    assert.equal(shown?.tokens.length, PIZZA_TOKENS);
  });

  it('switches to another head when asked, and paints it', async () => {
    assert.equal(await qkv.showHead(1, 2), true);
    const painted = await qkv.waitForPaint({ layer: 1, head: 2 });
    assert.deepEqual(painted.ref, { layer: 1, head: 2 });
    assert.deepEqual((await qkv.shown())?.ref, { layer: 1, head: 2 });
    assert.equal(await qkv.showHead(99, 0), false, 'a head the model does not have must be refused');
  });

  it('with no selection, shows the line under the cursor, in the same panel', async () => {
    placeCursor(await openSample(), 2);
    const outcome = await qkv.showAttention();
    assert.ok(outcome && outcome.tokens > 0);
    assert.equal((await qkv.shown())?.text, SECOND_LINE);
    assert.equal(panelCount(), 1, 'a second panel was opened');
    await qkv.waitForPaint();
  });

  it('with the cursor on an empty line, does nothing and the panel keeps its result', async () => {
    const before = await qkv.shown();
    placeCursor(await openSample(), 1);
    assert.equal(await qkv.showAttention(), undefined);
    assert.deepEqual(await qkv.shown(), before);
    assert.equal(panelCount(), 1);
  });
});
