// The learning views' messages from the webview are checked like every other: what does not fit is dropped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFromWebview } from '../../shared/protocol';

describe('learning-view messages from the webview', () => {
  it('requestLayers: ids and a list of layer indices', () => {
    assert.deepEqual(parseFromWebview({ type: 'requestLayers', requestId: 3, resultId: 1, layers: [0, 1, 11] }),
      { type: 'requestLayers', requestId: 3, resultId: 1, layers: [0, 1, 11] });
    for (const layers of [undefined, 'all', [0, -1], [0.5], [0, '1'], Array(2000).fill(0)]) {
      assert.equal(parseFromWebview({ type: 'requestLayers', requestId: 3, resultId: 1, layers }), undefined,
        JSON.stringify(layers)?.slice(0, 40));
    }
    assert.equal(parseFromWebview({ type: 'requestLayers', resultId: 1, layers: [0] }), undefined);
  });

  it('requestPositions: two ids, nothing else kept', () => {
    assert.deepEqual(parseFromWebview({ type: 'requestPositions', requestId: 4, resultId: 2, extra: 'x' }),
      { type: 'requestPositions', requestId: 4, resultId: 2 });
    assert.equal(parseFromWebview({ type: 'requestPositions', requestId: -1, resultId: 2 }), undefined);
  });

  it('stepShown: finite numbers, indices and a short text', () => {
    const good = { type: 'stepShown', resultId: 1, ref: { layer: 0, head: 1 }, query: 8, key: 1, weight: 0.1105, modelWeight: 0.1105,
      text: '0.110515' };
    assert.deepEqual(parseFromWebview(good), good);
    assert.equal(parseFromWebview({ ...good, weight: Number.NaN }), undefined);
    assert.equal(parseFromWebview({ ...good, key: -1 }), undefined);
    assert.equal(parseFromWebview({ ...good, ref: { layer: 0 } }), undefined);
    assert.equal(parseFromWebview({ ...good, text: 5 }), undefined);
    assert.equal((parseFromWebview({ ...good, text: 'x'.repeat(1000) }) as { text: string }).text.length, 200);
  });
});
