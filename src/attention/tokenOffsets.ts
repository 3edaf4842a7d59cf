// Runs in the engine worker (Node): gives each token its character span in the input text.
// transformers.js returns no offsets (transformers.js #425), so we align the tokens with the text ourselves.
import type { Token } from '../../shared/attentionResult';
import { coverGaps, findNear, unknownWordLength, type FoldedChar, type Span } from './normalizedSpans';

/** What the aligner needs to know about a tokenizer. */
export interface TokenVocabulary {
  /** The vocabulary entry for an id, e.g. "Ġpizza", "##za", "▁pizza", "[CLS]". */
  piece(id: number): string;
  /** Tokens the tokenizer adds rather than reads from the text. */
  isSpecial(id: number): boolean;
  /** The unknown token stands for text that is not in the vocabulary. */
  readonly unknownId: number | null;
  /** Byte-level BPE (GPT-2 style): pieces spell the UTF-8 bytes of the text exactly. */
  readonly byteLevel: boolean;
  /** WordPiece marks a word's continuation with this prefix ("##"). */
  readonly continuationPrefix: string | null;
  /** A character tokenizer (one piece per character, nothing normalized): what it cannot spell, it skips. */
  readonly characters?: boolean;
}


export function alignTokens(text: string, ids: readonly number[], vocab: TokenVocabulary): Token[] {
  const literal = alignLiteral(text, ids, vocab);
  if (literal) return literal;
  if (vocab.byteLevel) {
    const tokens = alignByteLevel(text, ids, vocab);
    if (tokens) return tokens;
  }
  return alignNormalized(text, ids, vocab);
}

// ---------------------------------------------------------------------------------------------
// Literal pieces (character tokenizers such as nanoGPT's): the pieces, specials aside, spell the text exactly,
// whitespace included, so each token's span is where its piece stands. A character tokenizer skips characters it
// has no piece for; so does the alignment (the runner then refuses the text, naming them).

function alignLiteral(text: string, ids: readonly number[], vocab: TokenVocabulary): Token[] | null {
  const tokens: Token[] = [];
  let at = 0;
  for (const id of ids) {
    const piece = vocab.piece(id);
    const special = vocab.isSpecial(id);
    if (!special) {
      const found = vocab.characters ? text.indexOf(piece, at) : text.startsWith(piece, at) ? at : -1;
      if (found < 0) return null;
      at = found;
    }
    const end = special ? at : at + piece.length;
    tokens.push({ id, piece, display: special ? piece : visible(piece), start: at, end, special });
    at = end;
  }
  const complete = vocab.characters || at === text.length;
  return complete && tokens.some((t) => !t.special) ? tokens : null;
}

// ---------------------------------------------------------------------------------------------
// Byte-level BPE: every piece is a sequence of bytes written with GPT-2's byte→unicode table.

const BYTE_OF_CHAR: ReadonlyMap<string, number> = (() => {
  // GPT-2's bytes_to_unicode: printable bytes stand for themselves, the rest are shifted to U+0100 upwards.
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const map = new Map<string, number>();
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    map.set(String.fromCodePoint(printable(b) ? b : 256 + shifted++), b);
  }
  return map;
})();

function pieceBytes(piece: string): number[] | null {
  const bytes: number[] = [];
  for (const ch of piece) {
    const b = BYTE_OF_CHAR.get(ch);
    if (b === undefined) return null;
    bytes.push(b);
  }
  return bytes;
}

