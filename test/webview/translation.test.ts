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

  it('links with the editor: a cell or label click posts its tokens, and the editor\'s token is framed', async () => {
    const panel = await harness.openWith(fixture, DARK_MODERN);
    const resultId = fixture.summary.resultId;
    await panel.page.locator('[data-kind="cross"]').click();
    await answerKind(panel, result, resultId, 'cross');
    await clickTranslationCell(panel, 2, 1);
    await panel.waitForMessage((m) => m.type === 'focusToken' && m.side === 'target' && m.token === 2 && m.also?.side === 'source' &&
      m.also.token === 1, 'a cell click posts its row (target) and its column (source)');
    const canvas = panel.page.locator('.qkv-translation__canvas');
    const labelPoint = (axis: 'row' | 'column', index: number) => canvas.evaluate((c: HTMLCanvasElement, { axis, index }) => {
      const { originX, originY, cell } = c.dataset;
      const rect = c.getBoundingClientRect();
      const centre = (origin: string | undefined) => Number(origin) + (index + 0.5) * Number(cell);
      return axis === 'row' ? { x: rect.left + Number(originX) - 6, y: rect.top + centre(originY) }
        : { x: rect.left + centre(originX), y: rect.top + Number(originY) - 6 };
    }, { axis, index });
    for (const [axis, side, index] of [['row', 'target', 4], ['column', 'source', 3]] as const) {
      const { x, y } = await labelPoint(axis, index);
      await panel.page.mouse.click(x, y);
      await panel.waitForMessage((m) => m.type === 'focusToken' && m.side === side && m.token === index && m.also === undefined,
        `a ${axis} label posts ${side} ${index}`);
      assert.equal(await canvas.evaluate((c: HTMLCanvasElement) => c.dataset.focus), `${side}:${index}`);
    }
    // The editor cursor moved: the host names the token, the panel frames it; one of another result is ignored.
    await panel.post({ type: 'focusToken', resultId, side: 'source', token: 5 });
    await panel.page.waitForFunction(() =>
      document.querySelector<HTMLCanvasElement>('.qkv-translation__canvas')?.dataset.focus === 'source:5');
    await panel.post({ type: 'focusToken', resultId: resultId + 1, side: 'target', token: 1 });
    await panel.post({ type: 'focusToken', resultId, side: 'target', token: result.translation!.tokens.length });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(await canvas.evaluate((c: HTMLCanvasElement) => c.dataset.focus), 'source:5');
    assert.deepEqual(panel.errors, []);
    await panel.close();
  });

  it('the tabs follow the kind: All heads shows every decoder head of it, What if and Positions say what they show', async () => {
    const panel = await harness.openWith(fixture, DARK_MODERN);
    const t = result.translation!;
    await panel.page.locator('[data-kind="cross"]').click();
    await answerKind(panel, result, fixture.summary.resultId, 'cross');
    await panel.page.locator('#qkv-tab-heads').click();
    // Layer 1 is held already; All heads asks for the other one.
    await answerKind(panel, result, fixture.summary.resultId, 'cross', 1);
    const thumbs = panel.page.locator('.qkv-translation__thumb-button');
    assert.equal(await thumbs.count(), t.layers * t.heads);
    await panel.page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.qkv-translation__thumb-button')]
      .every((b) => b.dataset.drawn === 'true'));
    assert.equal(await panel.page.locator('.qkv-grid').isVisible(), false, 'the encoder grid is hidden');
    await panel.page.locator('.qkv-translation__thumb-button[data-ref="1:3"]').click();
    assert.match(await panel.text('.qkv-translation__title'), /Cross-attention.*Layer 2 \/ 2 · Head 4 \/ 4/);
    assert.equal(await panel.page.locator('#qkv-tab-heatmap').getAttribute('aria-selected'), 'true');
    await panel.page.locator('#qkv-tab-whatif').click();
    assert.match(await panel.text('.qkv-translation__why:not([hidden])'), /stays with the encoder/);
    await panel.page.locator('#qkv-tab-positions').click();
    assert.match(await panel.text('.qkv-translation__why:not([hidden])'), /positions of the source tokens/);
    await panel.page.locator('#qkv-tab-whatif').click();
    await panel.page.locator('.qkv-translation__why button').click();
    assert.equal(await panel.page.locator('.qkv-whatif').first().isVisible(), true, 'the button goes back to the encoder\'s what-if lab');
    assert.deepEqual(panel.errors, []);
    await panel.close();
  });

  it('shows no kind switch for a model that does not translate', async () => {
    const panel = await harness.openWith(await realFixture(engine, 'tiny-bert', 2), DARK_MODERN);
    assert.equal(await panel.page.locator('.qkv-kinds').isVisible(), false);
    await panel.close();
  });
});
