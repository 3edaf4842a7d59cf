// The built webview in headless Chromium, fed real engine results through a fake host: what it draws, how it
// switches heads, and what it tells the host.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AttentionEngine } from '../../src/attention/attentionEngine';
import type { FromWebview, HeadRef } from '../../shared/protocol';
import { MODEL_SETTINGS } from '../../shared/whatIf';
import { heatColor } from '../../webview/canvas/heatColor';
import { headOf, maxOf, realFixture, syntheticFixture } from './fixtures';
import { Harness, type Fixture, type Panel } from './harness';
import { DARK_MODERN, HIGH_CONTRAST, hexRgb, LIGHT_MODERN, type Theme } from './themes';

const engine = new AttentionEngine();
let harness: Harness;
let gpt2: Fixture;
let bert: Fixture;

before(async () => {
  [harness, gpt2, bert] = await Promise.all([Harness.launch(), realFixture(engine, 'tiny-gpt2', 1), realFixture(engine, 'tiny-bert', 2)]);
});
after(async () => {
  await harness?.close();
  await engine.dispose();
});

const requests = (messages: FromWebview[]) => messages.filter((m) => m.type === 'requestHead');

const openWith = (fixture: Fixture, theme: Theme = DARK_MODERN, show?: HeadRef): Promise<Panel> => harness.openWith(fixture, theme, show);

function assertColour(actual: readonly number[], expected: readonly number[], where: string): void {
  const off = Math.max(...actual.map((c, i) => Math.abs(c - expected[i])));
  assert.ok(off <= 2, `${where}: pixel ${actual} is not ${expected}`);
}

const position = (panel: Panel) => panel.text('.qkv-position');

