// Every message type of shared/protocol.ts, each way: what fits comes back as a fresh object with only its own
// fields, and what does not fit is dropped — the host's check (parseFromWebview) and the webview's (parseToWebview)
// are one file and one style. The saved view (shared/webviewState.ts) keeps what fits of a damaged state.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFromWebview, parseToWebview, type FromWebview, type ToWebview } from '../../shared/protocol';
import { parseWebviewState } from '../../shared/webviewState';
import { MODEL_SETTINGS } from '../../shared/whatIf';

const buffer = (bytes: number) => new ArrayBuffer(bytes);
const ref = { layer: 1, head: 2 };
const summary = {
  resultId: 3, text: 'Hi there', tokens: [{ id: 1, piece: 'Hi', display: 'Hi', start: 0, end: 2, special: false }], stats: [],
  model: { id: 'embedded', architecture: 'gpt2', layers: 2, heads: 4, headDim: 16, hiddenSize: 64, causal: true, maxPositions: 128,
    quantizedScores: false },
};

/** A message that fits, and variants of it that do not. */
interface Case<T> {
  readonly good: T;
  readonly bad: readonly Record<string, unknown>[];
}

const FROM_WEBVIEW: Readonly<Record<string, Case<FromWebview>>> = {
  ready: { good: { type: 'ready' }, bad: [] },
  export: { good: { type: 'export' }, bad: [] },
  exportImage: { good: { type: 'exportImage' }, bad: [] },
  showing: { good: { type: 'showing', ref }, bad: [{ ref: { layer: -1, head: 0 } }, { ref: undefined }] },
  painted: {
    good: { type: 'painted', resultId: 3, ref, tokens: 12, inputMs: 7.5, frameAt: 1_795_000_000_000.5 },
    bad: [{ tokens: 1.5 }, { resultId: 'x' }],
  },
  requestHead: { good: { type: 'requestHead', requestId: 1, resultId: 3, ref }, bad: [{ requestId: -1 }, { ref: { layer: 0 } }] },
  requestLayerHeads: { good: { type: 'requestLayerHeads', requestId: 2, resultId: 3, layers: [0, 1] },
    bad: [{ layers: [0.5] }, { layers: 'all' }] },
  requestLayers: { good: { type: 'requestLayers', requestId: 2, resultId: 3, layers: [1] }, bad: [{ layers: [-1] }] },
  requestPositions: { good: { type: 'requestPositions', requestId: 4, resultId: 3 }, bad: [{ resultId: undefined }] },
  requestTranslationHeads: {
    good: { type: 'requestTranslationHeads', requestId: 7, resultId: 3, kind: 'cross', layer: 1 },
    bad: [{ kind: 'encoder' }, { kind: undefined }, { layer: -1 }, { layer: [0] }],
  },
  kindShown: {
    good: { type: 'kindShown', resultId: 3, kind: 'cross', ref, rows: 9, cols: 7 },
    bad: [{ kind: 'both' }, { rows: -1 }, { ref: undefined }, { cols: 1.5 }],
  },
  stepShown: {
    good: { type: 'stepShown', resultId: 3, ref, query: 1, key: 0, weight: 0.5, modelWeight: 0.5, text: '0.5' },
    bad: [{ weight: Number.POSITIVE_INFINITY }, { text: 3 }],
  },
  image: { good: { type: 'image', requestId: 5, format: 'svg', data: buffer(8), title: 'embedded · L1 H1' },
    bad: [{ format: 'gif' }, { data: 'bytes' }] },
  imageFailed: { good: { type: 'imageFailed', requestId: 5, reason: 'No picture yet.' }, bad: [{ reason: 4 }, { requestId: 0.5 }] },
  picked: { good: { type: 'picked', resultId: 3, query: null }, bad: [{ query: -2 }] },
  revealToken: { good: { type: 'revealToken', resultId: 3, token: 0 }, bad: [{ token: 'x' }] },
  rerun: { good: { type: 'rerun' }, bad: [] },
  focusToken: { good: { type: 'focusToken', resultId: 3, side: 'target', token: 1, also: { side: 'source', token: 0 } },
    bad: [{ side: 'left' }, { token: -1 }, { also: { side: 'source', token: 'x' } }] },
};

