// Runs in the extension host: a translator's result linked with two texts — the source in the person's editor and
// the translation in its own read-only document (translationDocument.ts). While the panel shows the decoder or the
// cross-attention, the cursor on a source token paints the translated tokens that read it; the cursor on a
// translated token paints the source tokens it reads (or, in the decoder view, the translated tokens before it).
// The focused token is outlined and framed in the panel; a token picked in the panel is selected in its text.
// With the panel on the encoder, the source is linked by EditorLink alone, and moving into the translation
// switches the panel to the cross-attention.
import * as vscode from 'vscode';
import type { AttentionResult } from '../../shared/attentionResult';
import type { TextSide } from '../../shared/editorProtocol';
import type { DecoderKind, HeadRef } from '../../shared/protocol';
import type { AttentionPanel, FocusedToken } from '../panel/attentionPanel';
import { readSettings } from '../settings';
import { EditorPaint, type EditorPaintState } from './editorPaint';
import { OutlinePaint, type OutlinePlace } from './outlinePaint';
import type { EditorLink, LinkPainted } from './editorLink';
import { queryOfSelection } from './tokenAtOffset';
import { TranslationDocument } from './translationDocument';
import { planTranslationPaint, sideTokens, type TranslationFocus } from './translationPlan';

/** Where a side's text is: its editors, and the document offset its token offsets start from. */
interface SidePlace {
  readonly editors: readonly vscode.TextEditor[];
  readonly start: number;
}

export class TranslationLink implements vscode.Disposable {
  readonly document = new TranslationDocument();
  private current: { readonly result: AttentionResult; readonly resultId: number } | undefined;
  private focus: TranslationFocus | undefined;
  private ref: HeadRef = { layer: 0, head: 0 };
  /** Selections this link made for a panel pick, per document, so that they are not taken for the cursor moving. */
  private readonly ownSelections = new Map<string, vscode.Selection>();
  private readonly paint: EditorPaint;
  /** The focused token's outline, when it is in the other text than the paint. */
  private readonly outline = new OutlinePaint();
  private readonly paintEmitter = new vscode.EventEmitter<LinkPainted>();
  private readonly disposables: vscode.Disposable[];
  /** The paint of a translation was drawn (tests). */
  readonly onDidPaint = this.paintEmitter.event;

