// Runs in both the extension host and the webview: the messages that link the panel with the editor text, each
// way, and their validators. Tokens are named by index into the result's tokens; the result by its id, so a
// message about a result that was replaced is recognised and dropped.

/** Where a token was clicked in the panel. */
export type TokenPlace = 'chip' | 'row' | 'column';
const TOKEN_PLACES: readonly TokenPlace[] = ['chip', 'row', 'column'];
/** A translator's two texts: the source (the editor selection) and the target (the translation's own document). */
export type TextSide = 'source' | 'target';
const TEXT_SIDES: readonly TextSide[] = ['source', 'target'];

export type EditorToWebview =
  /** The editor cursor moved onto this token: make it the query (the paint follows it). */
  | { readonly type: 'pickQuery'; readonly resultId: number; readonly query: number }
  /** Click this token as a person would (tests and scripts): a chip, or a heatmap row or column label. */
  | { readonly type: 'clickToken'; readonly resultId: number; readonly token: number; readonly place: TokenPlace }
  /** Click the "Run again" button of a "text changed" status (tests and scripts). */
  | { readonly type: 'clickRerun' }
  /**
   * A translator's decoder or cross view: the editor cursor is on this token of the source (a column of the cross
   * matrix) or of the translation (a row); the panel frames it.
   */
  | { readonly type: 'focusToken'; readonly resultId: number; readonly side: TextSide; readonly token: number };

export type EditorFromWebview =
  /** The query token picked in the panel (null: none); the editor paint shows its row. */
  | { readonly type: 'picked'; readonly resultId: number; readonly query: number | null }
  /** A token was clicked in the panel: select its range in the editor and reveal it. */
  | { readonly type: 'revealToken'; readonly resultId: number; readonly token: number }
  /** The "Run again" button of a "text changed" status. */
  | { readonly type: 'rerun' }
  /**
   * A translator's decoder or cross view: a row (target) or column (source) token was picked in the panel. The
   * editor selects it in its text and paints the other text by its weights; `also` is selected too (a cell's other
   * token) without changing what is painted.
   */
  | { readonly type: 'focusToken'; readonly resultId: number; readonly side: TextSide; readonly token: number;
    readonly also?: { readonly side: TextSide; readonly token: number } };

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

type Fields = Partial<Record<'type' | 'resultId' | 'query' | 'token' | 'place' | 'side' | 'also', unknown>>;

const isSide = (v: unknown): v is TextSide => TEXT_SIDES.includes(v as TextSide);

/** The `also` of a focusToken: absent, or a side and a token. */
function sideToken(v: unknown): { side: TextSide; token: number } | undefined | false {
  if (v === undefined) return undefined;
  const m = (typeof v === 'object' && v !== null ? v : {}) as Fields;
  return isSide(m.side) && isIndex(m.token) ? { side: m.side, token: m.token } : false;
}

/** The host trusts nothing from the webview: anything that does not fit is rejected. */
export function parseEditorFromWebview(message: unknown): EditorFromWebview | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const m = message as Fields;
  switch (m.type) {
    case 'picked':
      return isIndex(m.resultId) && (m.query === null || isIndex(m.query))
        ? { type: 'picked', resultId: m.resultId, query: m.query } : undefined;
    case 'revealToken':
      return isIndex(m.resultId) && isIndex(m.token) ? { type: 'revealToken', resultId: m.resultId, token: m.token } : undefined;
    case 'rerun':
      return { type: 'rerun' };
    case 'focusToken': {
      const also = sideToken(m.also);
      if (!isIndex(m.resultId) || !isSide(m.side) || !isIndex(m.token) || also === false) return undefined;
      return { type: 'focusToken', resultId: m.resultId, side: m.side, token: m.token, ...(also ? { also } : {}) };
    }
    default:
      return undefined;
  }
}

/** The webview checks the host's messages the same way: a wrong message must not break the panel. */
export function parseEditorToWebview(message: unknown): EditorToWebview | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const m = message as Fields;
  switch (m.type) {
    case 'pickQuery':
      return isIndex(m.resultId) && isIndex(m.query) ? { type: 'pickQuery', resultId: m.resultId, query: m.query } : undefined;
    case 'clickToken':
      return isIndex(m.resultId) && isIndex(m.token) && TOKEN_PLACES.includes(m.place as TokenPlace)
        ? { type: 'clickToken', resultId: m.resultId, token: m.token, place: m.place as TokenPlace }
        : undefined;
    case 'clickRerun':
      return { type: 'clickRerun' };
    case 'focusToken':
      return isIndex(m.resultId) && isSide(m.side) && isIndex(m.token)
        ? { type: 'focusToken', resultId: m.resultId, side: m.side, token: m.token } : undefined;
    default:
      return undefined;
  }
}
