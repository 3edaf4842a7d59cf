// The built webview in headless Chromium (fake host, real tiny-gpt2 results): the heatmap from the keyboard and as
// a table, the colour-blind-safe scales and the masked cells in every theme, the view coming back after a reload,
// and Export Image's PNG and SVG.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AttentionEngine } from '../../src/attention/attentionEngine';
import type { WhatIfSettings } from '../../shared/whatIf';
import { rampColour } from '../../webview/canvas/heatColor';
import { headOf, maxOf, realFixture, syntheticHeadsFixture } from './fixtures';
import { Harness, type Fixture } from './harness';
import { DARK_MODERN, hexRgb, LIGHT_MODERN, THEMES } from './themes';

const engine = new AttentionEngine();
let harness: Harness;
let gpt2: Fixture;

before(async () => {
  [harness, gpt2] = await Promise.all([Harness.launch(), realFixture(engine, 'tiny-gpt2', 1)]);
});
after(async () => {
  await harness?.close();
  await engine.dispose();
});

const tokenText = (i: number) => `"${gpt2.summary.tokens[i].display.replace(/␣/g, ' ')}"`;

describe('the picture first', () => {
  it('starts the heatmap cells within the first 400 px of a 1440 × 900 window with the Explorer open', async () => {
    // The panel's size there (scripts/test-ui.mjs measures the real one in code-server), 70 px below the window's top.
    const panel = await harness.open(LIGHT_MODERN, { width: 546, height: 806 });
    await panel.waitForMessage((m) => m.type === 'ready', 'ready');
    await panel.load(gpt2);
    await panel.waitForPaint({ layer: 0, head: 0 });
    const first = await panel.page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('.qkv-heatmap__canvas')!;
      return canvas.getBoundingClientRect().top + Number(canvas.dataset.originY);
    });
    assert.ok(first + 70 <= 400, `the first cell starts at ${first} px in the panel`);
    // Nothing is lost: the shapes and the model's size are one click (or one hover) away.
    await panel.page.locator('.qkv-shapes-strip summary').click();
    assert.ok(await panel.page.locator('.qkv-shape', { hasText: 'softmax' }).isVisible());
    assert.match(await panel.page.getByRole('group', { name: 'Model' }).getAttribute('title') ?? '', /2 layers × 4 heads/);
    await panel.close();
  });
});

describe('heatmap from the keyboard', () => {
  it('takes focus, moves a cell cursor with the arrows, announces each cell, and Enter opens the step card', async () => {
    const ref = { layer: 0, head: 1 };
    const panel = await harness.openWith(gpt2, LIGHT_MODERN, ref);
    const { probs } = headOf(gpt2, ref);
    const n = gpt2.summary.tokens.length;
    const canvas = panel.page.locator('.qkv-heatmap__canvas');
    await canvas.focus();
    const announce = () => panel.text('.qkv-heatmap__announce');
    assert.equal(await announce(), `query ${tokenText(0)} → key ${tokenText(0)}: ${probs[0].toFixed(3)}`);
    for (let k = 0; k < 8; k++) await panel.page.keyboard.press('ArrowDown');
    await panel.page.keyboard.press('ArrowRight');
    assert.equal(await announce(), `query ${tokenText(8)} → key ${tokenText(1)}: ${probs[8 * n + 1].toFixed(3)}`);
    assert.equal(await panel.text('.qkv-position'), 'Layer 1 / 2 · Head 2 / 4', 'the arrows moved the cursor, not the head');
    await panel.page.keyboard.press('End');
    assert.match(await announce(), /masked: a later token/);
    await panel.page.keyboard.press('Home');
    await panel.page.keyboard.press('ArrowRight');
    await panel.page.keyboard.press('Enter');
    const shown = await panel.waitForMessage((m) => m.type === 'stepShown', 'stepShown');
    assert.ok(shown.type === 'stepShown' && shown.query === 8 && shown.key === 1, JSON.stringify(shown));
    assert.equal(await panel.page.getByRole('tab', { name: 'Step by step' }).getAttribute('aria-selected'), 'true');
    assert.deepEqual(panel.errors, []);
    await panel.close();
  });

  it('shows the head as a table of values with the Table toggle, masked cells marked', async () => {
    const panel = await harness.openWith(gpt2, DARK_MODERN);
    const { probs } = headOf(gpt2, { layer: 0, head: 0 });
    const n = gpt2.summary.tokens.length;
    await panel.page.getByRole('button', { name: 'Table' }).click();
    const table = panel.page.locator('.qkv-head-table table');
    await table.waitFor();
    assert.equal(await panel.page.locator('.qkv-heatmap').isVisible(), false);
    assert.equal(await table.locator('tbody tr').count(), n);
    assert.equal(await table.locator('tbody tr').nth(5).locator('td').nth(2).textContent(), probs[5 * n + 2].toFixed(4));
    assert.equal(await table.locator('tbody tr').nth(2).locator('td').nth(7).getAttribute('aria-label'), 'masked');
    await panel.page.getByRole('button', { name: 'Table' }).click();
    await panel.page.locator('.qkv-heatmap').waitFor();
    await panel.close();
  });
});

