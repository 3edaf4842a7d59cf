// Runs in the extension host: a command can never fail silently, and never shows a stack trace.
import * as vscode from 'vscode';
import { QkvError } from '../../shared/errors';

/** Shows one clear message for any error and writes the details to the log. Cancelling is not an error. */
export function reportError(log: vscode.LogOutputChannel, what: string, error: unknown): void {
  if (error instanceof QkvError && error.code === 'cancelled') {
    log.info(`${what}: ${error.message}`);
    return;
  }
  if (error instanceof QkvError && error.code !== 'internal') {
    log.warn(`${what}: ${error.message}`);
    void vscode.window.showErrorMessage(error.message);
    return;
  }
  const e = error instanceof Error ? error : new Error(String(error));
  log.error(`${what} failed`, e);
  const showOutput = vscode.l10n.t('Show Output');
  void vscode.window.showErrorMessage(vscode.l10n.t('{0} failed: {1}. Details are in the "QKV Scope" output.', what, e.message), showOutput)
    .then((choice) => choice === showOutput && log.show(true));
}

/** Registers a command whose errors are reported instead of thrown. */
export function registerCommand<Args extends unknown[], R>(
  log: vscode.LogOutputChannel, id: string, what: string, run: (...args: Args) => Promise<R>,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: Args): Promise<R | undefined> => {
    try {
      return await run(...args);
    } catch (error) {
      reportError(log, what, error);
      return undefined;
    }
  });
}
