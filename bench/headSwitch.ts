// Benchmark: switching heads as a person sees it, measured inside the webview — from the keydown to the animation
// frame that shows the new head (performance.now() in requestAnimationFrame, webview/inputTiming.ts), reported by the
// webview in its `painted` message. The built webview runs in headless Chromium (test/webview/harness.ts) on a
// 12-head, d_head 64 result at 32, 128 and 512 tokens; its fake host answers as src/panel does, so each layer's heads
// arrive ahead of time as one buffer. Two panel sizes: beside the editor in a 1440 × 900 window, and a full window.
// Prints medians and maxima of one run. Run: npm run bench:webview
import { syntheticHeadsFixture } from '../test/webview/fixtures';
import { Harness, type Panel } from '../test/webview/harness';
import { DARK_MODERN } from '../test/webview/themes';

const HEADS = 12;
const SIZES = [
  { name: 'beside the editor, 546 × 806', viewport: { width: 546, height: 806 } },
  { name: 'full window, 1440 × 900', viewport: { width: 1440, height: 900 } },
];
const TARGETS: Readonly<Record<number, number>> = { 128: 16, 512: 50 };
/** Before this change, through the extension host (npm run bench:vscode, new head): 32 / 128 / 512 tokens. */
const BEFORE: Readonly<Record<number, number>> = { 32: 35, 128: 41, 512: 103 };

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Presses ArrowRight and waits for the webview's paint of `head`; returns its key → frame milliseconds. */
async function switchTo(panel: Panel, head: number): Promise<number> {
  await panel.clearMessages();
  await panel.page.keyboard.press('ArrowRight');
  const painted = await panel.waitForMessage((m) => m.type === 'painted' && m.ref.head === head && m.inputMs !== undefined,
    `paint of head ${head}`, 20_000);
  if (painted.type !== 'painted' || painted.inputMs === undefined) throw new Error('no timing');
  return painted.inputMs;
}

async function main(): Promise<void> {
  const harness = await Harness.launch();
  try {
    for (const size of SIZES) {
      for (const n of [32, 128, 512]) {
        const fixture = syntheticHeadsFixture(n, 2, n);
        const panel = await harness.open(DARK_MODERN, size.viewport, 1);
        await panel.waitForMessage((m) => m.type === 'ready', 'ready');
        await panel.load(fixture);
        await panel.waitForMessage((m) => m.type === 'painted' && m.ref.head === 0, 'first paint', 60_000);
        await panel.waitForMessage((m) => m.type === 'requestLayerHeads', 'requestLayerHeads');
        await panel.page.waitForTimeout(3000); // the layers' buffers arrive and are unpacked
        await panel.page.locator('.qkv-position').click(); // focus the page, on something that is not a control
        const first: number[] = [];
        const again: number[] = [];
        for (let k = 1; k <= HEADS; k++) first.push(await switchTo(panel, k % HEADS));
        for (let k = 1; k <= HEADS; k++) again.push(await switchTo(panel, k % HEADS));
        const requests = (await panel.messages()).filter((m) => m.type === 'requestHead').length;
        if (panel.errors.length) throw new Error(panel.errors.join('; '));
        const target = TARGETS[n] ? `target ≤ ${TARGETS[n]} ms` : 'no target';
        console.log(`BENCH in-webview head switch, ${HEADS} heads, ${n} tokens, ${size.name}: key → frame ${median(first).toFixed(1)} ms ` +
          `median (max ${Math.max(...first).toFixed(1)}) on first visits, ${median(again).toFixed(1)} ms on return visits; ` +
          `${target}; before: ${BEFORE[n]} ms through the host; requests to the host while switching: ${requests}`);
        await panel.close();
      }
    }
  } finally {
    await harness.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
