// Runs in the VS Code extension host: qkvScope.model set to a hub id, qkvScope.hubEndpoint pointed at a local
// server in the Hub's URL layout. Show Attention downloads the model into the extension's storage and the panel
// paints its attention; with downloads off, an uncached model is refused by file name.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import { repoFromFolder, startHubServer, type HubServer } from '../unit/hubServer';
import { PIZZA, PIZZA_TOKENS, openSample, qkv, select, setSetting, showAttentionFor, testModel } from './support';

describe('hub models', () => {
  let server: HubServer;
  before(async () => {
    // testModel() is the tiny-gpt2 fixture: served as "Xenova/gpt2", in that repository's layout.
    server = await startHubServer({
      'Xenova/gpt2': repoFromFolder(testModel(), { 'onnx/decoder_model_merged.onnx': path.join(testModel(), 'onnx', 'model.onnx') }),
    });
    await setSetting('hubEndpoint', server.endpoint);
  });
  after(async () => {
    await qkv.deleteCachedModel('Xenova/gpt2');
    for (const key of ['hubEndpoint', 'allowRemoteModels'] as const) await setSetting(key, undefined);
    await setSetting('model', testModel());
    await server.close();
  });

  it('downloads the model set in qkvScope.model, and the panel paints its attention', async () => {
    await setSetting('model', 'Xenova/gpt2');
    const outcome = await showAttentionFor(PIZZA);
    assert.deepEqual(outcome, { model: 'Xenova/gpt2', tokens: PIZZA_TOKENS, layers: outcome.layers, heads: outcome.heads });
    assert.ok(server.requests.some((r) => r === '/Xenova/gpt2/resolve/main/onnx/model.onnx'), server.requests.join('\n'));
    const painted = await qkv.waitForPaint();
    assert.equal(painted.tokens, PIZZA_TOKENS);
    assert.equal((await qkv.shown())?.model.id, 'Xenova/gpt2');
  });

  it('runs it again from the cache, with downloads off and no request', async () => {
    await setSetting('allowRemoteModels', false);
    const requests = server.requests.length;
    select(await openSample(), PIZZA);
    assert.ok(await qkv.showAttention());
    assert.equal(server.requests.length, requests);
  });

  it('with downloads off, refuses a model that is not cached, and the panel keeps its result', async () => {
    const before = await qkv.shown();
    await setSetting('model', 'Xenova/distilgpt2');
    select(await openSample(), PIZZA);
    assert.equal(await qkv.showAttention(), undefined);
    assert.deepEqual(await qkv.shown(), before);
  });

  it('Delete Cached Model removes a downloaded model', async () => {
    assert.equal(await qkv.deleteCachedModel('Xenova/gpt2'), 'Xenova/gpt2');
    assert.equal(await qkv.deleteCachedModel('Xenova/gpt2'), undefined);
  });
});
