// Runs in the extension host: wires the services and registers commands and the panel serializer. Nothing else.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AttentionEngine } from './attention/attentionEngine';
import { LatestRun } from './attention/latestRun';
import { deleteCachedModel } from './commands/deleteCachedModel';
import { exportImage } from './commands/exportImage';
import { exportJson, type ExportScope } from './commands/exportJson';
import { registerEditorTestCommands } from './commands/editorTestCommands';
import { registerInternalCommands } from './commands/internalCommands';
import { watchForLiveUpdate } from './commands/liveUpdate';
import { openNanoGpt } from './commands/openNanoGpt';
import { registerCommand } from './commands/reportErrors';
import { selectModel } from './commands/selectModel';
import type { Services } from './commands/services';
import { runAndShow, showAttention } from './commands/showAttention';
import { explainStrongestCell, nextHead, openSample } from './commands/walkthrough';
import { EditorLink, type TextOrigin } from './editor/editorLink';
import { TranslationLink } from './editor/translationLink';
import { AttentionPanel } from './panel/attentionPanel';
import { readSettings } from './settings';

const SHOW_PANEL = 'qkvScope.showPanel';

/** Set while active: VS Code waits for the promise deactivate() returns, so the worker stops cleanly. */
let stopEngine: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('QKV Scope', { log: true });
  // A child process: a crash inside onnxruntime cannot take the extension host (and every other extension) down.
  const engine = new AttentionEngine(path.join(context.extensionPath, 'dist', 'engineWorker.js'),
    (backend) => log.info(`Attention runs on ${backend.description}`), 'process');
  stopEngine = () => engine.dispose();
  const panel = new AttentionPanel(context.extensionUri, log,
    (text) => void runAndShow(services, { text, model: readSettings().model }, { quiet: true }));
  const rerun = (origin: TextOrigin) => {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === origin.uri.toString());
    const text = document?.getText(new vscode.Range(document.positionAt(origin.start), document.positionAt(origin.end)));
    if (text?.trim()) void runAndShow(services, { text, model: readSettings().model }, { quiet: true }, origin);
  };
  const editor = new EditorLink(panel, rerun, SHOW_PANEL);
  const translation = new TranslationLink(panel, editor, SHOW_PANEL);
  const services: Services = { context, log, runs: new LatestRun(engine), panel, editor, translation };

  context.subscriptions.push(
    log,
    panel,
    editor,
    translation,
    { dispose: () => void engine.dispose() },
    registerCommand(log, 'qkvScope.showAttention', vscode.l10n.t('Show Attention'), () => showAttention(services)),
    registerCommand(log, 'qkvScope.exportJson', vscode.l10n.t('Export Attention as JSON'),
      (scope?: ExportScope, target?: vscode.Uri | string) => exportJson(services, scope, target)),
    registerCommand(log, 'qkvScope.exportImage', vscode.l10n.t('Export Image'),
      (target?: vscode.Uri | string) => exportImage(services, target)),
    registerCommand(log, 'qkvScope.selectModel', vscode.l10n.t('Select Model'), (model?: string) => selectModel(services, model)),
    registerCommand(log, 'qkvScope.openSample', vscode.l10n.t('Open Sample Text'), () => openSample(services)),
    registerCommand(log, 'qkvScope.nextHead', vscode.l10n.t('Next Head'), async () => nextHead(services)),
    registerCommand(log, 'qkvScope.explainCell', vscode.l10n.t('Explain the Strongest Cell'), async () => explainStrongestCell(services)),
    registerCommand(log, 'qkvScope.openNanoGpt', vscode.l10n.t('Open a nanoGPT checkpoint'),
      (checkpoint?: string, meta?: string) => openNanoGpt(services, checkpoint, meta)),
    registerCommand(log, 'qkvScope.deleteCachedModel', vscode.l10n.t('Delete Cached Model'),
      (name?: string) => deleteCachedModel(services, name)),
    panel.onDidRequestExport(() => void vscode.commands.executeCommand('qkvScope.exportJson')),
    panel.onDidRequestImage(() => void vscode.commands.executeCommand('qkvScope.exportImage')),
    vscode.window.registerWebviewPanelSerializer(AttentionPanel.viewType, {
      deserializeWebviewPanel: async (restored, state: unknown) => panel.restore(restored, state),
    }),
    registerCommand(log, SHOW_PANEL, vscode.l10n.t('Show Panel'), async () => panel.reveal()),
    registerCommand(log, 'qkvScope.clearPaint', vscode.l10n.t('Clear Attention Paint'), async () => {
      editor.clearPaint();
      translation.clearPaint();
    }),
    watchForLiveUpdate(services),
    // Commands for tests and benchmarks exist only in development and test runs, never in an installed extension.
    ...(context.extensionMode === vscode.ExtensionMode.Production
      ? [] : [...registerInternalCommands(services), ...registerEditorTestCommands(services)]),
  );
}

export function deactivate(): Promise<void> | undefined {
  // Everything else is in context.subscriptions; the engine's worker may need a moment to leave onnxruntime.
  return stopEngine?.();
}