  constructor(private readonly panel: AttentionPanel, private readonly source: EditorLink, revealCommand: string) {
    this.paint = new EditorPaint(revealCommand);
    this.disposables = [
      this.document, this.paint, this.outline, this.paintEmitter,
      panel.onDidShowKind(({ resultId, ref }) => {
        if (resultId !== this.current?.resultId) return;
        this.ref = ref;
        this.repaint();
      }),
      panel.onDidShowHead((ref) => {
        this.ref = ref;
        this.repaint();
      }),
      panel.onDidFocusToken((picked) => void this.picked(picked)),
      vscode.window.onDidChangeTextEditorSelection((event) => this.selectionChanged(event)),
      vscode.window.onDidChangeVisibleTextEditors(() => this.repaint()),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (this.document.isTranslation(event.document)) this.repaint(); // its new text has arrived
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('qkvScope.paintEditor')) this.repaint();
      }),
    ];
  }

  /**
   * A new result is on the panel. A translator's translation becomes the document's text; `show` (a run asked for
   * in an editor, not a live one, which would reopen it on every keystroke) opens it below the source editor when
   * no editor shows it, and closes it after a model that does not translate.
   */
  async attach(result: AttentionResult, resultId: number, ref: HeadRef, show: boolean): Promise<void> {
    this.current = result.translation ? { result, resultId } : undefined;
    this.focus = undefined;
    this.ref = ref;
    this.ownSelections.clear();
    this.clear();
    if (!result.translation) {
      if (show) await this.document.close(); // its text is of another result
      return;
    }
    this.document.setText(result.translation.text);
    const origin = this.source.origin;
    const editor = origin && vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === origin.uri.toString());
    if (show && readSettings().paintEditor) await this.document.showBelow(editor);
  }

  /** What is painted now (tests). */
  get painted(): (EditorPaintState & { readonly resultId: number; readonly focus: TranslationFocus; readonly outlined?: OutlinePlace })
    | undefined {
    const state = this.paint.state;
    const outlined = this.outline.state;
    return state && this.current && this.focus &&
      { ...state, resultId: this.current.resultId, focus: this.focus, ...(outlined ? { outlined } : {}) };
  }

  clearPaint(): void {
    this.focus = undefined;
    this.clear();
  }

  private clear(): void {
    this.paint.clear();
    this.outline.clear();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private get kind(): DecoderKind | undefined {
    const kind = this.panel.kind;
    return kind === 'encoder' ? undefined : kind;
  }

  /** The editors of a side and where its text starts in them; none while the source text is stale or closed. */
  private place(side: TextSide): SidePlace {
    if (side === 'target') return { editors: this.document.visibleEditors(), start: 0 };
    const origin = this.source.origin;
    const uri = origin?.uri.toString();
    const editors = origin ? vscode.window.visibleTextEditors.filter((e) => e.document.uri.toString() === uri) : [];
    return { editors, start: origin?.start ?? 0 };
  }

  private repaint(): void {
    const { current, focus, kind } = this;
    const planned = current && focus && kind && readSettings().paintEditor
      ? planTranslationPaint(current.result, kind, this.ref, focus, vscode.l10n) : undefined;
    const painted = planned && this.place(planned.painted);
    if (!current || !focus || !planned || !painted || painted.editors.length === 0) {
      this.clear();
      return;
    }
    const { tokens } = sideTokens(current.result, planned.painted);
    if (focus.side === planned.painted) {
      this.outline.clear();
      this.paint.paint(painted.editors, painted.start, tokens, planned.plan);
    } else {
      // The focused token is in the other text: the paint outlines none of its own tokens (-1), the outline is there.
      const place = this.place(focus.side);
      const token = sideTokens(current.result, focus.side).tokens[focus.token];
      this.outline.show(place.editors, place.start + token.start, place.start + token.end);
      this.paint.paint(painted.editors, painted.start, tokens, { ...planned.plan, query: -1 });
    }
    this.paintEmitter.fire({ resultId: current.resultId, at: performance.now() });
  }

  private selectionChanged(event: vscode.TextEditorSelectionChangeEvent): void {
    const selection = event.selections[0];
    const document = event.textEditor.document;
    const key = document.uri.toString();
    const own = this.ownSelections.get(key);
    if (own && selection?.isEqual(own)) {
      this.ownSelections.delete(key);
      return;
    }
    if (!this.current || !selection) return;
    const side: TextSide | undefined = this.document.holds(document) ? 'target'
      : this.kind && this.source.covers(document, selection) ? 'source' : undefined;
    const place = side && this.place(side);
    if (!side || !place) return;
    const { tokens } = sideTokens(this.current.result, side);
    const offset = (position: vscode.Position) => document.offsetAt(position) - place.start;
    const token = queryOfSelection(tokens, offset(selection.start), offset(selection.end));
    if (token === undefined || (this.focus?.side === side && this.focus.token === token)) return;
    this.focus = { side, token };
    // The translation read from the encoder view: the cross-attention is what links it with the source.
    if (!this.kind) this.panel.showKind('cross');
    this.panel.focusToken(side, token);
    this.repaint();
  }

  /** A token picked in the panel's decoder or cross view: select it (and its cell's other token), and paint. */
  private async picked({ resultId, side, token, also }: FocusedToken): Promise<void> {
    if (resultId !== this.current?.resultId) return;
    this.focus = { side, token };
    this.repaint();
    if (also) await this.select(also.side, also.token);
    await this.select(side, token);
  }

  private async select(side: TextSide, index: number): Promise<void> {
    const current = this.current;
    const token = current && sideTokens(current.result, side).tokens[index];
    const place = this.place(side);
    const editor = place.editors[0];
    if (!token || !editor || token.start === token.end) return;
    const document = editor.document;
    const selection = new vscode.Selection(document.positionAt(place.start + token.start), document.positionAt(place.start + token.end));
    if (!editor.selection.isEqual(selection)) this.ownSelections.set(document.uri.toString(), selection);
    editor.selection = selection;
    editor.revealRange(selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
}
