// The editor side of a result without VS Code: which token a cursor or selection is on (UTF-16 offsets through
// emoji, CJK and combining marks, on the real tokenizers), how the analysed range follows edits, what the paint
// shows for a query (weights, steps, ranks, causal mask, hover words), and the link messages' validators.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AutoTokenizer } from '@huggingface/transformers';
import type { Token } from '../../shared/attentionResult';
import { headSlice } from '../../shared/attentionResult';
import { parseEditorFromWebview, parseEditorToWebview } from '../../shared/editorProtocol';
import { parseFromWebview } from '../../shared/protocol';
import { AttentionEngine } from '../../src/attention/attentionEngine';
import { alignTokens } from '../../src/attention/tokenOffsets';
import { followChanges } from '../../src/editor/followEdits';
import { PAINT_STEPS, planPaint, stepOf } from '../../src/editor/paintPlan';
import { queryOfSelection, tokenAtCursor } from '../../src/editor/tokenAtOffset';
import { tokenizerVocabulary } from '../../src/model/tokenizerVocabulary';
import { fixtureDir, PIZZA } from './support';

/** Emoji (one a ZWJ sequence), CJK and combining marks, between plain words. */
const MIXED = 'I ate 🍕 with 👩‍👩‍👧 in 東京 at the cafe\u0301 — nai\u0308ve!';

async function tokensOf(model: string, text: string): Promise<Token[]> {
  const tokenizer = await AutoTokenizer.from_pretrained(fixtureDir(model), { local_files_only: true });
  return alignTokens(text, tokenizer.encode(text), tokenizerVocabulary(tokenizer));
}

for (const model of ['tiny-gpt2', 'tiny-bert']) {
  describe(`cursor ↔ token on ${model}, through emoji, CJK and combining marks`, () => {
    let tokens: Token[];
    before(async () => {
      tokens = await tokensOf(model, MIXED);
    });

    it("a token's own range selected picks that token (or the one it shares a split character with)", () => {
      for (const [index, token] of tokens.entries()) {
        if (token.start === token.end) continue;
        const picked = queryOfSelection(tokens, token.start, token.end);
        assert.ok(picked !== undefined, `token ${index} ${token.display} [${token.start}, ${token.end}) picks nothing`);
        assert.equal(tokens[picked].start, token.start, `token ${index} ${token.display}: picked ${tokens[picked].display}`);
      }
    });

    it('every cursor offset inside the text lands on a token whose range holds it', () => {
      for (let offset = 0; offset <= MIXED.length; offset++) {
        const index = tokenAtCursor(tokens, offset);
        if (index === undefined) {
          // Only where no token covers the text (BERT drops spaces): a gap between tokens.
          assert.ok(tokens.every((t) => !(t.start < offset && offset <= t.end) && !(t.start <= offset && offset < t.end)),
            `offset ${offset}`);
          continue;
        }
        const t = tokens[index];
        assert.ok(t.start <= offset && offset <= t.end, `offset ${offset} → ${t.display} [${t.start}, ${t.end})`);
        // Never inside a surrogate pair's halves' gap: the range ends on character boundaries.
        assert.ok(!/[\uDC00-\uDFFF]/.test(MIXED[t.start] ?? ''), `${t.display} starts inside a surrogate pair`);
      }
    });

    it('the cursor just after a word picks that word; a multi-token selection picks nothing', () => {
      const ate = MIXED.indexOf('ate') + 3;
      const left = tokens[tokenAtCursor(tokens, ate)!];
      assert.ok(left.start < ate && ate <= left.end, `"ate|" is on ${left.display}`);
      assert.equal(queryOfSelection(tokens, 0, MIXED.length), undefined);
    });
  });
}

