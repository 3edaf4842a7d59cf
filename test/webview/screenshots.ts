// Writes docs/screenshots/panel-{light,dark,hc-dark,hc-light}.png: the built panel in the four default VS Code
// themes, showing a real tiny-gpt2 result with a cell hovered.
//   npm run build && npx tsc -p tsconfig.test.json && node out/test/webview/screenshots.js
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AttentionEngine } from '../../src/attention/attentionEngine';
import { packageRoot } from '../../src/model/packageRoot';
import { realFixture } from './fixtures';
import { Harness } from './harness';
import { THEMES } from './themes';

const VIEWPORT = { width: 820, height: 860 };
const SHOW = { layer: 1, head: 1 };
const HOVER = { row: 9, col: 1 };

async function main(): Promise<void> {
  const outDir = path.join(packageRoot(), 'docs', 'screenshots');
  fs.mkdirSync(outDir, { recursive: true });
  const engine = new AttentionEngine();
  const harness = await Harness.launch();
  try {
    const fixture = await realFixture(engine, 'tiny-gpt2', 1);
    for (const theme of THEMES) {
      const panel = await harness.open(theme, VIEWPORT, 1);
      await panel.waitForMessage((m) => m.type === 'ready', 'ready');
      await panel.load(fixture, SHOW);
      await panel.waitForPaint(SHOW);
      await panel.hoverCell(HOVER.row, HOVER.col);
      await panel.page.evaluate(() => window.scrollTo(0, 0));
      const file = path.join(outDir, theme.file);
      await panel.page.screenshot({ path: file, fullPage: true });
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
