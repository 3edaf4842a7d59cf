// The learning views in Chromium, fed real engine results through the fake host: the step-by-step card (and its
// agreement with the model's own value on every fixture), the what-if lab, the all-heads grid with its statistics
// and head view (and the grid's draw time for 12 × 12 heads at 128 tokens), the Positions view, the shapes strip
// and the tabs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AttentionEngine } from '../../src/attention/attentionEngine';
import { cellSteps } from '../../shared/cellSteps';
import { headFormula } from '../../shared/headFormula';
import type { FromWebview, HeadRef, StepShown } from '../../shared/protocol';
import { MODEL_SETTINGS, topKey, whatIfAttention } from '../../shared/whatIf';
import { LAYOUTS } from '../unit/support';
import { headOf, realFixture, syntheticGridFixture } from './fixtures';
import { Harness, type Fixture, type Panel } from './harness';
import { DARK_MODERN, HIGH_CONTRAST, HIGH_CONTRAST_LIGHT, hexRgb, LIGHT_MODERN, type Theme } from './themes';
import { clickToken, openTab, tokenIndex } from './viewScenes';

const engine = new AttentionEngine();
let harness: Harness;
const fixtures = new Map<string, Fixture>();
let gpt2: Fixture;

before(async () => {
  harness = await Harness.launch();
  let id = 10;
  for (const layout of LAYOUTS) fixtures.set(layout.name, await realFixture(engine, layout.name, id++));
  gpt2 = fixtures.get('tiny-gpt2')!;
});
after(async () => {
  await harness?.close();
  await engine.dispose();
});

const openWith = (fixture: Fixture, theme: Theme = DARK_MODERN, show?: HeadRef): Promise<Panel> => harness.openWith(fixture, theme, show);

const stepShown = (m: FromWebview): m is FromWebview & { type: 'stepShown' } => m.type === 'stepShown';

async function lastStep(panel: Panel, query: number, key: number): Promise<StepShown> {
  const found = await panel.waitForMessage((m) => stepShown(m) && m.query === query && m.key === key, `stepShown ${query}→${key}`);
  return found as StepShown;
}

async function clickHeatmapCell(panel: Panel, row: number, col: number): Promise<void> {
  await panel.hoverCell(row, col);
  await panel.page.mouse.down();
  await panel.page.mouse.up();
}

/** Moves the pointer onto a cell of a MatrixView canvas. */
async function hoverMatrix(panel: Panel, canvas: string, row: number, col: number): Promise<void> {
  await panel.page.locator(canvas).scrollIntoViewIfNeeded();
  const box = await panel.page.locator(canvas).boundingBox();
  const g = await panel.page.locator(canvas).evaluate((c: HTMLCanvasElement) => ({ ...c.dataset }));
  assert.ok(box && g.originX, `${canvas} is not painted`);
  await panel.page.mouse.move(box.x + Number(g.originX) + (col + 0.5) * Number(g.cellW),
    box.y + Number(g.originY) + (row + 0.5) * Number(g.cellH));
}

/** The [r, g, b] at the centre of a MatrixView cell. */
async function matrixPixel(panel: Panel, canvas: string, row: number, col: number): Promise<number[]> {
  return panel.page.locator(canvas).evaluate((c: HTMLCanvasElement, [row, col]) => {
    const { originX, originY, cellW, cellH } = c.dataset;
    const dpr = c.width / Number.parseFloat(c.style.width);
    const x = Math.floor((Number(originX) + (col + 0.5) * Number(cellW)) * dpr);
    const y = Math.floor((Number(originY) + (row + 0.5) * Number(cellH)) * dpr);
    return Array.from(c.getContext('2d')!.getImageData(x, y, 1, 1).data.slice(0, 3));
  }, [row, col]);
}

function near(actual: readonly number[], expected: readonly number[], where: string, tolerance = 2): void {
  assert.ok(actual.every((c, i) => Math.abs(c - expected[i]) <= tolerance), `${where}: pixel ${actual} is not ${expected}`);
}

