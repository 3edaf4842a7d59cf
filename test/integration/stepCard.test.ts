// Runs in the VS Code extension host: the step-by-step card opened from a click on a heatmap cell, inside the real
// panel, and its weight checked against the engine's own attention value for that cell.
import * as assert from 'node:assert/strict';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { StepShown } from '../../shared/protocol';
import { PIZZA, PIZZA_TOKENS, qkv, showAttentionFor } from './support';

/** Clicks a heatmap cell in the webview and resolves with what the step-by-step card then shows. */
function clickCell(layer: number, head: number, row: number, col: number): Promise<StepShown> {
  return Promise.resolve(vscode.commands.executeCommand<StepShown>('qkvScope.internal.clickCell', layer, head, row, col));
}

describe('step-by-step card', () => {
  before(async () => {
    await showAttentionFor(PIZZA);
    await qkv.waitForPaint();
  });

  it('opens from a heatmap click on " it" → " pizza", and its weight is the engine\'s value', async () => {
    const [layer, head, it, pizza] = [0, 1, 8, 1]; // tokens: The ␣pizza ␣came ␣out ␣of ␣the ␣oven ␣and ␣it …
    const shown = await qkv.shown();
    assert.equal(shown?.tokens.length, PIZZA_TOKENS);
    assert.equal(PIZZA.slice(shown!.tokens[it].start, shown!.tokens[it].end), ' it');
    assert.equal(PIZZA.slice(shown!.tokens[pizza].start, shown!.tokens[pizza].end), ' pizza');

    const step = await clickCell(layer, head, it, pizza);
    const engine = await qkv.headTensors(layer, head);
    assert.ok(engine, 'the engine has no result');
    const value = engine.probs[it * PIZZA_TOKENS + pizza];
    assert.deepEqual([step.ref, step.query, step.key], [{ layer, head }, it, pizza]);
    assert.equal(step.modelWeight, value, 'the card\'s "model\'s own value" is the engine\'s float32 number');
    assert.ok(Math.abs(step.weight - value) <= 1e-5, `card ${step.weight}, engine ${value}`);
    assert.ok(Math.abs(Number(step.text) - value) <= 1e-5, `the card prints ${step.text}, the engine has ${value}`);
    // The click also made that head the one on screen.
    assert.deepEqual((await qkv.shown())?.ref, { layer, head });
  });

  it('a masked cell of the causal model weighs exactly 0 in the card and in the engine', async () => {
    const step = await clickCell(1, 2, 3, 7);
    const engine = await qkv.headTensors(1, 2);
    assert.equal(engine?.probs[3 * PIZZA_TOKENS + 7], 0);
    assert.equal(step.weight, 0);
    assert.equal(step.modelWeight, 0);
  });
});
