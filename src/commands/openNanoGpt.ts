// Runs in the extension host: "Open a nanoGPT checkpoint…" — asks for ckpt.pt (and meta.pkl when one sits beside it
// or the model turns out to be character-level), converts it with the person's Python under a cancellable
// notification, and selects the converted folder.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { QkvError } from '../../shared/errors';
import { convertCheckpoint, MetaNeeded, type Converted } from '../model/nanogpt/convertCheckpoint';
import { SECTION } from '../settings';
import { selectModel } from './selectModel';
import type { Services } from './services';

const META = 'meta.pkl';

/** @param checkpoint skip the file dialog (scripts and tests) @returns the converted model folder now in use */
export async function openNanoGpt(services: Services, checkpoint?: string, meta?: string): Promise<string | undefined> {
  const ckpt = checkpoint ??
    (await askFor(vscode.l10n.t('nanoGPT checkpoint (ckpt.pt)'), { [vscode.l10n.t('PyTorch checkpoint')]: ['pt', 'pth', 'ckpt'] }));
  if (!ckpt) return undefined;
  const beside = path.join(path.dirname(ckpt), META);
  let metaPath = meta ?? (fs.existsSync(beside) ? beside : undefined);
  const outDir = convertedFolder(services.context, ckpt);
  let converted: Converted;
  try {
    converted = await convertWithProgress(services, ckpt, metaPath, outDir);
  } catch (error) {
    if (!(error instanceof MetaNeeded)) throw error;
    metaPath = await askFor(vscode.l10n.t('{0} of this character-level model', META), { [vscode.l10n.t('nanoGPT meta.pkl')]: ['pkl'] });
    if (!metaPath) return undefined;
    converted = await convertWithProgress(services, ckpt, metaPath, outDir);
  }
  services.log.info(`nanoGPT ${ckpt} → ${outDir}: largest logit difference ${converted.largestDifference}`);
  void vscode.window.showInformationMessage(vscode.l10n.t(
    'Converted {0}: the graph matches the checkpoint (largest logit difference {1}).',
    path.basename(path.dirname(ckpt)), converted.largestDifference.toExponential(1)));
  return selectModel(services, outDir);
}

function convertWithProgress(services: Services, checkpoint: string, meta: string | undefined, outDir: string): Promise<Converted> {
  const python = vscode.workspace.getConfiguration(SECTION).get<string>('pythonPath', '').trim() || 'python3';
  return Promise.resolve(vscode.window.withProgress({
    location: vscode.ProgressLocation.Notification,
    title: vscode.l10n.t('Converting the nanoGPT checkpoint'),
    cancellable: true,
  }, async (progress, token) => {
    const abort = new AbortController();
    const cancelled = token.onCancellationRequested(() => abort.abort());
    try {
      return await convertCheckpoint({
        python, checkpoint, meta, outDir, signal: abort.signal,
        onLine: (line) => {
          services.log.info(`from_nanogpt: ${line}`);
          progress.report({ message: line });
        },
      });
    } finally {
      cancelled.dispose();
    }
  }));
}

async function askFor(title: string, filters: Record<string, string[]>): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({ canSelectFiles: true, canSelectFolders: false, canSelectMany: false, title,
    filters });
  return picked?.[0]?.fsPath;
}

/** One folder per checkpoint path in the extension's storage; converting it again replaces it. */
function convertedFolder(context: vscode.ExtensionContext, checkpoint: string): string {
  const name = path.basename(path.dirname(path.resolve(checkpoint))).replace(/[^\w.-]+/g, '_') || 'nanogpt';
  const hash = createHash('sha256').update(path.resolve(checkpoint)).digest('hex').slice(0, 8);
  if (!context.globalStorageUri) throw new QkvError('internal', 'The extension has no global storage folder.');
  return vscode.Uri.joinPath(context.globalStorageUri, 'nanogpt', `${name}-${hash}`).fsPath;
}
