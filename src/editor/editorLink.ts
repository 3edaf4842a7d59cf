// Runs in the extension host: the link between the result on the panel and the editor text it was read from.
// The cursor on a token of that text picks it as the query (panel and paint follow); a token clicked in the panel
// is selected and revealed in the editor; edits before the text move its range, edits inside it make the result
// stale (paint cleared, the panel offers a re-run). Token offsets are the engine's UTF-16 offsets, added to the
// document offset where the analysed text starts.
import * as vscode from 'vscode';
import type { AttentionResult } from '../../shared/attentionResult';
import type { HeadRef } from '../../shared/protocol';
import type { AttentionPanel } from '../panel/attentionPanel';
import { readSettings } from '../settings';
import { EditorPaint, type EditorPaintState } from './editorPaint';
import { followChanges, type TextRange } from './followEdits';
import { planPaint } from './paintPlan';
import { queryOfSelection } from './tokenAtOffset';

/** Where a run's text came from: a document, the range of the text in it, and the document version it was read at. */
export interface TextOrigin {
  readonly uri: vscode.Uri;
  readonly start: number;
  readonly end: number;
  readonly version: number;
}

interface Analysed {
  readonly uri: vscode.Uri;
  range: TextRange;
  readonly result: AttentionResult;
  readonly resultId: number;
  stale: boolean;
}

export interface LinkPainted {
  readonly resultId: number;
  /** performance.now() in the extension host when the decorations were set. */
  readonly at: number;
}

export class EditorLink implements vscode.Disposable {
  private analysed: Analysed | undefined;
  private ref: HeadRef = { layer: 0, head: 0 };
  private query: number | undefined;
  /** The selection this link set for a panel click, so that it is not taken for the person moving the cursor. */
  private ownSelection: vscode.Selection | undefined;
  private readonly paint: EditorPaint;
  private readonly paintEmitter = new vscode.EventEmitter<LinkPainted>();
  private readonly editEmitter = new vscode.EventEmitter<TextOrigin>();
  private readonly disposables: vscode.Disposable[];
  /** The editor paint was drawn (tests and the benchmark). */
  readonly onDidPaint = this.paintEmitter.event;
  /** The analysed text was edited: where it is now (live update runs it again). */
  readonly onDidEditText = this.editEmitter.event;

