// Runs in the engine worker (Node): finding a normalizing tokenizer's pieces in the folded text, and making sure every
// character the person typed belongs to a token, even where the tokenizer dropped or changed characters
// (NUL and other controls, ZWJ in emoji sequences, [UNK] words).

/** One character of the folded text, and the UTF-16 span of the original character it came from. */
export interface FoldedChar {
  readonly ch: string;
  readonly start: number;
  readonly end: number;
}

export interface Span {
  start: number;
  end: number;
}

/** Number of stream characters the surface matches at `at`, or 0. */
export function matchAt(stream: readonly FoldedChar[], surface: string, at: number): number {
  const chars = [...surface];
  if (at + chars.length > stream.length) return 0;
  for (let i = 0; i < chars.length; i++) if (stream[at + i].ch !== chars[i]) return 0;
  return chars.length;
}

/** How far ahead a match is looked for when the text holds characters the tokenizer dropped or changed. */
const RESYNC_CHARS = 64;

export function findNear(stream: readonly FoldedChar[], surface: string, cursor: number): { at: number; length: number } | null {
  for (let at = cursor; at < Math.min(stream.length, cursor + RESYNC_CHARS); at++) {
    const length = matchAt(stream, surface, at);
    if (length > 0) return { at, length };
  }
  return null;
}

/**
 * Every character the person typed belongs to a token: what lies between two tokens' spans (other than
 * whitespace) joins the token before it, and what comes before the first one joins the first.
 */
export function coverGaps(text: string, spans: (Span | null)[]): void {
  const content = spans.filter((s): s is Span => s !== null && s.end > s.start);
  if (content.length === 0) return;
  const firstNonSpace = text.search(/\S/u);
  if (firstNonSpace >= 0 && firstNonSpace < content[0].start) content[0].start = firstNonSpace;
  content.forEach((span, i) => {
    const limit = i + 1 < content.length ? content[i + 1].start : text.length;
    const gap = text.slice(span.end, limit);
    const trailing = gap.length - gap.trimEnd().length;
    if (gap.trim() !== '') span.end = limit - trailing;
  });
}

/** [UNK] replaces one pre-tokenized word: a run of characters up to whitespace or punctuation, or one Han character. */
export function unknownWordLength(text: string, stream: readonly FoldedChar[], at: number): number {
  const isWordChar = (c: FoldedChar) => !/[\p{P}!-/:-@[-`{-~]/u.test(c.ch) && !/\p{Script=Han}/u.test(text.slice(c.start, c.end));
  if (!isWordChar(stream[at])) return 1;
  let n = 1;
  const joined = (a: FoldedChar, b: FoldedChar) => b.start <= a.end || !/\s/u.test(text.slice(a.end, b.start));
  while (at + n < stream.length && isWordChar(stream[at + n]) && joined(stream[at + n - 1], stream[at + n])) n++;
  return n;
}