describe('webview panel', () => {
  it('says ready first, acquires the API once, and shows the empty state before any result', async () => {
    const panel = await harness.open(LIGHT_MODERN);
    await panel.waitForMessage((m) => m.type === 'ready', 'ready');
    assert.deepEqual(await panel.messages(), [{ type: 'ready' }]);
    assert.match(await panel.text('.qkv-empty'), /Select text in an editor and run QKV Scope: Show Attention/);
    assert.equal(await panel.page.locator('.qkv-result').isVisible(), false);
    const host = await panel.fakeHost();
    assert.equal(host.acquired, 1);
    assert.deepEqual(host.cspViolations, []);
    assert.deepEqual(panel.errors, []);
    await panel.close();
  });

  it('shows the tokens, the model line, the position and the first head, and tells the host', async () => {
    const panel = await openWith(gpt2);
    const { summary } = gpt2;
    const n = summary.tokens.length;
    assert.deepEqual(await panel.page.locator('.qkv-token').allTextContents(), summary.tokens.map((t) => t.display));
    const model = await panel.text('.qkv-model');
    assert.match(model, /tiny-gpt2 · gpt2 · causal · 2 layers × 4 heads/);
    const shapes = await panel.text('.qkv-shapes-strip summary');
    assert.ok(shapes.includes(`X [${n} × 32] → Q, K, V [4 × ${n} × 8] → A [4 × ${n} × ${n}]`), shapes);
    assert.equal(await position(panel), 'Layer 1 / 2 · Head 1 / 4');
    const messages = await panel.messages();
    // The head on screen first (small and fast), then every head of the layers around it ahead of time (all of
    // them here: the model is small), so that switching heads never waits on the host.
    assert.deepEqual(messages.slice(0, 4), [
      { type: 'ready' },
      { type: 'requestHead', requestId: 1, resultId: 1, ref: { layer: 0, head: 0 } },
      { type: 'requestLayerHeads', requestId: 2, resultId: 1, layers: [0, 1] },
      { type: 'showing', ref: { layer: 0, head: 0 } },
    ]);
    assert.ok(messages.some((m) => m.type === 'painted' && m.resultId === 1 && m.tokens === n));
    assert.deepEqual((await panel.fakeHost()).state, {
      ref: { layer: 0, head: 0 }, text: summary.text, model: summary.model.id, tab: 'heatmap', whatIf: MODEL_SETTINGS, scale: 'head',
    });
    assert.equal((await panel.grid()).n, n);
    assert.deepEqual(panel.errors, []);
    assert.deepEqual((await panel.fakeHost()).cspViolations, []);
    await panel.close();
  });

  it('paints each cell in the colour heatColor gives its real value, and repaints when the theme changes', async () => {
    const ref = { layer: 1, head: 2 };
    const panel = await openWith(gpt2, DARK_MODERN, ref);
    const { probs } = headOf(gpt2, ref);
    const n = gpt2.summary.tokens.length;
    const max = maxOf(probs.subarray(n)); // a causal head scales to its largest value after row 1 (which is always 1)
    assert.ok(max < 1);
    const cells: [number, number][] = [[0, 0], [1, 0], [1, 1], [5, 2], [n - 1, 3], [n - 1, n - 1]];
    for (const theme of [DARK_MODERN, LIGHT_MODERN, HIGH_CONTRAST]) {
      if (theme !== DARK_MODERN) {
        await panel.clearMessages();
        await panel.setTheme(theme);
        await panel.waitForPaint(ref);
      }
      const [low, high] = [hexRgb(theme.vars['--vscode-editor-background']), hexRgb(theme.vars['--vscode-charts-blue'])];
      for (const [row, col] of cells) {
        const value = probs[row * n + col];
        assertColour(await panel.cellPixel(row, col), heatColor(value, max, low, high), `${theme.name} cell ${row},${col} = ${value}`);
      }
      // The causal mask is exactly 0, yet a masked cell must not look like a near-zero weight (the background):
      // it has its own shade (and hatching) in every theme, high contrast included.
      assert.equal(probs[2 * n + 7], 0);
      const masked = await panel.cellPixel(2, 7);
      const apart = Math.max(...masked.map((c, i) => Math.abs(c - low[i])));
      assert.ok(apart >= 20, `${theme.name}: masked ${masked} is too close to the near-zero colour ${low}`);
    }
    await panel.close();
  });

  it('switches heads and layers with the buttons; a head already received is shown without asking again', async () => {
    const panel = await openWith(gpt2);
    await panel.clearMessages();
    await panel.page.getByRole('button', { name: 'Next head' }).click();
    assert.equal(await position(panel), 'Layer 1 / 2 · Head 2 / 4');
    await panel.waitForPaint({ layer: 0, head: 1 });
    let messages = await panel.messages();
    assert.deepEqual(requests(messages), [], 'every head of the layer is already here');
    assert.ok(messages.some((m) => m.type === 'showing' && m.ref.head === 1));

    await panel.clearMessages();
    await panel.page.getByRole('button', { name: 'Previous head' }).click();
    assert.equal(await position(panel), 'Layer 1 / 2 · Head 1 / 4');
    await panel.waitForPaint({ layer: 0, head: 0 });
    messages = await panel.messages();
    assert.deepEqual(requests(messages), [], 'a cached head must not be requested again');
    assert.deepEqual(messages.filter((m) => m.type === 'showing'), [{ type: 'showing', ref: { layer: 0, head: 0 } }]);

    await panel.page.getByRole('button', { name: 'Next layer' }).click();
    assert.equal(await position(panel), 'Layer 2 / 2 · Head 1 / 4');
    await panel.waitForPaint({ layer: 1, head: 0 });
    await panel.page.getByRole('button', { name: 'Previous layer' }).click();
    assert.equal(await position(panel), 'Layer 1 / 2 · Head 1 / 4');
    assert.deepEqual(requests(await panel.messages()), [], 'both layers were held ahead of time');
    assert.deepEqual(((await panel.fakeHost()).state as { ref: unknown }).ref, { layer: 0, head: 0 });
    assert.deepEqual(panel.errors, []);
    await panel.close();
  });

  it('switches with the keyboard: ArrowLeft/ArrowRight or [ ] for heads, PageUp/PageDown for layers, wrapping', async () => {
    const panel = await openWith(gpt2);
    const keys = panel.page.keyboard;
    await keys.press(']');
    assert.equal(await position(panel), 'Layer 1 / 2 · Head 2 / 4');
    await panel.waitForPaint({ layer: 0, head: 1 });
    await keys.press('ArrowRight');
    assert.equal(await position(panel), 'Layer 1 / 2 · Head 3 / 4');
    await panel.waitForPaint({ layer: 0, head: 2 });
    await keys.press('[');
    await keys.press('ArrowLeft');
    assert.equal(await position(panel), 'Layer 1 / 2 · Head 1 / 4');
    await keys.press('ArrowLeft'); // wraps to the last head
    assert.equal(await position(panel), 'Layer 1 / 2 · Head 4 / 4');
    await panel.waitForPaint({ layer: 0, head: 3 });
    await keys.press('PageDown');
    assert.equal(await position(panel), 'Layer 2 / 2 · Head 4 / 4');
    await panel.waitForPaint({ layer: 1, head: 3 });
    await keys.press('PageDown'); // wraps to the first layer
    assert.equal(await position(panel), 'Layer 1 / 2 · Head 4 / 4');
    await keys.press('PageUp');
    assert.equal(await position(panel), 'Layer 2 / 2 · Head 4 / 4');
    const asked = requests(await panel.messages()).map((m) => `${m.ref.layer}:${m.ref.head}`);
    assert.deepEqual(asked, ['0:0'], 'only the first head is asked for alone; the rest came with their layers');
    const painted = (await panel.messages()).filter((m) => m.type === 'painted' && m.inputMs !== undefined);
    assert.ok(painted.length >= 5, 'a key → frame time is reported with each switch');
    await panel.close();
  });

  it('shows the hovered value as text: "query → key: value", with the real value', async () => {
    const ref = { layer: 0, head: 1 };
    const panel = await openWith(gpt2, DARK_MODERN, ref);
    const { tokens } = gpt2.summary;
    const n = tokens.length;
    const { probs } = headOf(gpt2, ref);
    assert.match(await panel.text('.qkv-readout'), /Hover a cell/);
    for (const [row, col] of [[5, 2], [n - 1, 0], [3, 3], [1, 9]]) {
      await panel.hoverCell(row, col);
      const expected = `${tokens[row].display} → ${tokens[col].display}: ${probs[row * n + col].toFixed(4)}`;
      assert.equal(await panel.text('.qkv-readout__value'), expected);
    }
    assert.match(await panel.text('.qkv-readout'), /masked/, 'a cell above the diagonal of a causal model says it is masked');
    assert.equal(await panel.page.locator('.qkv-readout').getAttribute('aria-live'), 'polite');
    assert.equal(await panel.page.locator('.qkv-token.is-query').textContent(), tokens[1].display);
    await panel.page.mouse.move(1, 1);
    assert.match(await panel.text('.qkv-readout'), /Hover a cell/);
    await panel.close();
  });

  it('marks special tokens in text, states a bidirectional model, and repaints on the fixed 0–1 scale', async () => {
    const panel = await openWith(bert, LIGHT_MODERN);
    const { tokens, model } = bert.summary;
    const special = panel.page.locator('.qkv-token--special');
    assert.deepEqual(await special.allTextContents(), ['[CLS], special token', '[SEP], special token']);
    assert.equal(tokens[0].display, '[CLS]');
    assert.match(await panel.text('.qkv-model'), /bert · bidirectional/);
    assert.match(await panel.text('.qkv-tokens-notes, .qkv-token-strip'), /special token added by the tokenizer/);

    const { probs } = headOf(bert, { layer: 0, head: 0 });
    const n = tokens.length;
    const max = maxOf(probs);
    assert.ok(max < 0.5, 'this head is spread out, so the two scales differ');
    assert.match(await panel.text('.qkv-legend'), new RegExp(`Linear scale, 0 to ${max.toFixed(4)}: this head's largest value`));
    const [low, high] = [hexRgb(LIGHT_MODERN.vars['--vscode-editor-background']), hexRgb(LIGHT_MODERN.vars['--vscode-charts-blue'])];
    assertColour(await panel.cellPixel(4, 6), heatColor(probs[4 * n + 6], max, low, high), 'head-max scale');
    await panel.clearMessages();
    await panel.page.getByLabel('Fixed 0–1 scale').check();
    await panel.waitForPaint({ layer: 0, head: 0 });
    assertColour(await panel.cellPixel(4, 6), heatColor(probs[4 * n + 6], 1, low, high), 'fixed 0–1 scale');
    assert.match(await panel.text('.qkv-legend'), /Linear scale, fixed 0 to 1/);
    assert.equal(model.causal, false);
    await panel.close();
  });

  it('ignores head replies for an older result', async () => {
    const panel = await openWith(gpt2);
    await panel.setAutoAnswer(false);
    await panel.clearMessages();
    await panel.load(bert); // resultId 2 replaces resultId 1
    const request = await panel.waitForMessage((m) => m.type === 'requestHead', 'requestHead for the new result');
    assert.equal(request.type === 'requestHead' && request.resultId, 2);
    const ref = { layer: 0, head: 0 };
    const requestId = request.type === 'requestHead' ? request.requestId : -1;
    await panel.answer(requestId, 1, ref, headOf(gpt2, ref)); // stale: the gpt2 result
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.deepEqual((await panel.messages()).filter((m) => m.type === 'painted'), [], 'a stale reply must not be painted');
    assert.match(await panel.text('.qkv-readout'), /Loading Layer 1 \/ 2 · Head 1 \/ 4/);
    await panel.answer(requestId, 2, ref, headOf(bert, ref));
    await panel.waitForPaint(ref, 2);
    assert.equal((await panel.grid()).n, bert.summary.tokens.length);
    assert.deepEqual(panel.errors, []);
    await panel.close();
  });

  it('shows a host error in the status line and keeps the last result on screen', async () => {
    const panel = await openWith(gpt2);
    await panel.post({ type: 'status', status: { state: 'running', message: 'Running tiny-gpt2 on 12 tokens…' } });
    await panel.page.locator('.qkv-status', { hasText: 'Running tiny-gpt2' }).waitFor();
    await panel.post({ type: 'status', status: { state: 'error', message: 'The text is 900 tokens long; the limit is 512 tokens.' } });
    const status = panel.page.locator('.qkv-status');
    await status.filter({ hasText: 'Error: The text is 900 tokens long' }).waitFor();
    assert.equal(await status.getAttribute('role'), 'status');
    assert.equal(await panel.page.locator('.qkv-token').count(), gpt2.summary.tokens.length);
    assert.equal((await panel.grid()).n, gpt2.summary.tokens.length);
    await panel.post({ type: 'status', status: { state: 'idle' } });
    await status.waitFor({ state: 'hidden' });
    await panel.close();
  });

  it('switches when the host says show, and asks the host to export', async () => {
    const panel = await openWith(gpt2);
    await panel.post({ type: 'show', ref: { layer: 1, head: 2 } });
    await panel.waitForPaint({ layer: 1, head: 2 });
    assert.equal(await position(panel), 'Layer 2 / 2 · Head 3 / 4');
    assert.ok((await panel.messages()).some((m) => m.type === 'showing' && m.ref.layer === 1 && m.ref.head === 2));
    await panel.page.getByRole('button', { name: /Export JSON/ }).click();
    await panel.waitForMessage((m) => m.type === 'export', 'export');
    await panel.close();
  });

  it('draws 512 tokens, thins the labels, and still reads values on hover', async () => {
    const big = syntheticFixture(512, 7);
    const panel = await harness.open(DARK_MODERN);
    await panel.waitForMessage((m) => m.type === 'ready', 'ready');
    await panel.load(big);
    await panel.waitForPaint({ layer: 0, head: 0 }, 7);
    const { n, cell } = await panel.grid();
    assert.equal(n, 512);
    assert.ok(cell >= 1);
    const { probs } = headOf(big, { layer: 0, head: 0 });
    await panel.hoverCell(300, 100);
    assert.equal(await panel.text('.qkv-readout__value'),
      `${big.summary.tokens[300].display} → ${big.summary.tokens[100].display}: ${probs[300 * 512 + 100].toFixed(4)}`);
    const max = maxOf(probs.subarray(512));
    const [low, high] = [hexRgb(DARK_MODERN.vars['--vscode-editor-background']), hexRgb(DARK_MODERN.vars['--vscode-charts-blue'])];
    assertColour(await panel.cellPixel(300, 100), heatColor(probs[300 * 512 + 100], max, low, high), 'cell 300,100');
    assert.deepEqual(panel.errors, []);
    await panel.close();
  });
});
