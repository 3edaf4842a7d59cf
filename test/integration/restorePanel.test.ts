// Runs in the VS Code extension host: a panel restored after a reload takes only a valid head and the text from
// its saved state, which is as untrusted as any webview message; the model is always the qkvScope.model setting.
import * as assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { qkv, testModel } from './support';

async function shownText(text: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while ((await qkv.shown())?.text !== text) {
    if (Date.now() > end) assert.fail(`the restored text was not shown within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('Restoring the panel', () => {
  it('re-runs the saved text with the model of the setting, never the model the state names', async () => {
    const text = 'Restored text, run again.';
    await qkv.restorePanel({ ref: { layer: 1, head: 1 }, text, model: '/somewhere/else/evil-model' });
    await shownText(text);
    const shown = await qkv.shown();
    assert.equal(shown?.model.id, testModel());
    await qkv.waitForPaint({ layer: 1, head: 1 });
  });

  it('ignores state that does not fit, without an error or a run', async () => {
    const before = await qkv.shown();
    for (const state of [null, 42, 'text', { ref: 'L1', text: 7 }, { ref: { layer: -1, head: 1e9 }, text: '   ' }]) {
      await qkv.restorePanel(state);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal((await qkv.shown())?.text, before?.text);
  });
});
