// Property-based tests (fast-check): the webview→host parsers never throw and accept only what fits the protocol,
// and random Unicode text always gets token offsets inside the text, in order, covering every character typed.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { AutoTokenizer } from '@huggingface/transformers';
import fc from 'fast-check';
import { parseFromWebview, type FromWebview } from '../../shared/protocol';
import { parseWebviewState } from '../../shared/webviewState';
import { alignTokens } from '../../src/attention/tokenOffsets';
import { tokenizerVocabulary } from '../../src/model/tokenizerVocabulary';
import { fixtureDir } from '../unit/support';

const index = fc.oneof(fc.nat({ max: 50 }), fc.integer({ min: -5, max: 5 }), fc.double(), fc.constant(Number.NaN), fc.string());
const ref = fc.oneof(fc.record({ layer: index, head: index }), fc.anything());
const TYPES = ['ready', 'export', 'showing', 'painted', 'requestHead', 'requestLayers', 'requestPositions', 'stepShown', 'other'];
/** Messages near the protocol: the right keys with values of every kind, so both acceptance and rejection happen. */
const nearMessage = fc.record({
  type: fc.constantFrom(...TYPES), requestId: index, resultId: index, ref, tokens: index, layers: fc.oneof(fc.array(index), fc.anything()),
  query: index, key: index, weight: fc.oneof(fc.double(), fc.string()), modelWeight: fc.double(), text: fc.oneof(fc.string(), fc.nat()),
}, { requiredKeys: ['type'] });

const isIndex = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isRef = (v: unknown) => typeof v === 'object' && v !== null && isIndex((v as { layer: unknown }).layer) &&
  isIndex((v as { head: unknown }).head);

/** What an accepted message must be, checked independently of the parser. */
function fits(m: FromWebview): boolean {
  switch (m.type) {
    case 'ready': case 'export': return Object.keys(m).length === 1;
    case 'showing': return isRef(m.ref);
    case 'painted': return isIndex(m.resultId) && isRef(m.ref) && isIndex(m.tokens);
    case 'requestHead': return isIndex(m.requestId) && isIndex(m.resultId) && isRef(m.ref);
    case 'requestLayers': return isIndex(m.requestId) && isIndex(m.resultId) && Array.isArray(m.layers) && m.layers.every(isIndex);
    case 'requestPositions': return isIndex(m.requestId) && isIndex(m.resultId);
    case 'stepShown': return isIndex(m.resultId) && isRef(m.ref) && isIndex(m.query) && isIndex(m.key) &&
      Number.isFinite(m.weight) && Number.isFinite(m.modelWeight) && typeof m.text === 'string' && m.text.length <= 200;
    default: return false;
  }
}

describe('protocol parsers (property-based)', () => {
  it('parseFromWebview never throws, and accepts only messages that fit', () => {
    fc.assert(fc.property(fc.oneof(nearMessage, fc.anything()), (message) => {
      const parsed = parseFromWebview(message);
      return parsed === undefined || fits(parsed);
    }), { numRuns: 3000 });
  });

  it('parseFromWebview accepts every well-formed message', () => {
    const id = fc.nat({ max: 1000 });
    const goodRef = fc.record({ layer: fc.nat({ max: 99 }), head: fc.nat({ max: 99 }) });
    const good = fc.oneof(
      fc.constant({ type: 'ready' }), fc.record({ type: fc.constant('showing'), ref: goodRef }),
      fc.record({ type: fc.constant('requestHead'), requestId: id, resultId: id, ref: goodRef }),
      fc.record({ type: fc.constant('requestLayers'), requestId: id, resultId: id,
        layers: fc.array(fc.nat({ max: 99 }), { maxLength: 40 }) }),
    );
    fc.assert(fc.property(good, (message) => parseFromWebview(message)?.type === message.type), { numRuns: 500 });
  });

  it('restored webview state never throws, never carries a model, and keeps only a valid head and text', () => {
    const state = fc.oneof(fc.anything(), fc.record({ ref, text: fc.oneof(fc.string(), fc.anything()), model: fc.string() }));
    fc.assert(fc.property(state, (value) => {
      const restored = parseWebviewState(value);
      if (restored === undefined) return true;
      assert.equal('model' in restored, false);
      if (restored.ref) assert.ok(isRef(restored.ref));
      if (restored.text !== undefined) assert.equal(typeof restored.text, 'string');
      return true;
    }), { numRuns: 2000 });
  });
});

describe('token offsets (property-based)', () => {
  const names = ['tiny-bert', 'tiny-gpt2', 'tiny-roberta', 'tiny-llama'];
  const aligners = new Map<string, (text: string) => ReturnType<typeof alignTokens>>();
  before(async () => {
    for (const name of names) {
      const tokenizer = await AutoTokenizer.from_pretrained(fixtureDir(name), { local_files_only: true });
      const vocab = tokenizerVocabulary(tokenizer);
      aligners.set(name, (text) => alignTokens(text, tokenizer.encode(text), vocab));
    }
  });

  it('WordPiece spans after a control character and a ZWJ emoji still point at their words', () => {
    for (const input of ['nul\x01here is some text', 'family 👨‍👩‍👧 here is text']) {
      const tokens = aligners.get('tiny-bert')!(input);
      const spanOf = (piece: string) => tokens.filter((t) => t.piece === piece).map((t) => input.slice(t.start, t.end));
      assert.deepEqual(spanOf('is'), ['is'], JSON.stringify(tokens));
      assert.deepEqual(spanOf('some').concat(spanOf('here')).length > 0, true);
    }
    const family = aligners.get('tiny-bert')!('family 👨‍👩‍👧 here');
    assert.deepEqual(family.filter((t) => t.piece === '[UNK]').map((t) => 'family 👨‍👩‍👧 here'.slice(t.start, t.end)), ['👨‍👩‍👧']);
  });

  /** Words, emoji with ZWJ, accents, CJK, controls and any code point, mixed with spaces. */
  const piece = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 6 }),
    fc.constantFrom('👨‍👩‍👧', '🍕', 'e\u0301', 'ﬁ', '東京', '\x01', '\x00', '\u200d', '\u200b', '\ufeff', 'Ⅻ', 'ß', 'İ'),
    fc.constantFrom(' ', '\n', '\t', '  '),
  );
  const text = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));

  for (const name of names) {
    it(`${name}: offsets inside the text, non-decreasing, covering every non-space character`, () => {
      fc.assert(fc.property(text, (input) => {
        const tokens = aligners.get(name)!(input);
        let lastStart = 0;
        const covered = new Uint8Array(input.length);
        for (const t of tokens) {
          assert.ok(t.start >= 0 && t.start <= t.end && t.end <= input.length, `[${t.start}, ${t.end}) outside ${input.length}`);
          assert.ok(t.start >= lastStart, `start ${t.start} before ${lastStart}`);
          lastStart = t.start;
          covered.fill(1, t.start, t.end);
        }
        const hasOwnText = tokens.some((t) => t.end > t.start);
        for (let i = 0; i < input.length && hasOwnText; i++) {
          if (!/\s/u.test(input[i]) && !covered[i]) assert.fail(`character ${i} (U+${input.charCodeAt(i).toString(16)}) is in no token`);
        }
        return true;
      }), { numRuns: 300 });
    });
  }
});