describe('the analysed range follows edits', () => {
  const range = { start: 10, end: 20 };
  const insert = (at: number, text: string) => ({ rangeOffset: at, rangeLength: 0, text });

  it('moves with text typed or deleted before it, and ignores text after it', () => {
    assert.deepEqual(followChanges(range, [insert(0, 'abc')], false), { range: { start: 13, end: 23 }, inside: false });
    assert.deepEqual(followChanges(range, [{ rangeOffset: 2, rangeLength: 8, text: '' }], false),
      { range: { start: 2, end: 12 }, inside: false });
    assert.deepEqual(followChanges(range, [insert(25, 'x')], false), { range, inside: false });
  });

  it('typing right at either end is outside, unless live update grows the range', () => {
    assert.deepEqual(followChanges(range, [insert(10, 'x')], false), { range: { start: 11, end: 21 }, inside: false });
    assert.deepEqual(followChanges(range, [insert(20, 'x')], false), { range, inside: false });
    assert.deepEqual(followChanges(range, [insert(20, 'xy')], true), { range: { start: 10, end: 22 }, inside: true });
  });

  it('an edit inside marks it touched and the range takes in the new text; several changes apply in order', () => {
    assert.deepEqual(followChanges(range, [{ rangeOffset: 12, rangeLength: 3, text: 'abcdef' }], false),
      { range: { start: 10, end: 23 }, inside: true });
    assert.deepEqual(followChanges(range, [{ rangeOffset: 5, rangeLength: 10, text: '' }], false),
      { range: { start: 5, end: 10 }, inside: true });
    // Multi-cursor: VS Code lists the later change first.
    assert.deepEqual(followChanges(range, [insert(30, 'x'), insert(1, 'yy')], false), { range: { start: 12, end: 22 }, inside: false });
  });
});

describe('the paint of one query on a real causal model', () => {
  const engine = new AttentionEngine();
  after(() => engine.dispose());

  it('paints each key with its own weight, ranks the row, and masks the keys after the query', async () => {
    const result = await engine.run({ text: PIZZA, model: fixtureDir('tiny-gpt2'), maxTokens: 512 });
    const n = result.tokens.length;
    const ref = { layer: 1, head: 2 };
    const query = 8; // " it"
    const plan = planPaint(result, ref, query);
    const row = headSlice(result, ref.layer, ref.head, 'probs').subarray(query * n, (query + 1) * n);
    assert.equal(plan.keys.length, n);
    for (const key of plan.keys) {
      if (key.token > query) {
        assert.ok(key.masked && key.step === 0 && key.rank === undefined, `key ${key.token} after the query must be masked`);
        assert.match(key.hover, /^L2 H3 · " it" → ".*": nothing\. A causal model reads only the tokens up to the query/);
      } else {
        assert.equal(key.weight, row[key.token]);
        assert.equal(key.step, stepOf(row[key.token]));
        assert.equal(key.rank, 1 + plan.keys.filter((k) => !k.masked && k.weight > key.weight).length);
        assert.match(key.hover,
          new RegExp(`^L2 H3 · " it" → ".*" ${row[key.token].toFixed(3)} · rank ${key.rank} of ${query + 1} in the row of " it"$`));
      }
    }
    const best = plan.keys.find((k) => k.rank === 1)!;
    assert.equal(plan.strongest,
      `L2 H3 · " it" → ${JSON.stringify(PIZZA.slice(result.tokens[best.token].start, result.tokens[best.token].end))} ` +
      `${best.weight.toFixed(3)}`);
  });

  it('shade steps grow with the weight, from none to the darkest', () => {
    assert.deepEqual([0, 0.004, 0.01, 0.05, 0.25, 0.5, 1].map(stepOf), [0, 0, 1, 2, 3, 5, PAINT_STEPS]);
  });
});

describe('link messages are validated both ways', () => {
  it('accepts each message that fits, and rejects what does not', () => {
    assert.deepEqual(parseFromWebview({ type: 'picked', resultId: 3, query: 2 }), { type: 'picked', resultId: 3, query: 2 });
    assert.deepEqual(parseFromWebview({ type: 'picked', resultId: 3, query: null }), { type: 'picked', resultId: 3, query: null });
    assert.deepEqual(parseFromWebview({ type: 'revealToken', resultId: 3, token: 0, extra: 'dropped' }),
      { type: 'revealToken', resultId: 3, token: 0 });
    assert.deepEqual(parseFromWebview({ type: 'rerun' }), { type: 'rerun' });
    for (const bad of [{ type: 'picked', resultId: 3 }, { type: 'picked', resultId: -1, query: 0 },
      { type: 'revealToken', resultId: 1, token: 1.5 }, null, 'rerun']) {
      assert.equal(parseEditorFromWebview(bad), undefined, JSON.stringify(bad));
    }
    assert.deepEqual(parseEditorToWebview({ type: 'pickQuery', resultId: 1, query: 4 }), { type: 'pickQuery', resultId: 1, query: 4 });
    assert.deepEqual(parseEditorToWebview({ type: 'clickToken', resultId: 1, token: 4, place: 'row' }),
      { type: 'clickToken', resultId: 1, token: 4, place: 'row' });
    assert.equal(parseEditorToWebview({ type: 'clickToken', resultId: 1, token: 4, place: 'cell' }), undefined);
    assert.equal(parseEditorToWebview({ type: 'pickQuery', resultId: 1, query: '4' }), undefined);
  });
});
