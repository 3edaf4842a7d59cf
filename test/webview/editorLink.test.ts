// The webview's side of the editor link, in headless Chromium through the fake host: a new result that brings
// its shown layer paints without asking; the query picked by the editor is taken; chips, heatmap row and column
// labels and cells report the token to reveal; "Run again" on stale text asks the host to re-run.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AttentionEngine } from '../../src/attention/attentionEngine';
import type { FromWebview } from '../../shared/protocol';
import { realFixture } from './fixtures';
import { Harness, type Fixture, type Panel } from './harness';
import { LIGHT_MODERN } from './themes';

const engine = new AttentionEngine();
let harness: Harness;
let gpt2: Fixture;

before(async () => {
  [harness, gpt2] = await Promise.all([Harness.launch(), realFixture(engine, 'tiny-gpt2', 7)]);
});
after(async () => {
  await harness?.close();
  await engine.dispose();
});

/** Layer 0's heads packed as the host packs them (src/panel/layerPayload.ts): probs, then q, k, v, head by head. */
function layerBase64(fixture: Fixture): string {
  const heads = fixture.summary.model.heads;
  const parts = (['probs', 'q', 'k', 'v'] as const).flatMap((kind) => Array.from({ length: heads },
    (_, h) => fixture.heads[`0:${h}`][kind]));
  const out = new Float32Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return Buffer.from(out.buffer).toString('base64');
}

const since = async (panel: Panel, count: number): Promise<FromWebview[]> => (await panel.messages()).slice(count);

describe('webview: the editor link', () => {
  it('paints a result that brings its layer without asking the host for heads', async () => {
    const panel = await harness.open(LIGHT_MODERN);
    await panel.setAutoAnswer(false);
    await panel.page.evaluate(({ summary, layer }) => {
      const bytes = Uint8Array.from(atob(layer), (c) => c.charCodeAt(0));
      window.postMessage({ type: 'summary', summary, show: { layer: 0, head: 1 }, heads: { layer: 0, buffer: bytes.buffer } }, '*');
    }, { summary: gpt2.summary as unknown as Record<string, unknown>, layer: layerBase64(gpt2) });
    await panel.waitForPaint({ layer: 0, head: 1 }, gpt2.summary.resultId);
    const asked = (await panel.messages()).filter((m) => m.type === 'requestHead' ||
      (m.type === 'requestLayerHeads' && m.layers.includes(0)));
    assert.deepEqual(asked, [], 'the shown layer came with the summary');
  });

  it('takes the query the editor picked, and reports clicks on chips, labels and cells as tokens to reveal', async () => {
    const panel = await harness.openWith(gpt2, LIGHT_MODERN);
    await panel.waitForPaint({ layer: 0, head: 0 }, gpt2.summary.resultId);
    const resultId = gpt2.summary.resultId;
    await panel.post({ type: 'pickQuery', resultId, query: 8 });
    await panel.waitForMessage((m) => m.type === 'picked' && m.query === 8, 'picked 8 after the editor picked it');
    assert.equal(await panel.page.locator('.qkv-token.is-picked-query').count(), 1);
    await panel.post({ type: 'pickQuery', resultId: resultId + 1, query: 3 }); // for a result that is not on screen
    const seen = (await panel.messages()).length;

    await panel.page.locator('.qkv-token__pick').nth(4).click();
    await panel.waitForMessage((m) => m.type === 'revealToken' && m.token === 4, 'reveal 4 after its chip was clicked');
    for (const [place, token] of [['row', 2], ['column', 5]] as const) {
      await panel.post({ type: 'clickToken', resultId, token, place });
      await panel.waitForMessage((m) => m.type === 'revealToken' && m.token === token,
        `reveal ${token} after its ${place} label was clicked`);
    }
    const after = await since(panel, seen);
    assert.ok(after.some((m) => m.type === 'picked' && m.query === 2), 'a row label picks the query');
    assert.ok(!after.some((m) => m.type === 'picked' && m.query === 3), 'a pick for another result is ignored');
    assert.deepEqual(panel.errors, []);
  });

  it('shows "Run again" when the text changed, and asks the host to re-run', async () => {
    const panel = await harness.openWith(gpt2, LIGHT_MODERN);
    await panel.post({ type: 'status', status: { state: 'stale', message: 'The text changed in the editor since this run.' } });
    const button = panel.page.locator('.qkv-status__rerun');
    await button.waitFor({ state: 'visible' });
    assert.match(await panel.text('.qkv-status'), /The text changed in the editor since this run\./);
    await button.click();
    await panel.waitForMessage((m) => m.type === 'rerun', 'rerun after the button');
    await panel.post({ type: 'status', status: { state: 'idle' } });
    await button.waitFor({ state: 'hidden' });
  });
});
