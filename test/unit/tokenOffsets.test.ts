// Each token's [start, end) points at the text it came from, through emoji, CJK, accents and combining marks,
// for GPT-2's byte-level BPE and for BERT's lower-casing, accent-stripping WordPiece.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { AutoTokenizer } from '@huggingface/transformers';
import type { Token } from '../../shared/attentionResult';
import { alignTokens, type TokenVocabulary } from '../../src/attention/tokenOffsets';
import { tokenizerVocabulary } from '../../src/model/tokenizerVocabulary';
import { fixtureDir } from './support';

interface Tokenizer {
  readonly tokens: (text: string) => Token[];
}

async function loadTokenizer(name: string): Promise<Tokenizer> {
  const tokenizer = await AutoTokenizer.from_pretrained(fixtureDir(name), { local_files_only: true });
  const vocab: TokenVocabulary = tokenizerVocabulary(tokenizer);
  return { tokens: (text) => alignTokens(text, tokenizer.encode(text), vocab) };
}

const spanOf = (text: string, t: Token) => text.slice(t.start, t.end);

describe('token offsets: GPT-2 byte-level BPE', () => {
  let gpt2: Tokenizer;
  before(async () => {
    gpt2 = await loadTokenizer('tiny-gpt2');
  });

  const texts = [
    'The pizza came out of the oven and it tasted good.',
    'Pizza 🍕 time, family 👩‍👩‍👧 too',
    '東京タワーは高い。',
    'café naïve Ångström',
    'cafe\u0301 and nai\u0308ve',
    'tabs\tand\nnew lines  and  spaces',
  ];
  for (const text of texts) {
    it(`tiles the text without gaps: ${JSON.stringify(text)}`, () => {
      const tokens = gpt2.tokens(text);
      assert.equal(tokens[0].start, 0);
      assert.equal(tokens.at(-1)!.end, text.length);
      for (let i = 1; i < tokens.length; i++) {
        // Tokens that split one character share its span; otherwise each starts where the last ended.
        assert.ok(tokens[i].start === tokens[i - 1].end || tokens[i].start === tokens[i - 1].start ||
          (tokens[i].start < tokens[i - 1].end && tokens[i].start > tokens[i - 1].start), `gap before token ${i}`);
        assert.ok(tokens[i].end >= tokens[i - 1].end);
      }
      assert.ok(tokens.every((t) => !t.special));
    });
  }

  it('spans words with their leading space, shown as ␣', () => {
    const text = 'The pizza came';
    const tokens = gpt2.tokens(text);
    assert.deepEqual(tokens.map((t) => spanOf(text, t)), ['The', ' pizza', ' came']);
    assert.deepEqual(tokens.map((t) => t.display), ['The', '␣pizza', '␣came']);
    assert.deepEqual(tokens.map((t) => t.piece), ['The', 'Ġpizza', 'Ġcame']);
  });

  it('gives every token that holds part of an emoji the whole emoji as its span', () => {
    const text = 'a 🍕';
    const tokens = gpt2.tokens(text);
    const emoji = tokens.filter((t) => spanOf(text, t).includes('🍕'));
    assert.ok(emoji.length >= 2, 'the pizza emoji is split into several byte tokens');
    for (const t of emoji) assert.equal(text.slice(t.start, t.end).replace(/^ /, ''), '🍕');
    assert.match(emoji[0].display, /^␣<[0-9A-F ]+>$/);
  });

  it('covers every character of accented text, precomposed or combining, and never splits a surrogate pair', () => {
    for (const text of ['café', 'cafe\u0301', 'Ångström 👍🏽']) {
      const tokens = gpt2.tokens(text);
      for (let i = 0; i < text.length; i++) {
        assert.ok(tokens.some((t) => t.start <= i && i < t.end), `${JSON.stringify(text)}: unit ${i} is not covered`);
      }
      const low = (i: number) => /[\uDC00-\uDFFF]/.test(text[i] ?? '');
      assert.ok(tokens.every((t) => !low(t.start) && !low(t.end)), 'a span cuts a surrogate pair');
    }
  });

  it('spans CJK characters in UTF-16 units', () => {
    const text = '東京';
    const tokens = gpt2.tokens(text);
    const covered = new Set(tokens.map((t) => spanOf(text, t)));
    assert.ok([...covered].every((s) => ['東', '京', '東京'].includes(s)), JSON.stringify([...covered]));
  });
});

describe('token offsets: BERT WordPiece (lower-casing, accent stripping)', () => {
  let bert: Tokenizer;
  before(async () => {
    bert = await loadTokenizer('tiny-bert');
  });

  it('marks [CLS] and [SEP] special, with empty spans at the ends', () => {
    const text = 'The pizza';
    const tokens = bert.tokens(text);
    assert.deepEqual([tokens[0].display, tokens[0].special, tokens[0].start, tokens[0].end], ['[CLS]', true, 0, 0]);
    const last = tokens.at(-1)!;
    assert.deepEqual([last.display, last.special, last.start, last.end], ['[SEP]', true, text.length, text.length]);
    assert.equal(spanOf(text, tokens[1]), 'The', 'lower-cased "the" points at "The"');
  });

  it('maps accent-stripped pieces back to the accented text, precomposed or combining', () => {
    for (const word of ['café', 'cafe\u0301', 'naïve', 'nai\u0308ve']) {
      const text = `the ${word} is here`;
      const tokens = bert.tokens(text).filter((t) => !t.special);
      const spans = tokens.map((t) => spanOf(text, t));
      assert.equal(spans.join(''), text.replace(/ /g, ''), `${JSON.stringify(word)} spans ${JSON.stringify(spans)}`);
    }
  });

  it('gives unknown CJK characters and emoji their own spans', () => {
    const text = 'the 東京 🍕 oven';
    const tokens = bert.tokens(text).filter((t) => !t.special);
    const spans = tokens.map((t) => spanOf(text, t));
    assert.ok(spans.includes('東') && spans.includes('京'), JSON.stringify(spans));
    assert.ok(spans.includes('🍕'), JSON.stringify(spans));
    assert.equal(spans.join(''), text.replace(/ /g, ''));
  });
});
