// Runs in the extension host: the translation of the latest translator result as a read-only document of its own
// (scheme qkv-scope-translation), so that its tokens have ranges in an editor the way the source's do. It is one
// document per window, whose text follows the latest result, opened in a new editor group below the source text.
import * as vscode from 'vscode';

export const TRANSLATION_SCHEME = 'qkv-scope-translation';

export class TranslationDocument implements vscode.TextDocumentContentProvider, vscode.Disposable {
  /** The one translation document: its tab is named "Translation". */
  readonly uri = vscode.Uri.from({ scheme: TRANSLATION_SCHEME, path: `/${vscode.l10n.t('Translation')}` });
  private text = '';
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(TRANSLATION_SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return uri.toString() === this.uri.toString() ? this.text : '';
  }

  /** The document holds `text` now (VS Code reads it again); its open editors follow. */
  setText(text: string): void {
    if (text === this.text) return;
    this.text = text;
    this.changeEmitter.fire(this.uri);
  }

  /** Editors showing the translation, once their text is the current one (it arrives a moment after setText). */
  visibleEditors(): vscode.TextEditor[] {
    return vscode.window.visibleTextEditors.filter((e) => this.holds(e.document));
  }

  /** `document` is this translation, with its current text. */
  holds(document: vscode.TextDocument): boolean {
    return document.uri.toString() === this.uri.toString() && document.getText() === this.text;
  }

  isTranslation(document: vscode.TextDocument): boolean {
    return document.uri.toString() === this.uri.toString();
  }

  /**
   * Shows the translation below the source editor, unless an editor already shows it. Focus goes back to the
   * source, so the cursor can go straight onto a token.
   */
  async showBelow(source: vscode.TextEditor | undefined): Promise<void> {
    if (vscode.window.visibleTextEditors.some((e) => this.isTranslation(e.document))) return;
    const document = await vscode.workspace.openTextDocument(this.uri);
    if (!source?.viewColumn) {
      await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: false });
      return;
    }
    // No API opens a group below another: focus the source's group, then ask for a new group below it.
    await vscode.window.showTextDocument(source.document, { viewColumn: source.viewColumn, preserveFocus: false });
    await vscode.commands.executeCommand('workbench.action.newGroupBelow');
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Active, preserveFocus: false, preview: false });
    await vscode.window.showTextDocument(source.document, { viewColumn: source.viewColumn, preserveFocus: false });
  }

  /** Closes the editors of a translation the panel no longer shows (a model that does not translate ran). */
  async close(): Promise<void> {
    const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs)
      .filter((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === this.uri.toString());
    if (tabs.length > 0) await vscode.window.tabGroups.close(tabs, true);
  }

  dispose(): void {
    this.registration.dispose();
    this.changeEmitter.dispose();
  }
}
