// Runs in the extension host: with qkvScope.liveUpdate on, the open panel follows the selection.
import * as vscode from 'vscode';
import { readSettings } from '../settings';
import { runAndShow, textToShow } from './showAttention';
import type { Services } from './services';

const DEBOUNCE_MS = 400;

export function watchSelection(services: Services): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  let lastText: string | undefined;
  const listener = vscode.window.onDidChangeTextEditorSelection((event) => {
    if (!readSettings().liveUpdate || !services.panel.isOpen || event.textEditor.document.uri.scheme === 'output') return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const text = textToShow(event.textEditor);
      if (text === undefined || text === lastText) return;
      lastText = text;
      void runAndShow(services, { text, model: readSettings().model }, { quiet: true });
    }, DEBOUNCE_MS);
  });
  return new vscode.Disposable(() => {
    clearTimeout(timer);
    listener.dispose();
  });
}
