// Runs in the extension host: how a run shows that it is working. A command's run shows a cancellable notification;
// a quiet run (a restore) a status bar progress; a live run (as the person types) shows one only when it is slow,
// so a fast run of the embedded model sends the window nothing at all between the keystroke and its paint.
import * as vscode from 'vscode';

export type ProgressKind = 'notification' | 'window' | 'window-when-slow';

/** A live run that takes longer than this shows the status bar progress for the rest of its time. */
export const SLOW_RUN_MS = 400;

/**
 * Runs `task` with the kind of progress asked for. `report` puts a message on the progress (kept until the progress
 * shows, for a slow live run); `signal` aborts when the person cancels the notification.
 */
export function withRunProgress<T>(
  kind: ProgressKind, title: string, task: (report: (message: string) => void, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (kind !== 'window-when-slow') {
    const notification = kind === 'notification';
    const location = notification ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window;
    return Promise.resolve(vscode.window.withProgress({ location, title, cancellable: notification }, (progress, token) => {
      const cancel = new AbortController();
      token.onCancellationRequested(() => cancel.abort());
      return task((message) => progress.report({ message }), cancel.signal);
    }));
  }
  let last: string | undefined;
  let shown: ((message: string) => void) | undefined;
  const running = task((message) => {
    last = message;
    shown?.(message);
  }, new AbortController().signal);
  const timer = setTimeout(() => void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, (progress) => {
    shown = (message) => progress.report({ message });
    if (last !== undefined) shown(last);
    return running.catch(() => undefined);
  }), SLOW_RUN_MS);
  return running.finally(() => clearTimeout(timer));
}
