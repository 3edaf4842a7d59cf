// Writes the panel's screenshots, from a real result on "The pizza came out of the oven and it tasted good." — of the
// embedded model when it is built (models/config.json), else of the tiny-gpt2 fixture; $QKV_SCREENSHOT_MODEL picks:
//   docs/screenshots/panel-{light,dark,hc-dark,hc-light}.png  the panel in the four default VS Code themes, a cell hovered
//   docs/screenshots/view-<view>-{light,dark}.png              each learning view in Light and Dark Modern
//   docs/screenshots/panel-previous-token-light.png            the head with the highest previous-token score
// $QKV_SCREENSHOT_ONLY=previous-token writes only that one.
// The learning views in the two high-contrast themes go to $QKV_SCREENSHOTS_HC (default: a temporary folder), to be
// looked at, not published.
//   npm run build && npx tsc -p tsconfig.test.json && node out/test/webview/screenshots.js
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AttentionEngine } from '../../src/attention/attentionEngine';
import { embeddedModelDir, packageRoot } from '../../src/model/packageRoot';
import type { HeadRef } from '../../shared/protocol';
import { headStatsOf } from '../../shared/headStats';
import { realFixture } from './fixtures';
import { Harness, type Fixture, type Panel } from './harness';
import { DARK_MODERN, LIGHT_MODERN, THEMES, type Theme } from './themes';
import { VIEW_SCENES, type Scene } from './viewScenes';

const VIEWPORT = { width: 820, height: 860 };
/** Tall enough that hovering a cell needs no scrolling, which would move the cell from under the pointer. */
const PANEL_VIEWPORT = { width: 820, height: 1300 };
const SHOW = { layer: 1, head: 1 };
const HOVER = { row: 9, col: 1 };

async function main(): Promise<void> {
  const outDir = path.join(packageRoot(), 'docs', 'screenshots');
  const hcDir = process.env.QKV_SCREENSHOTS_HC ?? fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-hc-'));
  fs.mkdirSync(outDir, { recursive: true });
  fs.mkdirSync(hcDir, { recursive: true });
  const engine = new AttentionEngine();
  const harness = await Harness.launch();
  try {
    const model = process.env.QKV_SCREENSHOT_MODEL ??
      (fs.existsSync(path.join(embeddedModelDir(), 'config.json')) ? 'embedded' : 'tiny-gpt2');
    console.log(`model: ${model}`);
    const fixture = await realFixture(engine, model, 1);
    const all = process.env.QKV_SCREENSHOT_ONLY !== 'previous-token';
    for (const theme of all ? THEMES : []) {
      const panel = await open(harness, theme, fixture, SHOW, PANEL_VIEWPORT);
      await panel.hoverCell(HOVER.row, HOVER.col);
      await save(panel, path.join(outDir, theme.file), theme, { clip: '.qkv-attention' });
    }
    const previous = previousTokenHead(fixture);
    console.log(`previous-token head: layer ${previous.layer} head ${previous.head}`);
    const prevPanel = await open(harness, LIGHT_MODERN, fixture, previous, PANEL_VIEWPORT);
    await save(prevPanel, path.join(outDir, 'panel-previous-token-light.png'), LIGHT_MODERN, { clip: '.qkv-attention' });
    for (const theme of all ? THEMES : []) {
      const published = theme === LIGHT_MODERN || theme === DARK_MODERN;
      const suffix = theme.file.replace(/^panel-/, '');
      for (const scene of VIEW_SCENES) {
        const panel = await open(harness, theme, fixture, scene.show);
        await scene.play(panel, fixture);
        await panel.page.mouse.move(0, 0).catch(() => undefined);
        if (scene.hover) await scene.hover(panel);
        await save(panel, path.join(published ? outDir : hcDir, `view-${scene.name}-${suffix}`), theme, scene);
      }
    }
  } finally {
    await harness.close();
    await engine.dispose();
  }
}

/** The head whose attention from each token to the one before it is highest on average (shared/headStats). */
function previousTokenHead(fixture: Fixture): HeadRef {
  const n = fixture.summary.tokens.length;
  let best = { layer: 0, head: 0, score: -1 };
  for (const [key, arrays] of Object.entries(fixture.heads)) {
    const score = headStatsOf(arrays.probs, n).previousToken;
    const [layer, head] = key.split(':').map(Number);
    if (score > best.score) best = { layer, head, score };
  }
  return { layer: best.layer, head: best.head };
}

async function open(harness: Harness, theme: Theme, fixture: Fixture, show: { layer: number; head: number },
  viewport = VIEWPORT): Promise<Panel> {
  const panel = await harness.open(theme, viewport, 1);
  await panel.waitForMessage((m) => m.type === 'ready', 'ready');
  await panel.load(fixture, show);
  await panel.waitForPaint(show);
  return panel;
}

async function save(panel: Panel, file: string, theme: Theme, scene?: Pick<Scene, 'clip'>): Promise<void> {
  const clip = scene?.clip ? await panel.page.locator(scene.clip).boundingBox() : null;
  await panel.page.screenshot({ path: file, fullPage: true,
    ...(clip ? { clip: { x: 0, y: 0, width: VIEWPORT.width, height: clip.y + clip.height + 16 } } : {}) });
  if (panel.errors.length) throw new Error(`${theme.name}: ${panel.errors.join('; ')}`);
  console.log(`${theme.name}: ${path.relative(packageRoot(), file)}`);
  await panel.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