describe('step-by-step card', () => {
  it('opens from a heatmap click with the model’s own numbers, and its weight equals the heatmap’s', async () => {
    const ref = { layer: 0, head: 1 };
    const panel = await openWith(gpt2, LIGHT_MODERN, ref);
    const [it, pizza] = [tokenIndex(gpt2, '␣it'), tokenIndex(gpt2, '␣pizza')];
    await clickHeatmapCell(panel, it, pizza);
    assert.equal(await panel.page.getByRole('tab', { name: 'Step by step' }).getAttribute('aria-selected'), 'true');
    const step = await lastStep(panel, it, pizza);
    const { probs, q, k } = headOf(gpt2, ref);
    const n = gpt2.summary.tokens.length;
    const d = gpt2.summary.model.headDim;
    // The card uses the model's own formula: the scale its graph holds (float32 1/√8), read into the summary.
    const expected = cellSteps({ q, k, n, d, causal: true, formula: headFormula(gpt2.summary.model, { probs, q, k }, n) }, it, pizza);
    assert.equal(step.weight, expected.weight);
    assert.equal(step.modelWeight, probs[it * n + pizza]);
    assert.ok(Math.abs(step.weight - step.modelWeight) < 1e-5);
    assert.deepEqual(step.ref, ref);

    const card = panel.page.locator('.qkv-step');
    assert.match(await panel.text('.qkv-step__title'), /“␣it” \(query 9\) → “␣pizza” \(key 2\) · Layer 1 \/ 2 · Head 2 \/ 4 · d = 8/);
    assert.match(await panel.text('.qkv-step__item--scale'), new RegExp(`/ √8 = .* / 2\\.8284 = `));
    assert.match(await panel.text('.qkv-step__item--mask'), /^mask\+ 0 \(key 2 is visible to query 9\)/);
    assert.match(await panel.text('.qkv-step__item--denominator'), /over the 9 visible keys of row 9/);
    assert.ok((await panel.text('.qkv-step__item--weight')).endsWith(`= ${expected.weight.toFixed(6)}`));
    assert.match(await panel.text('.qkv-step__check'),
      new RegExp(`Model’s own value: ${probs[it * n + pizza].toFixed(6)} · \\|Δ\\| = .* \\(the same\\)`));
    // The heatmap's readout for the same cell shows the same value.
    assert.equal(expected.weight.toFixed(4), probs[it * n + pizza].toFixed(4));

    // Bars: exact values on hover, from this head's q and k.
    const bars = card.locator('.qkv-bars__canvas').first();
    const box = (await bars.boundingBox())!;
    await panel.page.mouse.move(box.x + box.width * (2.5 / d), box.y + box.height / 2);
    const line = await panel.text('.qkv-step__component');
    assert.ok(line.startsWith('component 3 of 8: q = '), line);
    assert.ok(line.includes(String(Number(q[it * d + 2].toPrecision(6))).replace('-', '−')), `${line} should show q[2] = ${q[it * d + 2]}`);
    assert.ok(line.includes(String(Number(k[pizza * d + 2].toPrecision(6))).replace('-', '−')),
      `${line} should show k[2] = ${k[pizza * d + 2]}`);

    // The output part: top contributors sorted by share, led by the real largest share.
    const rows = await card.locator('.qkv-step__contributors tbody tr').count();
    assert.ok(rows >= 1 && rows <= 5);
    assert.match(await panel.text('.qkv-step__output'), /o_9 = Σ_j w_9,j · v_j: this head’s output for “␣it”, 8 numbers/);
    assert.deepEqual(panel.errors, []);
    assert.deepEqual((await panel.fakeHost()).cspViolations, []);
    await panel.close();
  });

  it('opens from the token strip (query, then key), from its own pickers, and says why a masked cell is 0', async () => {
    const panel = await openWith(gpt2);
    const [it, pizza] = [tokenIndex(gpt2, '␣it'), tokenIndex(gpt2, '␣pizza')];
    await clickToken(panel, it);
    assert.equal(await panel.page.locator('.qkv-token.is-picked-query').textContent(), '␣it');
    await clickToken(panel, pizza);
    assert.equal(await panel.page.locator('.qkv-token.is-picked-key').textContent(), '␣pizza');
    await lastStep(panel, it, pizza);
    assert.equal(await panel.page.getByRole('tab', { name: 'Step by step' }).getAttribute('aria-selected'), 'true');

    await panel.page.getByLabel('Key j').selectOption(String(it + 2)); // a key after the query
    const masked = await lastStep(panel, it, it + 2);
    assert.equal(masked.weight, 0);
    assert.equal(masked.modelWeight, 0);
    assert.match(await panel.text('.qkv-step__item--mask'), /\+ −∞ \(causal: key after query\) = −∞/);
    assert.match(await panel.text('.qkv-step__item--exp'), /exp\(−∞\) = 0/);
    await panel.close();
  });

  for (const layout of LAYOUTS) {
    it(`matches the model’s own value on ${layout.name}, and explains a quantized model’s Δ`, async () => {
      const fixture = fixtures.get(layout.name)!;
      const ref = { layer: 1, head: 2 };
      const panel = await openWith(fixture, DARK_MODERN, ref);
      const n = fixture.summary.tokens.length;
      const { probs } = headOf(fixture, ref);
      for (const [row, col] of [[n - 1, 0], [3, 2], [5, 5]]) {
        await openTab(panel, 'Heatmap');
        await clickHeatmapCell(panel, row, col);
        const step = await lastStep(panel, row, col);
        assert.equal(step.modelWeight, probs[row * n + col]);
        assert.ok(Math.abs(step.weight - step.modelWeight) <= layout.tolerance, `${row}→${col}: ${step.weight} vs ${step.modelWeight}`);
        assert.equal(step.text, step.weight.toFixed(6));
      }
      const check = await panel.text('.qkv-step__check');
      if (layout.name.includes('quantized')) assert.match(check, /8-bit integers \(dynamic quantization\).*why \|Δ\| is visible/);
      else assert.match(check, /The model computed in float32, the card in float64/);
      await panel.close();
    });
  }

  for (const [name, term] of [['tiny-bloom', /^bias\s*\+ ALiBi bias −?\d/], ['tiny-t5', /^bias\s*\+ relative position bias −?\d/], ['tiny-gemma2', /^soft-cap\s*5 · tanh\(/]] as const) {
    it(`names each term of ${name}'s own formula, and its weight is the model's`, async () => {
      const fixture = await realFixture(engine, name, 90);
      const ref = { layer: 1, head: 1 };
      const panel = await openWith(fixture, LIGHT_MODERN, ref);
      const n = fixture.summary.tokens.length;
      await clickHeatmapCell(panel, n - 1, 1);
      const step = await lastStep(panel, n - 1, 1);
      assert.ok(Math.abs(step.weight - step.modelWeight) <= 1e-5, `${step.weight} vs ${step.modelWeight}`);
      const items = await panel.page.locator('.qkv-step__item').allInnerTexts();
      assert.ok(items.some((text) => term.test(text)), items.join(' | '));
      if (name === 'tiny-t5') assert.ok(items.some((text) => /q·k × scale 1 =/.test(text)), items.join(' | '));
      if (process.env.QKV_FORMULA_SHOTS) await panel.page.screenshot({ path: `${process.env.QKV_FORMULA_SHOTS}/step-${name}.png`,
        fullPage: true });
      await panel.close();
    });
  }

  it('a clickCell from the host clicks the heatmap and reports the card', async () => {
    const panel = await openWith(gpt2);
    await openTab(panel, 'Positions');
    await panel.post({ type: 'clickCell', ref: { layer: 1, head: 3 }, row: 8, col: 1 });
    const step = await lastStep(panel, 8, 1);
    assert.deepEqual(step.ref, { layer: 1, head: 3 });
    assert.equal(step.modelWeight, headOf(gpt2, { layer: 1, head: 3 }).probs[8 * gpt2.summary.tokens.length + 1]);
    assert.equal(await panel.text('.qkv-position'), 'Layer 2 / 2 · Head 4 / 4');
    await panel.close();
  });
});

describe('what-if lab', () => {
  it('anti-causal: the reading says what changed, the lower left is empty, and the output change is stated', async () => {
    const ref = { layer: 0, head: 1 };
    const panel = await openWith(gpt2, LIGHT_MODERN, ref);
    await openTab(panel, 'What if');
    assert.match(await panel.text('.qkv-whatif__honest'), /recomputes one head in isolation.*does not re-run the network/);
    assert.match(await panel.text('.qkv-whatif__reading'), /^The model’s own formula: this reproduces its attention \(largest difference \d\.\de-\d+\)\.$/);
    await panel.page.getByLabel('Mask', { exact: true }).selectOption('antiCausal');
    const reading = panel.page.locator('.qkv-whatif__reading', { hasText: 'anti-causal' });
    await reading.waitFor();
    assert.match(await reading.textContent() ?? '',
      /^anti-causal: each token can now only see itself and the tokens after it; the last token attends only to itself \(weight 1\.00\)\. Effect: .*the strongest key changed for \d+ of 12 tokens/);
    assert.match(await panel.text('.qkv-whatif__change'), /^Output of this head: mean ‖Δo_i‖ = [\d.]+ \(\d+% of the mean ‖o_i‖, [\d.]+\); largest for “.+”: [\d.]+\.$/);

    // The what-if matrix: exactly the shared math; its lower left is the background.
    const { q, k, probs } = headOf(gpt2, ref);
    const n = gpt2.summary.tokens.length;
    const ours = whatIfAttention({ q, k, n, d: 8, causal: true }, { ...MODEL_SETTINGS, mask: { kind: 'antiCausal' } });
    near(await matrixPixel(panel, '.qkv-whatif__variant canvas', 5, 2), hexRgb(LIGHT_MODERN.vars['--vscode-editor-background']),
      'masked lower left');
    await hoverMatrix(panel, '.qkv-whatif__variant canvas', 2, 5);
    assert.match(await panel.text('.qkv-whatif__variant .qkv-matrix__readout'),
      new RegExp(`weight ${ours[2 * n + 5].toFixed(4)} \\(model ${probs[2 * n + 5].toFixed(4)}, what-if ${ours[2 * n + 5].toFixed(4)}\\)`));
    await hoverMatrix(panel, '.qkv-whatif__difference canvas', 2, 5);
    assert.match(await panel.text('.qkv-whatif__difference .qkv-matrix__readout'),
      new RegExp(`change ${(ours[2 * n + 5] - probs[2 * n + 5]).toFixed(4)}`));

    await panel.page.getByRole('button', { name: 'Back to the model’s formula' }).click();
    await panel.page.locator('.qkv-whatif__reading', { hasText: 'The model’s own formula' }).waitFor();
    assert.deepEqual(panel.errors, []);
    await panel.close();
  });

  it('scoring, scale and temperature each get their reading; the slider’s arrows move the slider, not the head', async () => {
    const panel = await openWith(gpt2);
    await openTab(panel, 'What if');
    await panel.page.getByLabel('Scoring').selectOption('squaredDot');
    await panel.page.locator('.qkv-whatif__reading', { hasText: 'squared dot product (sign kept)' }).waitFor();
    await panel.page.getByLabel('Scoring').selectOption('cosine');
    await panel.page.locator('.qkv-whatif__reading', { hasText: 'cosine similarity' }).waitFor();
    await panel.page.getByLabel('Scale', { exact: true }).selectOption('custom');
    await panel.page.getByLabel('Custom scale').fill('2');
    await panel.page.getByLabel('Custom scale').press('Enter');
    await panel.page.locator('.qkv-whatif__reading', { hasText: 'scale 2 instead of 1/√8' }).waitFor();
    const slider = panel.page.getByLabel('Softmax temperature');
    await slider.focus();
    await panel.page.keyboard.press('ArrowRight');
    await panel.page.locator('.qkv-whatif__reading', { hasText: 'temperature 1.1' }).waitFor();
    assert.equal(await panel.text('.qkv-position'), 'Layer 1 / 2 · Head 1 / 4', 'the arrow key switched heads');
    await panel.page.getByLabel('Mask', { exact: true }).selectOption('window');
    await panel.page.locator('.qkv-whatif__reading',
      { hasText: 'window of 3: each token sees only keys fewer than 3 positions away and not after it' }).waitFor();
    assert.deepEqual(panel.errors, []);
    await panel.close();
  });
});

describe('all heads', () => {
  it('asks for every layer at once, draws every head and the layer aggregates, and a click selects a head', async () => {
    const panel = await openWith(gpt2);
    await openTab(panel, 'All heads');
    const request = await panel.waitForMessage((m) => m.type === 'requestLayers', 'requestLayers');
    assert.deepEqual(request.type === 'requestLayers' && request.layers, [0, 1]);
    await panel.page.locator('.qkv-grid-wrap[data-layers="2"]').waitFor();
    assert.equal(await panel.page.locator('button.qkv-thumb').count(), 8);
    assert.equal(await panel.page.locator('.qkv-thumb--aggregate').count(), 4);
    assert.equal(await panel.page.locator('button.qkv-thumb.is-selected').getAttribute('aria-label'),
      `Layer 1 / 2 · Head 1 / 4: entropy ${gpt2.summary.stats[0][0].entropy.toFixed(2)}, ` +
      `previous token ${gpt2.summary.stats[0][0].previousToken.toFixed(2)}, ` +
      `first token ${gpt2.summary.stats[0][0].firstToken.toFixed(2)}, self ${gpt2.summary.stats[0][0].self.toFixed(2)}`);
    await panel.clearMessages();
    await panel.page.locator('button.qkv-thumb[data-ref="1:2"]').click();
    assert.equal(await panel.text('.qkv-position'), 'Layer 2 / 2 · Head 3 / 4');
    await panel.waitForPaint({ layer: 1, head: 2 }); // from the layers held ahead of time: no request
    assert.equal(await panel.page.locator('button.qkv-thumb[data-ref="1:2"]').getAttribute('aria-pressed'), 'true');
    // Leaving and coming back asks for nothing again.
    await openTab(panel, 'Heatmap');
    await openTab(panel, 'All heads');
    assert.deepEqual((await panel.messages()).filter((m) => m.type === 'requestLayers'), []);
    await panel.close();
  });

  it('clicking “␣it” highlights its row in every head, and the head view follows it', async () => {
    const ref = { layer: 0, head: 2 };
    const panel = await openWith(gpt2, LIGHT_MODERN, ref);
    await openTab(panel, 'All heads');
    await panel.page.locator('.qkv-grid-wrap[data-layers="2"]').waitFor();
    const it = tokenIndex(gpt2, '␣it');
    await clickToken(panel, it);
    assert.match(await panel.text('.qkv-heads'), /Row of ␣it \(token 9\) highlighted in every head/);
    const { probs } = headOf(gpt2, ref);
    const n = gpt2.summary.tokens.length;
    const best = topKey(probs, n, it);
    assert.equal(await panel.text('.qkv-arcs__legend'),
      `␣it attends most to ${gpt2.summary.tokens[best].display} (${probs[it * n + best].toFixed(3)}) in the current head.`);
    // A dimmed row is closer to the background than the picked row's cells of the same value would be: the picked
    // row of every thumbnail is drawn at full strength.
    const [picked,
      dimmed] = await panel.page.locator('button.qkv-thumb[data-ref="0:2"] canvas').evaluate((c: HTMLCanvasElement, [row, n]) => {
      const ctx = c.getContext('2d')!;
      const size = c.width;
      const at = (r: number) => Array.from(ctx.getImageData(Math.floor(size * 0.05), Math.floor(((r + 0.5) / n) * size), 1, 1).data.slice(0,
        3));
      return [at(row), at(row + 1)];
    }, [it, n]);
    const white = [255, 255, 255];
    const distance = (p: number[]) => p.reduce((s, c, i) => s + Math.abs(c - white[i]), 0);
    assert.ok(distance(picked) > distance(dimmed), `picked row ${picked} should be stronger than a dimmed row ${dimmed}`);
    await panel.page.getByLabel('H1', { exact: true }).check();
    await panel.page.getByLabel('H1', { exact: true }).isChecked();
    assert.deepEqual(panel.errors, []);
    await panel.close();
  });

  it('sorts the per-head statistics by any column', async () => {
    const panel = await openWith(gpt2);
    await openTab(panel, 'All heads');
    const header = panel.page.locator('.qkv-stats-table th', { hasText: 'previous token' });
    await header.getByRole('button').click();
    assert.equal(await header.getAttribute('aria-sort'), 'descending');
    const values = (await panel.page.locator('.qkv-stats-table tbody tr td:nth-of-type(2)').allTextContents()).map(Number);
    assert.deepEqual(values, [...values].sort((a, b) => b - a));
    assert.equal(values.length, 8);
    await header.getByRole('button').click();
    assert.equal(await header.getAttribute('aria-sort'), 'ascending');
    await panel.page.locator('.qkv-stats-table tbody tr').first().getByRole('button').click();
    await panel.page.locator('button.qkv-thumb.is-selected').waitFor();
    await panel.close();
  });

  it('draws 12 × 12 heads at 128 tokens, and reports how long a redraw took', async () => {
    const big = syntheticGridFixture(128, 40);
    const panel = await harness.open(DARK_MODERN);
    await panel.waitForMessage((m) => m.type === 'ready', 'ready');
    await panel.load(big);
    await panel.waitForPaint({ layer: 0, head: 0 }, 40);
    await openTab(panel, 'All heads');
    await panel.page.locator('.qkv-grid-wrap[data-layers="12"]').waitFor({ timeout: 20_000 });
    assert.equal(await panel.page.locator('button.qkv-thumb').count(), 144);
    // Redraw with every layer present (a token pick redraws the whole grid) and take the best of three.
    const times: number[] = [];
    for (const token of [5, 60, 127]) {
      await clickToken(panel, token);
      await panel.page.locator('.qkv-heads', { hasText: `(token ${token + 1}) highlighted` }).waitFor();
      times.push(Number(await panel.page.locator('.qkv-grid-wrap').getAttribute('data-draw-ms')));
    }
    console.log(`  grid draw, 12 × 12 heads at 128 tokens: ${times.map((t) => `${t.toFixed(1)} ms`).join(', ')}`);
    // Speed is measured in bench/, not asserted here: a shared machine makes wall-clock limits flaky.
    assert.ok(times.every((t) => Number.isFinite(t) && t > 0), `grid draw times: ${times.join(', ')}`);
    assert.deepEqual(panel.errors, []);
    await panel.close();
  });
});

describe('positions', () => {
  it('shows the sinusoidal reference next to the learned position embeddings read from the weights', async () => {
    const panel = await openWith(gpt2);
    await openTab(panel, 'Positions');
    await panel.waitForMessage((m) => m.type === 'requestPositions', 'requestPositions');
    const note = panel.page.locator('.qkv-positions__note', { hasText: 'learns its positions' });
    await note.waitFor();
    assert.equal(await note.textContent(),
      'tiny-gpt2 learns its positions: rows 0…11 of transformer.wpe.weight [32 wide], added to the token embeddings before layer 1.');
    const { data, dim } = gpt2.positions!;
    await hoverMatrix(panel, '.qkv-positions__learned canvas', 3, 5);
    assert.equal(await panel.text('.qkv-positions__learned .qkv-matrix__readout'),
      `Learned: position 3 (${gpt2.summary.tokens[3].display}), dimension 5: ${data[3 * dim + 5].toFixed(4).replace('-', '−')}`);
    await hoverMatrix(panel, '.qkv-positions__sin canvas', 2, 1);
    assert.equal(await panel.text('.qkv-positions__sin .qkv-matrix__readout'),
      `Sinusoidal: position 2 (${gpt2.summary.tokens[2].display}), dimension 1: ${Math.cos(2).toFixed(4).replace('-', '−')}`);
    await hoverMatrix(panel, '.qkv-positions__sin-sim canvas', 4, 4);
    assert.match(await panel.text('.qkv-positions__sin-sim .qkv-matrix__readout'), /= 1\.0000$/);
    assert.deepEqual(panel.errors, []);
    await panel.close();
  });

  it('names the table rows a RoBERTa-style model really uses (after the padding index)', async () => {
    const roberta = fixtures.get('tiny-roberta');
    if (!roberta) return; // the fixture set without RoBERTa
    const panel = await openWith(roberta);
    await openTab(panel, 'Positions');
    const n = roberta.summary.tokens.length;
    await panel.page.locator('.qkv-positions__note',
      { hasText: `rows 2…${n + 1} of embeddings.position_embeddings.weight [32 wide] (positions 0…${n - 1}: this model’s positions start ` +
        `after the padding index)` }).waitFor();
    await panel.close();
  });

  it('says so when the model has no position table, and still shows the sinusoidal reference', async () => {
    const panel = await openWith(fixtures.get('tiny-sdpa')!);
    await openTab(panel, 'Positions');
    await panel.page.locator('.qkv-positions__note', { hasText: 'has no learned position-embedding table' }).waitFor();
    assert.ok(await panel.page.locator('.qkv-positions__sin canvas').isVisible());
    assert.equal(await panel.page.locator('.qkv-positions__learned').isVisible(), false);
    await panel.close();
  });
});

describe('shapes strip and tabs', () => {
  it('shows the real shapes, and hovering a stage lights the matching views', async () => {
    const panel = await openWith(gpt2);
    assert.equal(await panel.page.locator('.qkv-shapes').isVisible(), false, 'the strip starts folded to one line');
    await panel.page.locator('.qkv-shapes-strip summary').click();
    const strip = await panel.text('.qkv-shapes');
    for (const shape of ['X[12 × 32]', 'W_Q[32 × 32]', 'Q = X·W_Q[12 × 32]', 'split[4 × 12 × 8]', 'QKᵀ/√d[4 × 12 × 12]',
      'softmax[4 × 12 × 12]', '·V[4 × 12 × 8]', 'concat[12 × 32]', 'W_O[32 × 32]']) {
      assert.ok(strip.includes(shape), `${shape} is not in ${strip}`);
    }
    await panel.page.locator('.qkv-shape', { hasText: 'softmax' }).hover();
    assert.ok(await panel.page.locator('.qkv-attention.is-stage-lit').isVisible());
    assert.match(await panel.text('.qkv-shapes__caption'), /^softmax \[4 × 12 × 12\]: each row turned into weights that sum to 1/);
    await panel.page.locator('.qkv-shape', { hasText: 'X[12' }).hover();
    assert.equal(await panel.page.locator('.qkv-token-strip.is-stage-lit').count(), 1);
    assert.equal(await panel.page.locator('.qkv-attention.is-stage-lit').count(), 0);
    await panel.page.mouse.move(1, 1);
    assert.equal(await panel.page.locator('.is-stage-lit').count(), 0);
    await panel.close();
  });

  it('moves between tabs with the arrow keys without switching heads, and works in both high-contrast themes', async () => {
    const panel = await openWith(gpt2, HIGH_CONTRAST);
    await panel.page.getByRole('tab', { name: 'Heatmap' }).focus();
    await panel.page.keyboard.press('ArrowRight');
    assert.equal(await panel.page.getByRole('tab', { name: 'Step by step' }).getAttribute('aria-selected'), 'true');
    assert.equal(await panel.text('.qkv-position'), 'Layer 1 / 2 · Head 1 / 4');
    await panel.page.keyboard.press('End');
    assert.equal(await panel.page.getByRole('tab', { name: 'Positions' }).getAttribute('aria-selected'), 'true');
    assert.ok(await panel.page.locator('#qkv-panel-positions').isVisible());
    assert.equal(await panel.page.locator('#qkv-panel-heatmap').isVisible(), false);
    for (const theme of [HIGH_CONTRAST, HIGH_CONTRAST_LIGHT]) {
      await panel.setTheme(theme);
      for (const tab of ['What if', 'All heads', 'Positions']) await openTab(panel, tab);
    }
    near(await matrixPixel(panel, '.qkv-positions__sin canvas', 0, 0), hexRgb(HIGH_CONTRAST_LIGHT.vars['--vscode-editor-background']),
      'sin(0) = 0 is the background');
    assert.deepEqual(panel.errors, []);
    assert.deepEqual((await panel.fakeHost()).cspViolations, []);
    await panel.close();
  });
});
