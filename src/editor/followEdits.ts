// Runs in the extension host (no VS Code API): keeps the analysed text's range right while the document is edited.
// Changes are applied in the order VS Code lists them, the way its own document model applies them.

/** Half-open [start, end) range of UTF-16 offsets into a document. */
export interface TextRange {
  readonly start: number;
  readonly end: number;
}

/** The shape of vscode.TextDocumentContentChangeEvent that matters here. */
export interface TextChange {
  readonly rangeOffset: number;
  readonly rangeLength: number;
  readonly text: string;
}

export interface Followed {
  readonly range: TextRange;
  /** Some change touched the analysed text itself: the result no longer matches it. */
  readonly inside: boolean;
}

/**
 * Moves `range` through the changes. A change before the range shifts it; a change after it leaves it alone; a
 * change inside it marks it touched and the range takes in what was typed. `grow` counts typing right at either
 * end as inside (live update: typing at the end of the sentence extends it); otherwise text typed next to the
 * analysed text leaves it as it was.
 */
export function followChanges(range: TextRange, changes: readonly TextChange[], grow: boolean): Followed {
  let { start, end } = range;
  let inside = false;
  for (const change of changes) {
    const changeStart = change.rangeOffset;
    const changeEnd = change.rangeOffset + change.rangeLength;
    const delta = change.text.length - change.rangeLength;
    const touches = grow
      ? changeStart <= end && changeEnd >= start
      : change.rangeLength === 0 ? start < changeStart && changeStart < end : changeStart < end && changeEnd > start;
    if (touches) {
      inside = true;
      start = Math.min(start, changeStart);
      end = Math.max(end, changeEnd) + delta;
    } else if (changeEnd <= start) {
      start += delta;
      end += delta;
    }
  }
  return { range: { start, end }, inside };
}
