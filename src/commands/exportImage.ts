// Runs in the extension host: "Export Image…" — the panel's current view (heatmap, all-heads grid or what-if
// triplet) as a PNG at 2× or an SVG of real vectors and text, drawn by the webview and written here atomically.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ImageFormat } from '../../shared/protocol';
import type { Services } from './services';

const formatOf = (file: string): ImageFormat | undefined => {
  const ext = path.extname(file).toLowerCase();
  return ext === '.png' ? 'png' : ext === '.svg' ? 'svg' : undefined;
};

/**
 * @param target skip the save dialog (scripts and tests); its extension, .png or .svg, picks the format
 * @returns the file written, or undefined when nothing was written
 */
export async function exportImage(services: Services, target?: vscode.Uri | string): Promise<string | undefined> {
  if (!services.panel.shown) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Run Show Attention first: there is no picture to export yet.'));
    return undefined;
  }
  const uri = typeof target === 'string' ? vscode.Uri.file(target) : target ?? (await vscode.window.showSaveDialog({
    title: vscode.l10n.t('Export Image'),
    filters: { [vscode.l10n.t('PNG image (2×)')]: ['png'], [vscode.l10n.t('SVG image (vectors)')]: ['svg'] },
    defaultUri: vscode.Uri.file(path.join(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '', 'attention.png')),
  }));
  if (!uri) return undefined;
  const format = formatOf(uri.fsPath);
  if (uri.scheme !== 'file' || !format) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('QKV Scope can export a picture only to a .png or .svg file on this machine, not to {0}.', uri.toString()));
    return undefined;
  }
  const rendering = services.panel.renderImage(format);
  if (!rendering) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Open the QKV Scope panel first: the picture is drawn there.'));
    return undefined;
  }
  const image = await rendering;
  // Written beside the target, then renamed: a failure never leaves half a picture under the chosen name.
  const partial = `${uri.fsPath}.${process.pid}.partial`;
  try {
    await fs.writeFile(partial, image.data);
    await fs.rename(partial, uri.fsPath);
  } finally {
    await fs.rm(partial, { force: true });
  }
  services.log.info(`Exported ${image.title} as ${format} (${image.data.byteLength} bytes) to ${uri.fsPath}`);
  void vscode.window.showInformationMessage(vscode.l10n.t('Saved the picture to {0}.', uri.fsPath));
  return uri.fsPath;
}
