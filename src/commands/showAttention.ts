// Runs in the extension host: "Show Attention" — read the selection (or the current line), run the model, show the panel.
import * as vscode from 'vscode';
import type { RunRequest, RunStage } from '../attention/workerProtocol';
import type { TextOrigin } from '../editor/editorLink';
import { describeProgress } from '../model/hub/downloadText';
import type { ResultSource } from '../panel/attentionPanel';
import { modelBaseDir, modelCacheDir, readSettings, type Settings } from '../settings';
import { reportError } from './reportErrors';
import { withRunProgress, type ProgressKind } from './runProgress';
import type { Services } from './services';

/** What the command returns, for scripts and tests: what was shown. */
export interface ShowAttentionOutcome {
  readonly model: string;
  readonly tokens: number;
  readonly layers: number;
  readonly heads: number;
}

const STAGE_MESSAGES: Record<RunStage, string> = {
  'loading-model': vscode.l10n.t('Loading the model…'),
  tokenizing: vscode.l10n.t('Tokenizing…'),
  running: vscode.l10n.t('Running the model…'),
};

export async function showAttention(services: Services): Promise<ShowAttentionOutcome | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open a file and select some text, then run QKV Scope: Show Attention.'));
    return undefined;
  }
  const shown = textToShow(editor);
  if (shown === undefined) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('There is nothing to show: select some text, or put the cursor on a line that has text.'));
    return undefined;
  }
  return runAndShow(services, { text: shown.text, model: readSettings().model }, { quiet: false }, shown.origin);
}

/** The selection; with none, the line under the cursor; undefined when both are blank. With where it is. */
export function textToShow(editor: vscode.TextEditor): { readonly text: string; readonly origin: TextOrigin } | undefined {
  const { selection, document } = editor;
  const range = selection.isEmpty ? document.lineAt(selection.active.line).range : selection;
  const text = document.getText(range);
  if (text.trim() === '') return undefined;
  return { text,
    origin: { uri: document.uri, start: document.offsetAt(range.start), end: document.offsetAt(range.end), version: document.version } };
}

/**
 * Runs a source and shows it. `quiet` runs (live update, restore) show progress in the status bar
 * instead of a notification; `live` runs (as the person types) show it only when slow, and leave the panel's status
 * line alone, so it does not flicker per keystroke. A run superseded by a newer one ends quietly. `origin` links the
 * result to the editor text it was read from.
 */
export async function runAndShow(
  services: Services, source: ResultSource, options: { quiet: boolean; live?: boolean }, origin?: TextOrigin,
): Promise<ShowAttentionOutcome | undefined> {
  const { runs, panel, log } = services;
  const settings = readSettings();
  if (panel.isOpen && !options.live) panel.setStatus({ state: 'running', message: vscode.l10n.t('Running {0}…', source.model) });
  const started = Date.now();
  try {
    const kind: ProgressKind = options.live ? 'window-when-slow' : options.quiet ? 'window' : 'notification';
    const result = await withRunProgress(kind, vscode.l10n.t('QKV Scope'), (report, signal) =>
      runs.run(runRequest(services, source, settings), {
        signal,
        onProgress: (stage) => report(STAGE_MESSAGES[stage]),
        // File name, bytes and percent of a hub download; Cancel on the notification stops it.
        onDownload: (p) => {
          report(vscode.l10n.t('Downloading {0}', describeProgress(p)));
          if (p.total !== null && p.loaded === p.total) log.info(`Downloaded ${p.model}: ${describeProgress(p)}`);
        },
      }));
    log.info(`Ran ${source.model} (${result.model.onnxFile ?? 'onnx'}) on ${result.tokens.length} tokens in ${Date.now() - started} ms`);
    for (const note of result.model.notes ?? []) log.warn(note);
    panel.show(result, source);
    const shown = panel.shown;
    if (shown) {
      services.editor.attach(result, shown.resultId, shown.ref, origin);
      await services.translation.attach(result, shown.resultId, shown.ref, !options.live && origin !== undefined);
    }
    return { model: result.model.id, tokens: result.tokens.length, layers: result.model.layers, heads: result.model.heads };
  } catch (error) {
    const cancelled = error instanceof Error && 'code' in error && error.code === 'cancelled';
    if (panel.isOpen && !runs.busy) panel.setStatus(cancelled ? { state: 'idle' } : { state: 'error', message: (error as Error).message });
    // A live run that failed leaves no paint on text it does not match.
    if (options.live && !cancelled) services.editor.clearPaint();
    reportError(log, vscode.l10n.t('Show Attention'), error);
    return undefined;
  }
}

/** The engine request for a source, with the model settings: precision, mirror, cache folder, network or not. */
function runRequest(services: Services, source: ResultSource, settings: Settings): RunRequest {
  return {
    text: source.text,
    model: source.model,
    maxTokens: settings.maxTokens,
    baseDir: modelBaseDir(),
    precision: settings.modelPrecision,
    ...(settings.targetLanguage ? { targetLang: settings.targetLanguage } : {}),
    hub: {
      cacheDir: modelCacheDir(services.context), endpoint: settings.hubEndpoint, allowRemote: settings.allowRemoteModels,
      limits: { maxBytes: settings.maxDownloadBytes },
    },
  };
}
