// Runs in the extension host: attention painted on the editor text. Each key token's exact range gets the theme
// colour qkvScope.attentionPaint laid over it once per shade step (the steps stack, so a stronger weight is
// darker), the query token gets an outline, every token a hover with its weight and rank, and the status bar
// item names the strongest key. Clicking the item reveals the panel.
import * as vscode from 'vscode';
import type { Token } from '../../shared/attentionResult';
import { QUERY_OUTLINE } from './outlinePaint';
import { PAINT_STEPS, type PaintPlan } from './paintPlan';

/** What is painted, in document offsets: for the tests and the benchmark. */
export interface PaintedKey {
  readonly token: number;
  readonly start: number;
  readonly end: number;
  readonly step: number;
  readonly weight: number;
  readonly masked: boolean;
  readonly hover: string;
}

export interface EditorPaintState {
  readonly uri: string;
  readonly query: number;
  readonly keys: readonly PaintedKey[];
  readonly status: string;
}

export class EditorPaint implements vscode.Disposable {
  private readonly steps: vscode.TextEditorDecorationType[];
  private readonly queryOutline: vscode.TextEditorDecorationType;
  /** Hovers of tokens that get no paint (masked, or too faint). */
  private readonly hoverOnly: vscode.TextEditorDecorationType;
  private readonly status: vscode.StatusBarItem;
  private painted: vscode.TextEditor[] = [];
  private current: EditorPaintState | undefined;

  constructor(revealCommand: string) {
    this.steps = Array.from({ length: PAINT_STEPS }, () =>
      vscode.window.createTextEditorDecorationType({ backgroundColor: new vscode.ThemeColor('qkvScope.attentionPaint') }));
    this.queryOutline = vscode.window.createTextEditorDecorationType(QUERY_OUTLINE);
    this.hoverOnly = vscode.window.createTextEditorDecorationType({});
    this.status = vscode.window.createStatusBarItem('qkvScope.attention', vscode.StatusBarAlignment.Right, 100);
    this.status.name = vscode.l10n.t('QKV Scope attention');
    this.status.command = { command: revealCommand, title: vscode.l10n.t('Show the QKV Scope panel') };
  }

  /** Paints `plan` on every editor of the document; `textStart` is where the analysed text begins in it. */
  paint(editors: readonly vscode.TextEditor[], textStart: number, tokens: readonly Token[], plan: PaintPlan): void {
    const document = editors[0]?.document;
    const keys: PaintedKey[] = plan.keys
      .filter((key) => tokens[key.token].start < tokens[key.token].end)
      .map((key) => ({ ...key, start: textStart + tokens[key.token].start, end: textStart + tokens[key.token].end }));
    for (const editor of this.painted) if (!editors.includes(editor)) this.clearEditor(editor);
    if (document) {
      const range = (key: PaintedKey) => new vscode.Range(document.positionAt(key.start), document.positionAt(key.end));
      const hover = (key: PaintedKey) => new vscode.MarkdownString().appendText(key.hover);
      const withHover = keys.filter((key) => key.step > 0).map((key) => ({ range: range(key), hoverMessage: hover(key) }));
      const quiet = keys.filter((key) => key.step === 0).map((key) => ({ range: range(key), hoverMessage: hover(key) }));
      const query = keys.filter((key) => key.token === plan.query).map(range);
      for (const editor of editors) {
        this.steps.forEach((type, index) => {
          // Step 1 carries the hovers; the steps above it only darken.
          const ranges = index === 0 ? withHover : keys.filter((key) => key.step > index).map(range);
          editor.setDecorations(type, ranges);
        });
        editor.setDecorations(this.hoverOnly, quiet);
        editor.setDecorations(this.queryOutline, query);
      }
    }
    this.painted = [...editors];
    this.status.text = `$(eye) ${escapeIcons(plan.strongest)}`;
    this.status.tooltip = vscode.l10n.t('QKV Scope: the key this query token attends to most. Click to show the panel.');
    this.status.show();
    this.current = document && { uri: document.uri.toString(), query: plan.query, keys, status: this.status.text };
  }

  clear(): void {
    for (const editor of this.painted) this.clearEditor(editor);
    this.painted = [];
    this.status.hide();
    this.current = undefined;
  }

  /** What is on the editor now. */
  get state(): EditorPaintState | undefined {
    return this.current;
  }

  dispose(): void {
    this.clear();
    for (const type of [...this.steps, this.queryOutline, this.hoverOnly]) type.dispose();
    this.status.dispose();
  }

  private clearEditor(editor: vscode.TextEditor): void {
    for (const type of [...this.steps, this.queryOutline, this.hoverOnly]) editor.setDecorations(type, []);
  }
}

/** Token text such as "$(x" would otherwise draw an icon in the status bar. */
function escapeIcons(text: string): string {
  return text.replace(/\$\(/g, '$\u200b(');
}