describe('table of a long text', () => {
  it('shows every value of a 200-token head, a block of 128 × 128 at a time, chosen with two menus', async () => {
    const fixture = syntheticHeadsFixture(200, 1, 41);
    const panel = await harness.openWith(fixture, DARK_MODERN);
    const { probs } = headOf(fixture, { layer: 0, head: 0 });
    await panel.page.getByRole('button', { name: 'Table' }).click();
    const rows = panel.page.locator('.qkv-head-table tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 128);
    assert.match(await panel.text('.qkv-head-table caption'), /queries 1–128, keys 1–128 of 200 tokens/);
    await panel.page.getByLabel('Queries').focus();
    await panel.page.getByLabel('Queries').selectOption({ label: '129–200' });
    assert.equal(await rows.count(), 72);
    assert.equal(await rows.nth(71).locator('td').nth(5).textContent(), probs[199 * 200 + 5].toFixed(4), 'the last query row');
    assert.equal(await panel.page.evaluate(() => document.activeElement?.id), 'qkv-table-rows', 'the focus stays on the menu');
    await panel.page.getByLabel('Keys').selectOption({ label: '129–200' });
    assert.equal(await rows.nth(71).locator('td').count(), 72);
    assert.equal(await rows.nth(71).locator('td').nth(70).textContent(), probs[199 * 200 + 198].toFixed(4));
    assert.equal(await rows.nth(0).locator('td').nth(1).getAttribute('aria-label'), 'masked', 'query 129 cannot see key 130');
    assert.deepEqual(panel.errors, []);
    await panel.close();
  });
});

describe('token row from the keyboard', () => {
  it('is one Tab stop: the arrows, Home and End move along it, Enter picks, Tab leaves it', async () => {
    const panel = await harness.openWith(gpt2, LIGHT_MODERN);
    const chips = panel.page.locator('.qkv-token__pick');
    const n = gpt2.summary.tokens.length;
    assert.deepEqual(await chips.evaluateAll((buttons) => buttons.filter((b) => (b as HTMLElement).tabIndex === 0).length), 1);
    const focused = () => panel.page.evaluate(() => {
      const all = [...document.querySelectorAll('.qkv-token__pick')];
      return all.indexOf(document.activeElement as Element);
    });
    await chips.nth(0).focus();
    for (let k = 0; k < 3; k++) await panel.page.keyboard.press('ArrowRight');
    assert.equal(await focused(), 3);
    assert.equal(await panel.text('.qkv-position'), 'Layer 1 / 2 · Head 1 / 4', 'the arrows moved along the row, not the head');
    await panel.page.keyboard.press('End');
    assert.equal(await focused(), n - 1);
    await panel.page.keyboard.press('Home');
    await panel.page.keyboard.press('ArrowLeft'); // stays on the first
    await panel.page.keyboard.press('ArrowRight');
    await panel.page.keyboard.press('ArrowRight');
    await panel.page.keyboard.press('Enter');
    assert.equal(await chips.nth(2).getAttribute('aria-pressed'), 'true', 'Enter picked the query');
    await panel.page.keyboard.press('Tab');
    assert.equal(await focused(), -1, 'one Tab leaves the row');
    await panel.page.keyboard.press('Shift+Tab');
    assert.equal(await focused(), 2, 'and Shift+Tab comes back to the chip last used');
    assert.deepEqual(panel.errors, []);
    await panel.close();
  });
});

describe('colour', () => {
  it('paints with viridis or cividis when the setting says so, and masked cells never look like near-zero ones', async () => {
    const ref = { layer: 1, head: 2 };
    const { probs } = headOf(gpt2, ref);
    const n = gpt2.summary.tokens.length;
    const max = maxOf(probs.subarray(n));
    for (const theme of THEMES) {
      const panel = await harness.openWith(gpt2, theme, ref);
      const low = hexRgb(theme.vars['--vscode-editor-background']);
      const masked = await panel.cellPixel(2, 7);
      // The smallest weight on screen: a near-zero cell, which must differ from a masked one.
      let near = n;
      for (let i = n; i < n * n; i++) if (i % n <= Math.floor(i / n) && probs[i] < probs[near]) near = i;
      const nearPixel = await panel.cellPixel(Math.floor(near / n), near % n);
      const apart = Math.max(...masked.map((c, i) => Math.abs(c - nearPixel[i])));
      assert.ok(apart >= 20, `${theme.name}: masked ${masked} vs near-zero ${nearPixel} (value ${probs[near]}) are too alike`);
      assert.ok(Math.max(...masked.map((c, i) => Math.abs(c - low[i]))) >= 20, `${theme.name}: masked looks like the background`);

      await panel.clearMessages();
      await panel.post({ type: 'settings', colourScale: 'viridis' });
      await panel.waitForPaint(ref);
      const expected = rampColour(VIRIDIS_STOPS, probs[5 * n + 2] / max);
      const off = Math.max(...(await panel.cellPixel(5, 2)).map((c, i) => Math.abs(c - expected[i])));
      assert.ok(off <= 3, `${theme.name}: viridis cell is ${await panel.cellPixel(5, 2)}, expected ${expected}`);
      assert.match(await panel.page.locator('.qkv-legend__bar').getAttribute('title') ?? '', /viridis/);
      await panel.close();
    }
  });
});

/** viridis at 0, ⅛ … 1, as webview/canvas/colourMaps.ts holds it. */
const VIRIDIS_STOPS = ['440154', '472d7b', '3b528b', '2c728e', '21918c', '28ae80', '5ec962', 'addc30',
  'fde725'].map((h) => hexRgb(`#${h}`));

describe('state', () => {
  it('comes back after a reload with its tab, head, query, key, what-if formula and scale', async () => {
    const panel = await harness.openWith(gpt2, LIGHT_MODERN, { layer: 1, head: 3 });
    await panel.page.getByLabel('Fixed 0–1 scale').check();
    await panel.page.locator('.qkv-token__pick').nth(8).click();
    await panel.page.locator('.qkv-token__pick').nth(1).click(); // the key: opens the step card
    await panel.page.getByRole('tab', { name: 'What if' }).click();
    await panel.page.getByLabel('Scoring').selectOption('cosine');
    const saved = (await panel.fakeHost()).state as { ref: unknown; tab: string; query: number; key: number; whatIf: WhatIfSettings;
      scale: string };
    assert.deepEqual([saved.ref, saved.tab, saved.query, saved.key, saved.whatIf.scoring, saved.scale],
      [{ layer: 1, head: 3 }, 'whatif', 8, 1, 'cosine', 'unit']);
    await panel.close();

    // The reload: a new page whose getState returns what was saved; the host sends the summary on the saved head.
    const again = await harness.open(LIGHT_MODERN, undefined, undefined, saved);
    await again.waitForMessage((m) => m.type === 'ready', 'ready');
    await again.load(gpt2, { layer: 1, head: 3 });
    await again.waitForMessage((m) => m.type === 'requestHead' || m.type === 'requestLayerHeads',
      'asks the host for the data it no longer holds');
    assert.equal(await again.text('.qkv-position'), 'Layer 2 / 2 · Head 4 / 4');
    assert.equal(await again.page.getByRole('tab', { name: 'What if' }).getAttribute('aria-selected'), 'true');
    assert.equal(await again.page.getByLabel('Scoring').inputValue(), 'cosine');
    assert.equal(await again.page.getByLabel('Fixed 0–1 scale').isChecked(), true);
    assert.equal(await again.page.locator('.qkv-token.is-picked-query').count(), 1);
    assert.equal(await again.page.locator('.qkv-token__pick').nth(8).getAttribute('aria-pressed'), 'true');
    assert.deepEqual(again.errors, []);
    await again.close();
  });

  it('keeps what fits of a damaged saved state and ignores the rest', async () => {
    const panel = await harness.open(DARK_MODERN, undefined, undefined,
      { ref: { layer: 1, head: 1 }, tab: 'nowhere', query: -3, whatIf: { scoring: 'magic' } });
    await panel.waitForMessage((m) => m.type === 'ready', 'ready');
    await panel.load(gpt2, { layer: 1, head: 1 });
    await panel.waitForPaint({ layer: 1, head: 1 });
    assert.equal(await panel.page.getByRole('tab', { name: 'Heatmap' }).getAttribute('aria-selected'), 'true');
    assert.deepEqual(panel.errors, []);
    await panel.close();
  });
});

describe('Export Image', () => {
  it('draws the heatmap as a 2× PNG and as an SVG of real vectors with the title, labels and legend', async () => {
    const panel = await harness.openWith(gpt2, LIGHT_MODERN, { layer: 0, head: 1 });
    const png = await panel.renderImage('png', 1);
    assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
    const [width, height] = [png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)];
    assert.ok(width % 2 === 0 && height % 2 === 0 && width >= 400, `${width} × ${height}`);
    assert.equal(png.title, 'tiny-gpt2 · Layer 1 / 2 · Head 2 / 4');

    const svg = (await panel.renderImage('svg', 2)).bytes.toString('utf8');
    assert.match(svg, /^<\?xml[^>]*>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.doesNotMatch(svg, /<image/, 'vectors, not an embedded bitmap');
    assert.ok(svg.includes('>tiny-gpt2 · Layer 1 / 2 · Head 2 / 4</text>'), 'the title');
    assert.ok(svg.includes('>␣pizza</text>'), 'the token labels');
    assert.ok(svg.includes('linearGradient') && svg.includes('>masked</text>'), 'the legend, with the masked swatch');
    assert.ok((svg.match(/<rect /g) ?? []).length > 12, 'the cells');
    await panel.close();
  });

  it('draws the what-if triplet on What if, and says why when there is nothing to draw', async () => {
    const panel = await harness.openWith(gpt2, DARK_MODERN);
    await panel.page.getByRole('tab', { name: 'What if' }).click();
    const svg = (await panel.renderImage('svg', 3)).bytes.toString('utf8');
    for (const title of ['The model’s attention', 'What if', 'Difference']) assert.ok(svg.includes(`>${title}</text>`), title);
    await panel.close();

    const empty = await harness.open(DARK_MODERN);
    await empty.waitForMessage((m) => m.type === 'ready', 'ready');
    await assert.rejects(empty.renderImage('png', 4), /imageFailed.*no picture yet/);
    await empty.close();
  });
});
