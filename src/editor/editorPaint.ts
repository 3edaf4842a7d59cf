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
  /** Per editor, what each decoration type shows now; an editor VS Code drops takes its entry with it. */
  private sent = new WeakMap<vscode.TextEditor, Map<vscode.TextEditorDecorationType, string>>();
  private current: EditorPaintState | undefined;
  private statusShown = false;

  constructor(revealCommand: string) {
    this.steps = Array.from({ length: PAINT_STEPS }, () =>
      vscode.window.createTextEditorDecorationType({ backgroundColor: new vscode.ThemeColor('qkvScope.attentionPaint') }));
    this.queryOutline = vscode.window.createTextEditorDecorationType(QUERY_OUTLINE);
    this.hoverOnly = vscode.window.createTextEditorDecorationType({});
    this.status = vscode.window.createStatusBarItem('qkvScope.attention', vscode.StatusBarAlignment.Right, 100);
    this.status.name = vscode.l10n.t('QKV Scope attention');
    this.status.command = { command: revealCommand, title: vscode.l10n.t('Show the QKV Scope panel') };
    this.status.tooltip = vscode.l10n.t('QKV Scope: the key this query token attends to most. Click to show the panel.');
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
      const layers = new Map<vscode.TextEditorDecorationType, readonly PaintedKey[]>();
      // Step 1 carries the hovers; the steps above it only darken.
      this.steps.forEach((type, index) => layers.set(type, keys.filter((key) => key.step > index)));
      layers.set(this.hoverOnly, keys.filter((key) => key.step === 0));
      layers.set(this.queryOutline, keys.filter((key) => key.token === plan.query));
      const withHover = new Set([this.steps[0], this.hoverOnly]);
      for (const editor of editors) {
        const sent = this.sentTo(editor);
        for (const [type, layer] of layers) {
          // Only what changed crosses to the window: a keystroke or a head switch often leaves most layers as they were.
          const signature = layerSignature(layer, withHover.has(type));
          if (sent.get(type) === signature) continue;
          sent.set(type, signature);
          const options = withHover.has(type) ? layer.map((key) => ({ range: range(key), hoverMessage: hover(key) })) : layer.map(range);
          editor.setDecorations(type, options);
        }
      }
    }
    this.painted = [...editors];
    const text = `$(eye) ${escapeIcons(plan.strongest)}`;
    // Each change to the item is a message to the window: set what differs only.
    if (this.status.text !== text) this.status.text = text;
    if (!this.statusShown) {
      this.status.show();
      this.statusShown = true;
    }
    this.current = document && { uri: document.uri.toString(), query: plan.query, keys, status: this.status.text };
  }

  /**
   * The document was edited: VS Code has moved the decorations with the text, so what was sent no longer says where
   * they are. The next paint sends every layer again.
   */
  textEdited(): void {
    this.sent = new WeakMap();
  }

  clear(): void {
    for (const editor of this.painted) this.clearEditor(editor);
    this.painted = [];
    if (this.statusShown) this.status.hide();
    this.statusShown = false;
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
    const sent = this.sentTo(editor);
    for (const type of [...this.steps, this.queryOutline, this.hoverOnly]) {
      if (sent.get(type) === '') continue;
      sent.set(type, '');
      editor.setDecorations(type, []);
    }
  }

  /** What each decoration type last showed in this editor, as layerSignature. */
  private sentTo(editor: vscode.TextEditor): Map<vscode.TextEditorDecorationType, string> {
    let sent = this.sent.get(editor);
    if (!sent) {
      sent = new Map();
      this.sent.set(editor, sent);
    }
    return sent;
  }
}

/** The ranges (and hovers) of a layer, as one string: two paints that give the same string look the same. */
function layerSignature(keys: readonly PaintedKey[], withHover: boolean): string {
  return keys.map((key) => `${key.start}:${key.end}${withHover ? `:${key.hover}` : ''}`).join('\n');
}

/** Token text such as "$(x" would otherwise draw an icon in the status bar. */
function escapeIcons(text: string): string {
  return text.replace(/\$\(/g, '$\u200b(');
}
