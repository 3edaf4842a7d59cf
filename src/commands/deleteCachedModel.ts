// Runs in the extension host: "Delete Cached Model" — pick a downloaded hub model and remove its files.
import * as vscode from 'vscode';
import { formatBytes } from '../model/hub/downloadText';
import { deleteCachedModel as deleteFromCache, listCachedModels, type CachedModel } from '../model/hub/hubCache';
import { modelCacheDir } from '../settings';
import type { Services } from './services';

type CachedItem = vscode.QuickPickItem & { readonly cached: CachedModel };

/** @param name skip the picker and the confirmation (scripts and tests) @returns the name deleted */
export async function deleteCachedModel(services: Services, name?: string): Promise<string | undefined> {
  const cacheDir = modelCacheDir(services.context);
  const cached = listCachedModels(cacheDir);
  if (cached.length === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('No hub models are cached. Models download when Show Attention first uses them.'));
    return undefined;
  }
  const chosen = name === undefined ? await pickAndConfirm(cached) : cached.find((m) => m.name === name);
  if (!chosen) return undefined;
  await deleteFromCache(cacheDir, chosen);
  services.log.info(`Deleted cached model ${chosen.name} (${formatBytes(chosen.bytes)}) from ${chosen.dir}`);
  void vscode.window.showInformationMessage(vscode.l10n.t('Deleted {0} ({1}).', chosen.name, formatBytes(chosen.bytes)));
  return chosen.name;
}

async function pickAndConfirm(cached: readonly CachedModel[]): Promise<CachedModel | undefined> {
  const picked = await vscode.window.showQuickPick(
    cached.map((m): CachedItem => ({ label: m.name, description: formatBytes(m.bytes), detail: m.dir, cached: m })),
    { title: vscode.l10n.t('QKV Scope: Delete Cached Model'), placeHolder: vscode.l10n.t('Which downloaded model should be deleted?') },
  );
  if (!picked) return undefined;
  const remove = vscode.l10n.t('Delete');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('Delete {0} ({1}) from the cache? It downloads again the next time it is used.', picked.cached.name,
      formatBytes(picked.cached.bytes)),
    { modal: true }, remove);
  return answer === remove ? picked.cached : undefined;
}