/** UTF-8 bytes of the text, and for each byte the UTF-16 span of the character it belongs to. */
function utf8WithSpans(text: string): { bytes: Uint8Array; spans: Span[] } {
  const encoder = new TextEncoder();
  const spans: Span[] = [];
  const chunks: Uint8Array[] = [];
  let unit = 0;
  for (const ch of text) {
    const encoded = encoder.encode(ch);
    for (let i = 0; i < encoded.length; i++) spans.push({ start: unit, end: unit + ch.length });
    chunks.push(encoded);
    unit += ch.length;
  }
  const bytes = new Uint8Array(spans.length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return { bytes, spans };
}

/** Returns null when the pieces do not spell the text byte for byte (a normalizing tokenizer). */
function alignByteLevel(text: string, ids: readonly number[], vocab: TokenVocabulary): Token[] | null {
  const { bytes, spans } = utf8WithSpans(text);
  const utf8 = new TextEncoder();
  const tokens: Token[] = [];
  let cursor = 0;
  for (const id of ids) {
    const piece = vocab.piece(id);
    const special = vocab.isSpecial(id);
    // Special tokens are written as plain text; they occupy the text only when the person typed them.
    const own = special ? Array.from(utf8.encode(piece)) : pieceBytes(piece) ?? Array.from(utf8.encode(piece));
    if (!startsWithAt(bytes, own, cursor)) {
      if (!special) return null;
      const at = cursor < spans.length ? spans[cursor].start : text.length;
      tokens.push({ id, piece, display: piece, start: at, end: at, special });
      continue;
    }
    const first = cursor;
    cursor += own.length;
    if (own.length === 0) {
      const at = first < spans.length ? spans[first].start : text.length;
      tokens.push({ id, piece, display: piece, start: at, end: at, special });
      continue;
    }
    const start = spans[first].start;
    const end = spans[cursor - 1].end;
    const display = special ? piece : byteLevelDisplay(text, spans, first, cursor, own);
    tokens.push({ id, piece, display, start, end, special });
  }
  return cursor === bytes.length ? tokens : null;
}

function startsWithAt(haystack: Uint8Array, needle: readonly number[], at: number): boolean {
  if (at + needle.length > haystack.length) return false;
  for (let i = 0; i < needle.length; i++) if (haystack[at + i] !== needle[i]) return false;
  return true;
}

/**
 * Byte-level BPE may split a character (an emoji's 4 bytes) across tokens. Characters the token holds whole
 * are shown as text; the bytes of a character it holds only in part are shown as hex: "␣<F0 9F>", "<8D>".
 */
function byteLevelDisplay(text: string, spans: readonly Span[], first: number, last: number, bytes: readonly number[]): string {
  let display = '';
  let partial: number[] = [];
  const flush = () => {
    if (partial.length) display += `<${partial.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ')}>`;
    partial = [];
  };
  for (let b = first; b < last; ) {
    const span = spans[b];
    let charEnd = b;
    while (charEnd < spans.length && spans[charEnd].start === span.start) charEnd++;
    const charStart = b === 0 || spans[b - 1].start !== span.start ? b : -1;
    if (charStart === b && charEnd <= last) {
      flush();
      display += visible(text.slice(span.start, span.end));
      b = charEnd;
    } else {
      partial.push(bytes[b - first]);
      b++;
    }
  }
  flush();
  return display;
}

/** Makes whitespace visible, so " pizza" reads "␣pizza" and a newline token is not blank. */
export function visible(text: string): string {
  return text.replace(/ /g, '␣').replace(/\n/g, '↵').replace(/\r/g, '').replace(/\t/g, '⇥');
}

// ---------------------------------------------------------------------------------------------
// Normalizing tokenizers (WordPiece, SentencePiece): compare text and pieces after folding case and accents.

/** Folds what tokenizers commonly normalize away: compatibility forms, accents, case. */
function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The text as folded characters, whitespace dropped (pieces mark spaces in ways we do not need). */
function foldedStream(text: string): FoldedChar[] {
  const stream: FoldedChar[] = [];
  let unit = 0;
  for (const original of text) {
    for (const ch of fold(original)) {
      // Whitespace, and controls and format characters (NUL, ZWJ) that tokenizers clean away, are not matched.
      if (!/[\s\p{Cc}\p{Cf}]/u.test(ch)) stream.push({ ch, start: unit, end: unit + original.length });
    }
    unit += original.length;
  }
  return stream;
}

function surfaceOf(piece: string, vocab: TokenVocabulary): string {
  let surface = piece;
  if (vocab.continuationPrefix && surface.startsWith(vocab.continuationPrefix)) {
    surface = surface.slice(vocab.continuationPrefix.length);
  }
  return fold(surface.replace(/[▁Ġ]/g, '')).replace(/\s/gu, '');
}

function displayOf(piece: string, special: boolean): string {
  return special ? piece : visible(piece.replace(/^▁/, ' ').replace(/^Ġ/, ' '));
}

function alignNormalized(text: string, ids: readonly number[], vocab: TokenVocabulary): Token[] {
  const stream = foldedStream(text);
  const spans: (Span | null)[] = [];
  let cursor = 0;
  ids.forEach((id) => {
    const piece = vocab.piece(id);
    const surface = vocab.isSpecial(id) && id !== vocab.unknownId ? null : surfaceOf(piece, vocab);
    const found = surface ? findNear(stream, surface, cursor) : null;
    if (surface && found) {
      // Characters skipped to reach the match (ones the tokenizer dropped) belong to this token.
      spans.push({ start: stream[cursor].start, end: stream[found.at + found.length - 1].end });
      cursor = found.at + found.length;
    } else if (id === vocab.unknownId && cursor < stream.length) {
      const taken = unknownWordLength(text, stream, cursor);
      spans.push({ start: stream[cursor].start, end: stream[cursor + taken - 1].end });
      cursor += taken;
    } else {
      spans.push(null);
    }
  });
  coverGaps(text, spans);
  return ids.map((id, i) => {
    const piece = vocab.piece(id);
    const special = vocab.isSpecial(id) && id !== vocab.unknownId;
    const span = spans[i] ?? emptySpanBefore(spans, i);
    const end = span.end > span.start ? extendOverDroppedChars(text, span.end, nextStart(spans, i, text.length)) : span.end;
    return { id, piece, display: displayOf(piece, special), start: span.start, end, special };
  });
}

/** A token with no text of its own ([SEP], BOS) sits, empty, where the previous token ended. */
function emptySpanBefore(spans: readonly (Span | null)[], i: number): Span {
  for (let j = i - 1; j >= 0; j--) {
    const s = spans[j];
    if (s) return { start: s.end, end: s.end };
  }
  return { start: 0, end: 0 };
}

function nextStart(spans: readonly (Span | null)[], i: number, textLength: number): number {
  for (let j = i + 1; j < spans.length; j++) {
    const s = spans[j];
    if (s) return s.start;
  }
  return textLength;
}

/** A combining mark or zero-width character after a token folds to nothing; it belongs to that token. */
function extendOverDroppedChars(text: string, end: number, limit: number): number {
  let at = end;
  while (at < limit) {
    const ch = String.fromCodePoint(text.codePointAt(at) ?? 0);
    if (fold(ch) !== '' || /\s/u.test(ch)) break;
    at += ch.length;
  }
  return at;
}

/** Characters of the text (whitespace aside) that no token covers: what a tokenizer without an unknown token
 *  silently drops, such as "é" for a character model trained on English. */
export function uncoveredCharacters(text: string, tokens: readonly Token[]): string[] {
  const covered = new Uint8Array(text.length);
  for (const t of tokens) covered.fill(1, t.start, t.end);
  const missing = new Set<string>();
  let at = 0;
  for (const ch of text) {
    if (!covered[at] && !/\s/u.test(ch)) missing.add(ch);
    at += ch.length;
  }
  return [...missing];
}
