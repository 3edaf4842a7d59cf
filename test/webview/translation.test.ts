// A translator's result in the built webview (headless Chromium): the kind switch appears, "Cross" asks the host
// for the cross-attention of the layer — answered here by the host's own reply code (src/panel/tensorReplies.ts)
// from the real tiny-marian-en-fr result — and the heatmap is translation rows × source columns; a clicked cell's
// step card recomputes the weight from the decoder's q and the encoder's k and shows the engine's own number.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AttentionEngine } from '../../src/attention/attentionEngine';
import type { AttentionResult } from '../../shared/attentionResult';
import { fixtureDir } from '../unit/support';
import { realFixture } from './fixtures';
import { Harness, type Fixture } from './harness';
import { DARK_MODERN } from './themes';
import { answerKind, clickTranslationCell } from './translationHost';

const SOURCE = 'The pizza came out of the oven.';
const engine = new AttentionEngine();
let harness: Harness;
let fixture: Fixture;
let result: AttentionResult;

before(async () => {
  [harness, fixture, result] = await Promise.all([
    Harness.launch(), realFixture(engine, 'tiny-marian-en-fr', 1, SOURCE),
    engine.run({ text: SOURCE, model: fixtureDir('tiny-marian-en-fr'), maxTokens: 512 }),
  ]);
});
after(async () => {
  await harness?.close();
  await engine.dispose();
});

describe('a translator in the panel', () => {
  it('switches to cross-attention: translation rows × source columns, and the step card gives the engine’s number', async () => {
    const panel = await harness.openWith(fixture, DARK_MODERN);
    const t = result.translation!;
    const [rows, cols] = [t.tokens.length, result.tokens.length];
    assert.equal(await panel.page.locator('.qkv-kinds').isVisible(), true);
    await panel.page.locator('[data-kind="cross"]').click();
    await answerKind(panel, result, fixture.summary.resultId, 'cross');
    const canvas = panel.page.locator('.qkv-translation__canvas');
    assert.deepEqual(await canvas.evaluate((c: HTMLCanvasElement) => [Number(c.dataset.rows), Number(c.dataset.cols)]), [rows, cols]);
    assert.match(await panel.text('.qkv-translation__title'), /Cross-attention.*Layer 1 \/ 2 · Head 1 \/ 4/);
    assert.equal(await panel.page.locator('.qkv-heatmap__canvas').isVisible(), false, 'the encoder heatmap is hidden');

    const [row, col] = [2, 1]; // «pizza» in the translation reading «pizza» in the source
    await clickTranslationCell(panel, row, col);
    const step = panel.page.locator('.qkv-translation__step');
    const data = await step.evaluate((e: HTMLElement) => ({ ...e.dataset }));
    const engineWeight = t.cross[0].probs[row * cols + col];
    assert.equal(Number(data.modelWeight), engineWeight);
    assert.ok(Math.abs(Number(data.weight) - engineWeight) < 1e-5, `recomputed ${data.weight} vs ${engineWeight}`);
    assert.match(await step.textContent() ?? '', /from the encoder \(source\)/);
    assert.match(await step.textContent() ?? '', new RegExp(`«${t.tokens[row].display}» reading «${result.tokens[col].display}»`));

    await panel.page.locator('[data-kind="decoder"]').click();
    await answerKind(panel, result, fixture.summary.resultId, 'decoder');
    await panel.page.waitForFunction(
      (n) => document.querySelector<HTMLCanvasElement>('.qkv-translation__canvas')?.dataset.cols === String(n), rows);
    assert.match(await panel.text('.qkv-translation__title'), /Decoder self-attention/);

    await panel.page.locator('[data-kind="encoder"]').click();
    assert.equal(await panel.page.locator('.qkv-heatmap__canvas').isVisible(), true);
    assert.equal(await canvas.isVisible(), false);
    assert.deepEqual(panel.errors, []);
    await panel.close();
  });

  it('shows no kind switch for a model that does not translate', async () => {
    const panel = await harness.openWith(await realFixture(engine, 'tiny-bert', 2), DARK_MODERN);
    assert.equal(await panel.page.locator('.qkv-kinds').isVisible(), false);
    await panel.close();
  });
});
