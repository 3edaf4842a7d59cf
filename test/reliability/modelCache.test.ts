// The engine worker keeps only the few models used last: an evicted model's onnxruntime session is released.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildFeeds } from '../../src/attention/feeds';
import { ModelCache } from '../../src/attention/modelCache';
import { loadModel, type LoadedModel } from '../../src/model/loadModel';
import { resolveModelFolder } from '../../src/model/modelSource';
import { fixtureDir } from '../unit/support';

const load = (name: string) => () => loadModel(resolveModelFolder(fixtureDir(name)));

async function runs(model: LoadedModel): Promise<boolean> {
  return model.session.run(buildFeeds(model.plan,
    { ids: [1, 2], length: 2, padId: 0, causal: model.config.causal ?? false })).then(() => true, () => false);
}

describe('model cache', () => {
  it('keeps the models used last and releases the least recently used one', async () => {
    const cache = new ModelCache(2);
    const gpt2 = await cache.get('gpt2', load('tiny-gpt2'));
    const bert = await cache.get('bert', load('tiny-bert'));
    assert.equal(await cache.get('gpt2', load('tiny-gpt2')), gpt2, 'a cached model is not loaded again');
    await cache.get('llama', load('tiny-llama')); // bert was used least recently
    assert.equal(cache.size, 2);
    assert.equal(await runs(gpt2), true);
    assert.equal(await runs(bert), false, 'the evicted session was released');
    await cache.clear();
    assert.equal(await runs(gpt2), false);
  });

  it('does not keep a model that failed to load', async () => {
    const cache = new ModelCache(2);
    await assert.rejects(cache.get('broken', () => Promise.reject(new Error('no such model'))));
    assert.equal(cache.size, 0);
  });
});
