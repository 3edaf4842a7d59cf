// Runs in the extension host (no VS Code API): which token of a result an editor cursor or selection is on.
// Offsets are UTF-16 code units into the result's text, like the engine's token offsets and VS Code's own.
import type { Token } from '../../shared/attentionResult';

/**
 * The token a cursor at `offset` is on: the one just left of it ("pizza|" is on " pizza"), else the one just
 * right of it (at the very start of the text). Special tokens (no range in the text) are never picked.
 */
export function tokenAtCursor(tokens: readonly Token[], offset: number): number | undefined {
  const left = tokens.findIndex((t) => t.start < t.end && t.start < offset && offset <= t.end);
  return left >= 0 ? left : tokenHolding(tokens, offset);
}

/** The first token whose range holds the character at `offset`. */
export function tokenHolding(tokens: readonly Token[], offset: number): number | undefined {
  const index = tokens.findIndex((t) => t.start <= offset && offset < t.end);
  return index >= 0 ? index : undefined;
}

/**
 * A selection picks a query when it is a cursor, or when it lies within one token (a token selected by the panel).
 * A selection that is exactly a token's range picks that token, even where byte-level tokens share a character.
 */
export function queryOfSelection(tokens: readonly Token[], start: number, end: number): number | undefined {
  if (start === end) return tokenAtCursor(tokens, start);
  const exact = tokens.findIndex((t) => t.start === start && t.end === end);
  if (exact >= 0) return exact;
  const index = tokenHolding(tokens, start);
  return index !== undefined && end <= tokens[index].end ? index : undefined;
}
