// Writes the cross-attention screenshots, from the real tiny-marian-en-fr result on "The pizza came out of the oven.":
//   docs/screenshots/view-cross-{light,dark,hc-dark,hc-light}.png  Cross chosen, a cell clicked (its arithmetic
//     below), the translated token "four" framed as the editor cursor frames it, another cell hovered;
//   docs/screenshots/view-cross-heads-{light,dark}.png  All heads of the cross-attention;
// at 1440 × 900, in the four themes.
//   npm run build && npx tsc -p tsconfig.test.json && node out/test/webview/translationShots.js
import * as path from 'node:path';
import { AttentionEngine } from '../../src/attention/attentionEngine';
import { packageRoot } from '../../src/model/packageRoot';
import { fixtureDir } from '../unit/support';
import { realFixture } from './fixtures';
import { Harness } from './harness';
import { DARK_MODERN, LIGHT_MODERN, THEMES } from './themes';
import { answerKind, clickTranslationCell, hoverTranslationCell } from './translationHost';

const SOURCE = 'The pizza came out of the oven.';
const SHOW = { layer: 1, head: 0 };

async function main(): Promise<void> {
  const engine = new AttentionEngine();
  const harness = await Harness.launch();
  try {
    const [fixture, result] = await Promise.all([
      realFixture(engine, 'tiny-marian-en-fr', 1, SOURCE),
      engine.run({ text: SOURCE, model: fixtureDir('tiny-marian-en-fr'), maxTokens: 512 }),
    ]);
    for (const theme of THEMES) {
      const panel = await harness.open(theme, { width: 1440, height: 900 }, 1);
      await panel.waitForMessage((m) => m.type === 'ready', 'ready');
      await panel.load(fixture, SHOW);
      await panel.waitForPaint(SHOW);
      await panel.page.locator('[data-kind="cross"]').click();
      await answerKind(panel, result, fixture.summary.resultId, 'cross');
      await clickTranslationCell(panel, 2, 1);
      await panel.post({ type: 'focusToken', resultId: fixture.summary.resultId, side: 'target', token: 6 });
      await hoverTranslationCell(panel, 6, 6);
      const name = theme.file.replace(/^panel-/, '');
      const file = path.join(packageRoot(), 'docs', 'screenshots', `view-cross-${name}`);
      await panel.page.screenshot({ path: file });
      if ([LIGHT_MODERN, DARK_MODERN].includes(theme)) {
        await panel.page.locator('#qkv-tab-heads').click();
        await answerKind(panel, result, fixture.summary.resultId, 'cross', 0);
        await panel.page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.qkv-translation__thumb-button')]
          .every((b) => b.dataset.drawn === 'true'));
        await panel.page.screenshot({ path: path.join(packageRoot(), 'docs', 'screenshots', `view-cross-heads-${name}`) });
      }
      if (panel.errors.length) throw new Error(`${theme.name}: ${panel.errors.join('; ')}`);
      console.log(`${theme.name}: ${path.relative(packageRoot(), file)}`);
      await panel.close();
    }
  } finally {
    await harness.close();
    await engine.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
