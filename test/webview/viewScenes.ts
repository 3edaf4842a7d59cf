// Test support (Node): what each learning view's screenshot shows, played through the page as a person would —
// the "Done means" of the learning-views issue on "The pizza came out of the oven and it tasted good.".
import type { HeadRef } from '../../shared/protocol';
import type { Fixture, Panel } from './harness';

export interface Scene {
  /** view-<name>-<theme>.png */
  readonly name: string;
  readonly show: HeadRef;
  play(panel: Panel, fixture: Fixture): Promise<void>;
  /** A last pointer position, after scrolling back to the top. */
  hover?(panel: Panel): Promise<void>;
  /** Crop the page below this element instead of the full page. */
  readonly clip?: string;
}

/** The index of the first token whose display is `display` (" it" shows as "␣it"). */
export function tokenIndex(fixture: Fixture, display: string): number {
  const index = fixture.summary.tokens.findIndex((t) => t.display === display);
  if (index < 0) throw new Error(`no token ${display} in ${fixture.summary.tokens.map((t) => t.display).join(' ')}`);
  return index;
}

export async function openTab(panel: Panel, name: string): Promise<void> {
  await panel.page.getByRole('tab', { name }).click();
}

/** Clicks a token chip in the strip. */
export async function clickToken(panel: Panel, index: number): Promise<void> {
  await panel.page.locator('.qkv-token__pick').nth(index).click();
}

export const VIEW_SCENES: readonly Scene[] = [
  {
    name: 'step',
    show: { layer: 1, head: 2 }, // the embedded model's induction head: " it" → " pizza" is worth following
    async play(panel, fixture) {
      const [it, pizza] = [tokenIndex(fixture, '␣it'), tokenIndex(fixture, '␣pizza')];
      await panel.hoverCell(it, pizza);
      await panel.page.mouse.down();
      await panel.page.mouse.up();
      await panel.page.locator('.qkv-step__check').waitFor();
      await panel.page.evaluate(() => window.scrollTo(0, 0));
    },
    async hover(panel) {
      const bars = panel.page.locator('.qkv-bars__canvas').first();
      const box = await bars.boundingBox();
      if (box) await panel.page.mouse.move(box.x + box.width * 0.35, box.y + box.height / 2);
    },
  },
  {
    name: 'whatif',
    show: { layer: 0, head: 1 },
    async play(panel) {
      await openTab(panel, 'What if');
      await panel.page.getByLabel('Mask', { exact: true }).selectOption('antiCausal');
      await panel.page.locator('.qkv-whatif__reading', { hasText: 'anti-causal' }).waitFor();
    },
  },
  {
    name: 'heads',
    show: { layer: 0, head: 1 },
    async play(panel, fixture) {
      await openTab(panel, 'All heads');
      await clickToken(panel, tokenIndex(fixture, '␣it'));
      await panel.page.getByLabel('H3', { exact: true }).check();
      await panel.page.locator(`.qkv-grid-wrap[data-layers="${fixture.summary.model.layers}"]`).waitFor();
      await panel.page.evaluate(() => window.scrollTo(0, 0));
    },
  },
  {
    name: 'positions',
    show: { layer: 0, head: 0 },
    async play(panel) {
      await openTab(panel, 'Positions');
      await panel.page.locator('.qkv-positions__note', { hasText: 'learns its positions' }).waitFor();
    },
  },
  {
    name: 'shapes',
    show: { layer: 0, head: 1 },
    async play(panel) {
      await panel.page.locator('.qkv-shapes-strip summary').click(); // folded to one line until opened
    },
    async hover(panel) {
      await panel.page.locator('.qkv-shape', { hasText: 'softmax' }).hover();
    },
    clip: '.qkv-heatmap',
  },
];
