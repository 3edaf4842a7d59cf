// Runs in the extension host: wires the services and registers commands and the panel serializer. Nothing else.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WebviewState } from '../shared/protocol';
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

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('QKV Scope', { log: true });
  const engine = new AttentionEngine(path.join(context.extensionPath, 'dist', 'engineWorker.js'));
  const panel = new AttentionPanel(context.extensionUri, log, (source) => void runAndShow(services, source, { quiet: true }));
  const services: Services = { context, log, runs: new LatestRun(engine), panel };

  context.subscriptions.push(
    log,
    panel,
    { dispose: () => void engine.dispose() },
    registerCommand(log, 'qkvScope.showAttention', vscode.l10n.t('Show Attention'), () => showAttention(services)),
    registerCommand(log, 'qkvScope.exportJson', vscode.l10n.t('Export Attention as JSON'),
      (scope?: ExportScope, target?: vscode.Uri | string) => exportJson(services, scope, target)),
    registerCommand(log, 'qkvScope.selectModel', vscode.l10n.t('Select Model'), (model?: string) => selectModel(services, model)),
    registerCommand(log, 'qkvScope.openNanoGpt', vscode.l10n.t('Open a nanoGPT checkpoint'),
      (checkpoint?: string, meta?: string) => openNanoGpt(services, checkpoint, meta)),
    registerCommand(log, 'qkvScope.deleteCachedModel', vscode.l10n.t('Delete Cached Model'), (name?: string) => deleteCachedModel(services, name)),
    panel.onDidRequestExport(() => void vscode.commands.executeCommand('qkvScope.exportJson')),
    vscode.window.registerWebviewPanelSerializer(AttentionPanel.viewType, {
      deserializeWebviewPanel: async (restored, state) => panel.restore(restored, state as WebviewState | undefined),
    }),
    watchSelection(services),
    ...registerInternalCommands(services),
  );
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