const TO_WEBVIEW: Readonly<Record<string, Case<ToWebview>>> = {
  summary: { good: { type: 'summary', summary, show: ref }, bad: [{ summary: { ...summary, tokens: 'Hi' } }, { show: null }] },
  head: {
    good: { type: 'head', requestId: 1, resultId: 3, ref, tensors: { probs: buffer(4), q: buffer(4), k: buffer(4), v: buffer(4) } },
    bad: [{ tensors: { probs: [0.5], q: buffer(4), k: buffer(4), v: buffer(4) } }, { ref: 'L1' }],
  },
  layerHeads: { good: { type: 'layerHeads', requestId: 2, resultId: 3, layer: 0, buffer: buffer(16) },
    bad: [{ buffer: new Float32Array(4) }, { layer: -1 }] },
  translationHeads: {
    good: { type: 'translationHeads', requestId: 7, resultId: 3, kind: 'decoder', layer: 0, buffer: buffer(64) },
    bad: [{ kind: 'encoder' }, { buffer: new Float32Array(16) }, { layer: 'all' }, { resultId: undefined }],
  },
  settings: { good: { type: 'settings', colourScale: 'cividis' }, bad: [{ colourScale: 'rainbow' }] },
  status: { good: { type: 'status', status: { state: 'running', message: 'Running…' } },
    bad: [{ status: { state: 'running' } }, { status: { state: 'sleeping', message: '' } }] },
  show: { good: { type: 'show', ref }, bad: [{ ref: { layer: 0, head: 'x' } }] },
  layer: { good: { type: 'layer', requestId: 2, resultId: 3, layer: 1, probs: buffer(64) }, bad: [{ probs: [1] }] },
  positions: {
    good: { type: 'positions', requestId: 4, resultId: 3, positions: { source: 'wpe', dim: 8, firstRow: 0, data: buffer(32) } },
    bad: [{ positions: { source: 'wpe', dim: -8, firstRow: 0, data: buffer(32) } }, { positions: undefined }],
  },
  renderImage: { good: { type: 'renderImage', requestId: 6, format: 'png' }, bad: [{ format: 'jpeg' }] },
  showKind: { good: { type: 'showKind', kind: 'decoder' }, bad: [{ kind: 'Decoder' }, { kind: undefined }] },
  clickCell: { good: { type: 'clickCell', ref, row: 2, col: 1 }, bad: [{ row: -1 }] },
  pickQuery: { good: { type: 'pickQuery', resultId: 3, query: 2 }, bad: [{ query: 'it' }] },
  clickToken: { good: { type: 'clickToken', resultId: 3, token: 2, place: 'row' }, bad: [{ place: 'corner' }] },
  clickRerun: { good: { type: 'clickRerun' }, bad: [] },
  focusToken: { good: { type: 'focusToken', resultId: 3, side: 'source', token: 2 }, bad: [{ side: 'both' }, { token: 0.5 }] },
};

function check<T extends { type: string }>(cases: Readonly<Record<string, Case<T>>>, parse: (m: unknown) => T | undefined): void {
  for (const [type, { good, bad }] of Object.entries(cases)) {
    it(type, () => {
      assert.equal(good.type, type);
      assert.deepEqual(parse(good), good);
      assert.deepEqual(parse({ ...good, extra: 'dropped' }), good, 'fields outside the protocol are not passed on');
      for (const change of bad) assert.equal(parse({ ...good, ...change }), undefined, JSON.stringify(change));
    });
  }
}

describe('messages from the webview (checked by the host)', () => {
  check(FROM_WEBVIEW, parseFromWebview);
  it('drops what is not a message', () => {
    for (const junk of [null, 7, 'ready', {}, { type: 'format-disk' }]) assert.equal(parseFromWebview(junk), undefined);
  });
});

describe('messages to the webview (checked by the webview)', () => {
  check(TO_WEBVIEW, parseToWebview);
  it('a translator\'s summary carries the translation\'s tokens and decoder size; a damaged one is dropped', () => {
    const translation = { text: 'Salut', stopped: 'end', tokens: summary.tokens, layers: 2, heads: 4, headDim: 16 };
    const good = { type: 'summary', summary: { ...summary, translation }, show: ref };
    assert.deepEqual(parseToWebview(good), good);
    for (const change of [{ tokens: undefined }, { stopped: 'tired' }, { heads: -1 }, { tokens: [{ display: 3 }] }]) {
      assert.equal(parseToWebview({ ...good, summary: { ...summary, translation: { ...translation, ...change } } }), undefined,
        JSON.stringify(change));
    }
  });
  it('drops what is not a message', () => {
    for (const junk of [null, [], { type: 'summary' }, { type: 'head', requestId: 1 }]) assert.equal(parseToWebview(junk), undefined);
  });
});

describe('the saved view', () => {
  it('keeps every field that fits', () => {
    const state = { ref, text: 'Hi', tab: 'whatif', query: 1, key: 0, whatIf: MODEL_SETTINGS, scale: 'unit' };
    assert.deepEqual(parseWebviewState(state), state);
    assert.deepEqual(parseWebviewState({ ...state, model: 'embedded' }), state, 'a saved model is never taken');
  });

  it('keeps what fits of a damaged state, and needs a head', () => {
    assert.deepEqual(parseWebviewState({ ref, tab: 'nowhere', query: -1, whatIf: { scoring: 'magic' }, scale: 2, model: 5 }), { ref });
    assert.deepEqual(parseWebviewState({ ref,
      whatIf: { ...MODEL_SETTINGS, mask: { kind: 'window', size: 3 }, scale: { kind: 'custom', value: 2 } } })?.whatIf,
      { ...MODEL_SETTINGS, mask: { kind: 'window', size: 3 }, scale: { kind: 'custom', value: 2 } });
    for (const junk of [undefined, null, 'state', { tab: 'heatmap' }]) assert.equal(parseWebviewState(junk), undefined);
  });
});
