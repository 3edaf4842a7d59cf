// The editor side of a translation without VS Code, on the real tiny-marian-en-fr result: the cursor on a source
// token paints the translated tokens by their column of the cross-attention, the cursor on a translated token
// paints the source by its row (or, in the decoder view, the translation by its causal row), with ranks and hovers
// that name both tokens; and the focusToken messages are validated both ways.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AttentionResult } from '../../shared/attentionResult';
import { parseEditorFromWebview, parseEditorToWebview } from '../../shared/editorProtocol';
import { AttentionEngine } from '../../src/attention/attentionEngine';
import { planTranslationPaint, sideTokens } from '../../src/editor/translationPlan';
import { fixtureDir } from './support';

const SOURCE = 'The pizza came out of the oven.';

describe('translation paint on the tiny Marian result', () => {
  const engine = new AttentionEngine();
  let result: AttentionResult;
  before(async () => {
    result = await engine.run({ text: SOURCE, model: fixtureDir('tiny-marian-en-fr'), maxTokens: 512 });
  });
  after(() => engine.dispose());

  const indexOf = (side: 'source' | 'target', text: string) => {
    const { text: whole, tokens } = sideTokens(result, side);
    const index = tokens.findIndex((t) => whole.slice(t.start, t.end) === text);
    assert.ok(index >= 0, `${text} is a ${side} token`);
    return index;
  };

  it('a source token paints the translated tokens by their cross-attention to it (a column)', () => {
    const t = result.translation!;
    const [s, n] = [result.tokens.length, t.tokens.length];
    const j = indexOf('source', 'pizza');
    const ref = { layer: 1, head: 2 };
    const planned = planTranslationPaint(result, 'cross', ref, { side: 'source', token: j });
    assert.equal(planned?.painted, 'target');
    const keys = planned!.plan.keys;
    assert.equal(keys.length, n);
    const probs = t.cross[1].probs;
    for (const key of keys) assert.equal(key.weight, probs[2 * n * s + key.token * s + j], `translated token ${key.token}`);
    const best = keys.find((k) => k.rank === 1)!;
    assert.ok(keys.every((k) => k.weight <= best.weight));
    assert.match(best.hover, /^L2 H3 · cross-attention · .+ → "pizza" \d\.\d{3} · rank 1 of 9 among the translated tokens reading "pizza"$/);
    assert.equal(planned!.plan.strongest, best.hover.split(' · rank')[0]);
  });

  it('a translated token paints the source tokens it reads (a row that sums to 1)', () => {
    const i = indexOf('target', 'pizza');
    const planned = planTranslationPaint(result, 'cross', { layer: 0, head: 0 }, { side: 'target', token: i });
    assert.equal(planned?.painted, 'source');
    const keys = planned!.plan.keys;
    assert.equal(keys.length, result.tokens.length);
    assert.ok(Math.abs(keys.reduce((sum, k) => sum + k.weight, 0) - 1) < 1e-5);
    assert.ok(keys.every((k) => !k.masked));
    assert.match(keys[0].hover, /^L1 H1 · cross-attention · "pizza" → .+ · rank \d of \d+ in the row of "pizza"$/);
  });

  it('in the decoder view a translated token paints the translation before it; later tokens are masked', () => {
    const i = indexOf('target', 'est');
    const planned = planTranslationPaint(result, 'decoder', { layer: 1, head: 0 }, { side: 'target', token: i });
    assert.equal(planned?.painted, 'target');
    const keys = planned!.plan.keys;
    for (const key of keys) assert.equal(key.masked, key.token > i);
    assert.match(keys[i + 1].hover, /causal model reads only the tokens up to the query/);
    assert.ok(keys[0].hover.startsWith('L2 H1 · decoder · "est" → <pad>'));
    // A source token is only ever linked through the cross-attention, whichever view is on.
    const column = planTranslationPaint(result, 'decoder', { layer: 1, head: 0 }, { side: 'source', token: 1 });
    assert.equal(column?.painted, 'target');
    assert.match(column!.plan.keys[0].hover, /cross-attention/);
  });

  it('a head or token the result does not have plans nothing', () => {
    const t = result.translation!;
    assert.equal(planTranslationPaint(result, 'cross', { layer: t.layers, head: 0 }, { side: 'target', token: 0 }), undefined);
    assert.equal(planTranslationPaint(result, 'cross', { layer: 0, head: t.heads }, { side: 'target', token: 0 }), undefined);
    assert.equal(planTranslationPaint(result, 'cross', { layer: 0, head: 0 }, { side: 'source', token: result.tokens.length }), undefined);
    assert.equal(planTranslationPaint({ ...result, translation: undefined }, 'cross', { layer: 0, head: 0 }, { side: 'target', token: 0 }),
      undefined);
  });
});

describe('focusToken messages', () => {
  it('are accepted with a side and a token, and an optional other token of the cell', () => {
    assert.deepEqual(parseEditorFromWebview({ type: 'focusToken', resultId: 2, side: 'target', token: 3, extra: 1 }),
      { type: 'focusToken', resultId: 2, side: 'target', token: 3 });
    const cell = { type: 'focusToken', resultId: 2, side: 'target', token: 3, also: { side: 'source', token: 0 } };
    assert.deepEqual(parseEditorFromWebview(cell),
      { type: 'focusToken', resultId: 2, side: 'target', token: 3, also: { side: 'source', token: 0 } });
    assert.deepEqual(parseEditorToWebview({ type: 'focusToken', resultId: 2, side: 'source', token: 0 }),
      { type: 'focusToken', resultId: 2, side: 'source', token: 0 });
  });

  it('are rejected when a side, a token or the cell\'s other token does not fit', () => {
    for (const bad of [
      { type: 'focusToken', resultId: 2, side: 'left', token: 3 },
      { type: 'focusToken', resultId: 2, side: 'source', token: -1 },
      { type: 'focusToken', resultId: 2, side: 'source', token: 1, also: { side: 'source' } },
      { type: 'focusToken', resultId: 2, side: 'source', token: 1, also: 'x' },
      { type: 'focusToken', side: 'source', token: 1 },
    ]) {
      assert.equal(parseEditorFromWebview(bad), undefined, JSON.stringify(bad));
    }
    assert.equal(parseEditorToWebview({ type: 'focusToken', resultId: 2, side: 'target', token: 1.5 }), undefined);
  });
});
