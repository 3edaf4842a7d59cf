// Runs in the extension host: "Select Model" — embedded, a recent model, a local folder, or a typed hub id.
import * as vscode from 'vscode';
import { SECTION } from '../settings';
import { runAndShow } from './showAttention';
import type { Services } from './services';

const RECENT_KEY = 'qkvScope.recentModels';
const RECENT_LIMIT = 8;
const EMBEDDED = 'embedded';

type ModelItem = vscode.QuickPickItem & { readonly model?: string; readonly openFolder?: true };

/** @param model skip the picker (used by scripts and tests) @returns the model now in use */
export async function selectModel(services: Services, model?: string): Promise<string | undefined> {
  const chosen = model ?? (await pickModel(services.context));
  if (!chosen) return undefined;
  await vscode.workspace.getConfiguration(SECTION).update('model', chosen, vscode.ConfigurationTarget.Global);
  const recent = services.context.globalState.get<string[]>(RECENT_KEY, []);
  await services.context.globalState.update(RECENT_KEY, [chosen, ...recent.filter((m) => m !== chosen)].slice(0, RECENT_LIMIT));
  // The text on screen is read again by the new model, so the person can compare.
  const shown = services.panel.shown;
  if (shown) void runAndShow(services, { text: shown.result.text, model: chosen }, { quiet: false });
  return chosen;
}

async function pickModel(context: vscode.ExtensionContext): Promise<string | undefined> {
  const current = vscode.workspace.getConfiguration(SECTION).get<string>('model', EMBEDDED);
  const recent = context.globalState.get<string[]>(RECENT_KEY, []).filter((m) => m !== EMBEDDED);
  const items: ModelItem[] = [
    { label: EMBEDDED, model: EMBEDDED, description: vscode.l10n.t('Small GPT-2-style model that ships with QKV Scope (default)') },
    ...recent.map((m): ModelItem => ({ label: m, model: m, description: vscode.l10n.t('recently used') })),
    { label: vscode.l10n.t('$(folder-opened) Open local model folder…'), openFolder: true },
  ];
  const fixed = items.map((item): ModelItem => (item.model === current ? { ...item, detail: vscode.l10n.t('in use now') } : item));

  const picker = vscode.window.createQuickPick<ModelItem>();
  picker.title = vscode.l10n.t('QKV Scope: Select Model');
  picker.placeholder = vscode.l10n.t('Pick a model, or type a hub id such as Xenova/gpt2 or a folder path');
  picker.items = fixed;
  picker.onDidChangeValue((value) => {
    const typed = value.trim();
    picker.items = typed && !fixed.some((i) => i.model === typed)
      ? [{ label: typed, model: typed, description: vscode.l10n.t('use this model id or folder') }, ...fixed]
      : fixed;
  });
  const picked = await new Promise<ModelItem | undefined>((resolve) => {
    picker.onDidAccept(() => resolve(picker.selectedItems[0]));
    picker.onDidHide(() => resolve(undefined));
    picker.show();
  });
  picker.dispose();
  if (!picked) return undefined;
  if (picked.openFolder) {
    const folders = await vscode.window.showOpenDialog({
      canSelectFolders: true, canSelectFiles: false, canSelectMany: false,
      title: vscode.l10n.t('Folder with config.json, tokenizer.json and onnx/model.onnx'),
    });
    return folders?.[0]?.fsPath;
  }
  return picked.model;
}
