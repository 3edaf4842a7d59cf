// Runs in the extension host: "Export Attention as JSON" — the current head, layer or whole model, written off-thread.
import * as vscode from 'vscode';
import type { ExportSelection } from '../../shared/exportSchema';
import { exportInWorker } from '../export/exportInWorker';
import type { Services } from './services';

export type ExportScope = 'head' | 'layer' | 'model';

/**
 * @param scope skip the scope picker (used by scripts and tests)
 * @param target skip the save dialog
 * @returns the file written, or undefined when nothing was written
 */
export async function exportJson(services: Services, scope?: ExportScope, target?: vscode.Uri | string): Promise<string | undefined> {
  const shown = services.panel.shown;
  if (!shown) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Run Show Attention first: there is no attention to export yet.'));
    return undefined;
  }
  const { result, ref } = shown;
  const chosenScope = scope ?? (await pickScope(result.model.layers, result.model.heads, result.tokens.length, ref));
  if (!chosenScope) return undefined;
  const uri = typeof target === 'string' ? vscode.Uri.file(target) : target ?? (await pickTarget());
  if (!uri) return undefined;
  if (uri.scheme !== 'file') {
    void vscode.window.showErrorMessage(vscode.l10n.t('QKV Scope can export only to a file on this machine, not to {0}.', uri.toString()));
    return undefined;
  }
  const selection: ExportSelection =
    chosenScope === 'head' ? { layers: [ref.layer], heads: [ref.head] } : chosenScope === 'layer' ? { layers: [ref.layer] } : {};
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Exporting attention to {0}…', uri.fsPath), cancellable: true },
    (_progress, token) => {
      const cancel = new AbortController();
      token.onCancellationRequested(() => cancel.abort());
      return exportInWorker(uri.fsPath, result, selection, cancel.signal);
    },
  );
  services.log.info(`Exported ${chosenScope} (${JSON.stringify(selection)}) to ${uri.fsPath}`);
  void vscode.window.showInformationMessage(vscode.l10n.t('Exported attention to {0}.', uri.fsPath));
  return uri.fsPath;
}

async function pickScope(layers: number, heads: number, tokens: number,
  ref: { layer: number; head: number }): Promise<ExportScope | undefined> {
  // Rough size: each float is ~11 characters of JSON; per head n² attention + 3·n·d vectors (d ≈ 64 is typical).
  const perHead = tokens * tokens + 3 * tokens * 64;
  const size = (count: number) => `~${Math.max(1, Math.round((count * perHead * 11) / 1e6))} MB`;
  const items: (vscode.QuickPickItem & { scope: ExportScope })[] = [
    { scope: 'head', label: vscode.l10n.t('Current head'),
      description: vscode.l10n.t('Layer {0} · Head {1}', ref.layer + 1, ref.head + 1) },
    { scope: 'layer', label: vscode.l10n.t('Current layer'), description: vscode.l10n.t('Layer {0}, all {1} heads', ref.layer + 1, heads) },
    { scope: 'model', label: vscode.l10n.t('Whole model'),
      description: vscode.l10n.t('{0} layers × {1} heads, {2}', layers, heads, size(layers * heads)) },
  ];
  const picked = await vscode.window.showQuickPick(items,
    { title: vscode.l10n.t('Export Attention as JSON'), placeHolder: vscode.l10n.t('What to export') });
  return picked?.scope;
}

async function pickTarget(): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return vscode.window.showSaveDialog({
    title: vscode.l10n.t('Export Attention as JSON'),
    defaultUri: folder ? vscode.Uri.joinPath(folder, 'attention.json') : undefined,
    filters: { JSON: ['json'] },
  });
}
