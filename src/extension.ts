// Runs in the extension host: wires the services and registers commands and the panel serializer. Nothing else.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AttentionEngine } from './attention/attentionEngine';
import { LatestRun } from './attention/latestRun';
import { deleteCachedModel } from './commands/deleteCachedModel';
import { exportJson, type ExportScope } from './commands/exportJson';
import { registerInternalCommands } from './commands/internalCommands';
import { watchSelection } from './commands/liveUpdate';
import { openNanoGpt } from './commands/openNanoGpt';
import { registerCommand } from './commands/reportErrors';
import { selectModel } from './commands/selectModel';
import type { Services } from './commands/services';
import { runAndShow, showAttention } from './commands/showAttention';
import { AttentionPanel } from './panel/attentionPanel';
import { readSettings } from './settings';

/** Set while active: VS Code waits for the promise deactivate() returns, so the worker stops cleanly. */
let stopEngine: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('QKV Scope', { log: true });
  const engine = new AttentionEngine(path.join(context.extensionPath, 'dist', 'engineWorker.js'));
  stopEngine = () => engine.dispose();
  const panel = new AttentionPanel(context.extensionUri, log, (text) => void runAndShow(services, { text, model: readSettings().model }, { quiet: true }));
  const services: Services = { context, log, runs: new LatestRun(engine), panel };

  context.subscriptions.push(
    log,
    panel,
    { dispose: () => void engine.dispose() },
    registerCommand(log, 'qkvScope.showAttention', 'Show Attention', () => showAttention(services)),
    registerCommand(log, 'qkvScope.exportJson', 'Export Attention as JSON',
      (scope?: ExportScope, target?: vscode.Uri | string) => exportJson(services, scope, target)),
    registerCommand(log, 'qkvScope.selectModel', 'Select Model', (model?: string) => selectModel(services, model)),
    registerCommand(log, 'qkvScope.openNanoGpt', 'Open a nanoGPT checkpoint',
      (checkpoint?: string, meta?: string) => openNanoGpt(services, checkpoint, meta)),
    registerCommand(log, 'qkvScope.deleteCachedModel', 'Delete Cached Model', (name?: string) => deleteCachedModel(services, name)),
    panel.onDidRequestExport(() => void vscode.commands.executeCommand('qkvScope.exportJson')),
    vscode.window.registerWebviewPanelSerializer(AttentionPanel.viewType, {
      deserializeWebviewPanel: async (restored, state: unknown) => panel.restore(restored, state),
    }),
    watchSelection(services),
    ...registerInternalCommands(services),
  );
}

export function deactivate(): Promise<void> | undefined {
  // Everything else is in context.subscriptions; the engine's worker may need a moment to leave onnxruntime.
  return stopEngine?.();
}
