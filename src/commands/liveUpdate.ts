// Runs in the extension host: with qkvScope.liveUpdate on, the open panel and the editor paint follow the person.
// Typing in the analysed text runs it again; a new selection (or the cursor on another line) runs that text;
// the cursor moving within the analysed text only picks the query (src/editor/editorLink.ts), it runs nothing.
// A typed key runs at once, after the other events of the same key (EDIT_DEBOUNCE_MS); a new selection waits for a
// short pause (DEBOUNCE_MS), so dragging the mouse makes one run. A run superseded by a newer one is cancelled
// (LatestRun), and the engine runs one at a time, so in a burst of keys at most one waits: the newest.
import * as vscode from 'vscode';
import type { TextOrigin } from '../editor/editorLink';
import { readSettings } from '../settings';
import { runAndShow, textToShow } from './showAttention';
import type { Services } from './services';

/** Long enough to merge the selection events of a mouse drag, short enough to stay well inside 100 ms. */
export const DEBOUNCE_MS = 20;
/**
 * A key's edit and the selection change that comes with it arrive together: one turn of the event loop merges them.
 * Waiting longer would only add to every keystroke → paint; a burst of keys is merged by cancelling instead.
 */
export const EDIT_DEBOUNCE_MS = 0;

interface LiveRun {
  readonly text: string;
  readonly origin: TextOrigin;
}

export function watchForLiveUpdate(services: Services): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  /** The newest run asked for; it replaces any that waits. */
  let waiting: (() => LiveRun | undefined) | undefined;
  const active = () => readSettings().liveUpdate && services.panel.isOpen;
  const schedule = (next: () => LiveRun | undefined, delay = DEBOUNCE_MS) => {
    waiting = next;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const run = waiting?.();
      waiting = undefined;
      if (run) void runAndShow(services, { text: run.text, model: readSettings().model }, { quiet: true, live: true }, run.origin);
    }, delay);
  };

  const selections = vscode.window.onDidChangeTextEditorSelection((event) => {
    const { document } = event.textEditor;
    const selection = event.selections[0];
    if (!active() || !selection || document.uri.scheme === 'output' || services.editor.covers(document, selection)) return;
    schedule(() => {
      const shown = textToShow(event.textEditor);
      // The same text in the same place is already on screen.
      const same = shown && shown.text === services.panel.shown?.result.text && services.editor.isAt(shown.origin);
      return shown && !same ? shown : undefined;
    });
  });
  const edits = services.editor.onDidEditText((origin) => {
    if (!active()) return;
    schedule(() => {
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === origin.uri.toString());
      if (!document) return undefined;
      const range = new vscode.Range(document.positionAt(origin.start), document.positionAt(origin.end));
      const text = document.getText(range);
      return text.trim() === '' ? undefined : { text, origin: { ...origin, version: document.version } };
    }, EDIT_DEBOUNCE_MS);
  });
  return new vscode.Disposable(() => {
    clearTimeout(timer);
    selections.dispose();
    edits.dispose();
  });
}
