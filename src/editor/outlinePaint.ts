// Runs in the extension host: the outline of a query token that sits in another document than the paint — a
// translator's source token while the translation is painted, or the reverse. The plain attention paint outlines
// its query itself (editorPaint.ts); both use these decoration options.
import * as vscode from 'vscode';

export const QUERY_OUTLINE: vscode.DecorationRenderOptions = {
  outlineColor: new vscode.ThemeColor('qkvScope.queryOutline'),
  outlineStyle: 'solid',
  outlineWidth: '2px',
  borderRadius: '2px',
};

/** Where the outline is, in document offsets (tests). */
export interface OutlinePlace {
  readonly uri: string;
  readonly start: number;
  readonly end: number;
}

export class OutlinePaint implements vscode.Disposable {
  private readonly type = vscode.window.createTextEditorDecorationType(QUERY_OUTLINE);
  private painted: readonly vscode.TextEditor[] = [];
  private place: OutlinePlace | undefined;

  /** Outlines [start, end) in every editor of `editors` (one document), and nowhere else. */
  show(editors: readonly vscode.TextEditor[], start: number, end: number): void {
    for (const editor of this.painted) if (!editors.includes(editor)) editor.setDecorations(this.type, []);
    for (const editor of editors) {
      const at = (offset: number) => editor.document.positionAt(offset);
      editor.setDecorations(this.type, [new vscode.Range(at(start), at(end))]);
    }
    this.painted = editors;
    const uri = editors[0]?.document.uri.toString();
    this.place = uri === undefined ? undefined : { uri, start, end };
  }

  clear(): void {
    this.show([], 0, 0);
  }

  get state(): OutlinePlace | undefined {
    return this.place;
  }

  dispose(): void {
    this.clear();
    this.type.dispose();
  }
}
