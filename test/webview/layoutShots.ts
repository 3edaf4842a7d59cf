// Writes the panel's layout screenshots (the "picture first" check): the panel at the size VS Code gives it in a
// 1440 × 900 and a 1024 × 768 window with the Explorer open and the editor beside it, in the four default themes,
// for the Heatmap, Step by step and All heads tabs, and prints where the first heatmap cell, the card and the grid
// start (CSS pixels from the top of the panel).
//   npm run build && npx tsc -p tsconfig.test.json && node out/test/webview/layoutShots.js [outDir]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AttentionEngine } from '../../src/attention/attentionEngine';
import { embeddedModelDir, packageRoot } from '../../src/model/packageRoot';
import { realFixture } from './fixtures';
import { Harness } from './harness';
import { THEMES } from './themes';

/**
 * The webview's size inside a VS Code window of each size, with the Explorer open and the panel beside the
 * editor (measured in code-server by scripts/test-ui.mjs), and how far below the window's top the webview starts.
 */
export const PANEL_IN_WINDOW = [
  { window: '1440x900', viewport: { width: 546, height: 806 }, top: 70 },
  { window: '1024x768', viewport: { width: 338, height: 674 }, top: 70 },
] as const;

async function main(): Promise<void> {
  const outDir = process.argv[2] ?? path.join(packageRoot(), 'docs', 'screenshots');
  fs.mkdirSync(outDir, { recursive: true });
  const engine = new AttentionEngine();
  const harness = await Harness.launch();
  try {
    const model = fs.existsSync(path.join(embeddedModelDir(), 'config.json')) ? 'embedded' : 'tiny-gpt2';
    const fixture = await realFixture(engine, model, 1);
    for (const size of PANEL_IN_WINDOW) {
      for (const theme of THEMES) {
        const panel = await harness.open(theme, size.viewport, 1);
        await panel.waitForMessage((m) => m.type === 'ready', 'ready');
        await panel.load(fixture, { layer: 0, head: 1 });
        await panel.waitForPaint({ layer: 0, head: 1 });
        const top = await panel.page.evaluate(() => {
          const canvas = document.querySelector<HTMLCanvasElement>('.qkv-heatmap__canvas')!;
          return canvas.getBoundingClientRect().top + Number(canvas.dataset.originY);
        });
        const name = theme.file.replace(/^panel-/, `layout-${size.window}-`);
        await panel.page.screenshot({ path: path.join(outDir, name) });
        console.log(`${size.window} ${theme.name}: first heatmap cell at y = ${top.toFixed(0)} in the panel, ` +
          `${(top + size.top).toFixed(0)} in the window → ${name}`);
        await panel.close();
      }
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