  constructor(
    private readonly panel: AttentionPanel,
    /** Runs the text at `origin` again (the panel's "Run again"). */
    private readonly rerun: (origin: TextOrigin) => void,
    revealCommand: string,
  ) {
    this.paint = new EditorPaint(revealCommand);
    this.disposables = [
      this.paint,
      this.paintEmitter,
      this.editEmitter,
      panel.onDidShowHead((ref) => {
        this.ref = ref;
        this.repaint();
      }),
      panel.onDidPickQuery(({ resultId, query }) => {
        if (resultId !== this.analysed?.resultId || query === this.query) return;
        this.query = query;
        this.repaint();
      }),
      panel.onDidRevealToken(({ resultId, token }) => void this.reveal(resultId, token)),
      // A translator's decoder and cross views are linked by TranslationLink: this paint is the encoder's.
      panel.onDidShowKind(() => this.repaint()),
      panel.onDidRequestRerun(() => this.runAgain()),
      vscode.window.onDidChangeTextEditorSelection((event) => this.selectionChanged(event)),
      vscode.workspace.onDidChangeTextDocument((event) => this.documentChanged(event)),
      vscode.window.onDidChangeVisibleTextEditors(() => this.repaint()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('qkvScope.paintEditor')) this.repaint();
      }),
    ];
  }

  /** A new result is on the panel; `origin` is where its text is in an editor (none after a panel restore). */
  attach(result: AttentionResult, resultId: number, ref: HeadRef, origin: TextOrigin | undefined): void {
    const document = origin && vscode.workspace.textDocuments.find((d) => d.uri.toString() === origin.uri.toString());
    this.analysed = origin && {
      uri: origin.uri, range: { start: origin.start, end: origin.end }, result, resultId,
      // Edited while the model ran: the offsets no longer fit the text.
      stale: document?.version !== origin.version,
    };
    this.ref = ref;
    this.query = undefined;
    this.ownSelection = undefined;
    const editor = vscode.window.activeTextEditor;
    if (editor && this.covers(editor.document, editor.selection)) this.pickFromSelection(editor.selection, editor.document);
    this.repaint();
  }

  /** The selection lies within the analysed text (or touches it): moving there picks a query, it is no new text. */
  covers(document: vscode.TextDocument, selection: vscode.Selection): boolean {
    const a = this.analysed;
    if (!a || document.uri.toString() !== a.uri.toString()) return false;
    return document.offsetAt(selection.start) >= a.range.start && document.offsetAt(selection.end) <= a.range.end;
  }

  /** The analysed text is at this place (and not stale). */
  isAt(origin: TextOrigin): boolean {
    const a = this.analysed;
    return !!a && !a.stale && a.uri.toString() === origin.uri.toString() && a.range.start === origin.start && a.range.end === origin.end;
  }

  /** Where the result's text is in its document, while it still matches it. */
  get origin(): TextOrigin | undefined {
    const a = this.analysed;
    const document = a && vscode.workspace.textDocuments.find((d) => d.uri.toString() === a.uri.toString());
    return a && document && !a.stale ? { uri: a.uri, start: a.range.start, end: a.range.end, version: document.version } : undefined;
  }

  clearPaint(): void {
    this.query = undefined;
    this.paint.clear();
  }

  /** What is painted now (tests). */
  get painted(): (EditorPaintState & { readonly resultId: number; readonly stale: boolean }) | undefined {
    const state = this.paint.state;
    return state && this.analysed && { ...state, resultId: this.analysed.resultId, stale: this.analysed.stale };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private repaint(): void {
    const a = this.analysed;
    const query = this.query;
    const { layers, heads } = a?.result.model ?? { layers: 0, heads: 0 };
    const editors = a ? vscode.window.visibleTextEditors.filter((e) => e.document.uri.toString() === a.uri.toString()) : [];
    if (!a || a.stale || query === undefined || this.panel.kind !== 'encoder' || query >= a.result.tokens.length ||
      this.ref.layer >= layers || this.ref.head >= heads ||
      editors.length === 0 || !readSettings().paintEditor) {
      this.paint.clear();
      return;
    }
    this.paint.paint(editors, a.range.start, a.result.tokens, planPaint(a.result, this.ref, query, vscode.l10n));
    this.paintEmitter.fire({ resultId: a.resultId, at: performance.now() });
  }

  private selectionChanged(event: vscode.TextEditorSelectionChangeEvent): void {
    const selection = event.selections[0];
    if (this.ownSelection && selection?.isEqual(this.ownSelection)) {
      this.ownSelection = undefined;
      return;
    }
    if (!selection || this.analysed?.stale || this.panel.kind !== 'encoder' || !this.covers(event.textEditor.document, selection)) return;
    this.pickFromSelection(selection, event.textEditor.document);
  }

  /** The cursor (or a one-token selection) is on a token: make it the query, here and in the panel. */
  private pickFromSelection(selection: vscode.Selection, document: vscode.TextDocument): void {
    const a = this.analysed;
    if (!a || a.stale) return;
    const query = queryOfSelection(a.result.tokens, document.offsetAt(selection.start) - a.range.start,
      document.offsetAt(selection.end) - a.range.start);
    if (query === undefined || query === this.query) return;
    this.query = query;
    this.panel.pickQuery(a.resultId, query);
    this.repaint();
  }

  private documentChanged(event: vscode.TextDocumentChangeEvent): void {
    const a = this.analysed;
    if (!a || event.contentChanges.length === 0 || event.document.uri.toString() !== a.uri.toString()) return;
    this.paint.textEdited();
    const live = readSettings().liveUpdate;
    const followed = followChanges(a.range, event.contentChanges, live);
    a.range = followed.range;
    if (!followed.inside) {
      if (!a.stale) this.repaint(); // the ranges moved with the text
      return;
    }
    const origin = { uri: a.uri, start: a.range.start, end: a.range.end, version: event.document.version };
    if (live) {
      // The paint stays (VS Code moves it with the text) until the new result replaces it: no flicker per keystroke.
      a.stale = true;
      this.editEmitter.fire(origin);
      return;
    }
    if (a.stale) return;
    a.stale = true;
    this.paint.clear();
    this.panel.setStatus({ state: 'stale', message: vscode.l10n.t('The text changed in the editor since this run.') });
  }

  private async reveal(resultId: number, index: number): Promise<void> {
    const a = this.analysed;
    const token = a?.result.tokens[index];
    if (!a || a.stale || resultId !== a.resultId || !token || token.start === token.end) return;
    const document = await vscode.workspace.openTextDocument(a.uri);
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === document) ??
      await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, preserveFocus: true, preview: false });
    const selection = new vscode.Selection(document.positionAt(a.range.start + token.start),
      document.positionAt(a.range.start + token.end));
    if (!editor.selection.isEqual(selection)) this.ownSelection = selection;
    editor.selection = selection;
    editor.revealRange(selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private runAgain(): void {
    const a = this.analysed;
    const document = a && vscode.workspace.textDocuments.find((d) => d.uri.toString() === a.uri.toString());
    if (a && document) this.rerun({ uri: a.uri, start: a.range.start, end: a.range.end, version: document.version });
  }
}
