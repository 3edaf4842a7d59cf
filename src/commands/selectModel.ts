// Runs in the extension host: "Select Model" — embedded, a curated hub model (size, cached or not, architecture),
// a recent model, a local folder, or a typed hub id.
import * as vscode from 'vscode';
import { CURATED_MODELS, downloadBytes, type CuratedModel } from '../model/hub/curatedModels';
import { formatBytes } from '../model/hub/downloadText';
import { isHubModelCached } from '../model/hub/hubCache';
import { DEFAULT_REVISION } from '../model/modelSpec';
import { graphsOf } from '../model/graphFile';
import { modelCacheDir, readSettings, SECTION, type Settings } from '../settings';
import { runAndShow } from './showAttention';
import type { Services } from './services';

const RECENT_KEY = 'qkvScope.recentModels';
const RECENT_LIMIT = 8;
const EMBEDDED = 'embedded';

type ModelItem = vscode.QuickPickItem & { readonly model?: string; readonly openFolder?: true; readonly openNanoGpt?: true };

/** @param model skip the picker (used by scripts and tests) @returns the model now in use */
export async function selectModel(services: Services, model?: string): Promise<string | undefined> {
  const chosen = model ?? (await pickModel(services.context));
  if (!chosen) return undefined;
  await vscode.workspace.getConfiguration(SECTION).update('model', chosen, vscode.ConfigurationTarget.Global);
  const recent = services.context.globalState.get<string[]>(RECENT_KEY, []);
  await services.context.globalState.update(RECENT_KEY, [chosen, ...recent.filter((m) => m !== chosen)].slice(0, RECENT_LIMIT));
  // The text on screen is read again by the new model, so the person can compare.
  const shown = services.panel.shown;
  if (shown) void runAndShow(services, { text: shown.result.text, model: chosen }, { quiet: false }, services.editor.origin);
  return chosen;
}

async function pickModel(context: vscode.ExtensionContext): Promise<string | undefined> {
  const current = vscode.workspace.getConfiguration(SECTION).get<string>('model', EMBEDDED);
  const settings = readSettings();
  const curatedIds = new Set(CURATED_MODELS.map((m) => m.id));
  const recent = context.globalState.get<string[]>(RECENT_KEY, []).filter((m) => m !== EMBEDDED && !curatedIds.has(m));
  const separator = (label: string): ModelItem => ({ label, kind: vscode.QuickPickItemKind.Separator });
  const items: ModelItem[] = [
    { label: EMBEDDED, model: EMBEDDED, description: vscode.l10n.t('Small GPT-2-style model that ships with QKV Scope (default)') },
    separator(vscode.l10n.t('Hugging Face Hub')),
    ...CURATED_MODELS.map((m) => curatedItem(m, modelCacheDir(context), settings)),
    ...(recent.length > 0 ? [separator(vscode.l10n.t('Recent'))] : []),
    ...recent.map((m): ModelItem => ({ label: m, model: m, description: vscode.l10n.t('recently used') })),
    separator(''),
    { label: vscode.l10n.t('$(folder-opened) Open local model folder…'), openFolder: true },
    { label: vscode.l10n.t('$(file-binary) Open a nanoGPT checkpoint…'), openNanoGpt: true,
      description: vscode.l10n.t('ckpt.pt you trained, converted with your Python and torch') },
  ];
  const fixed = items.map((item): ModelItem => (item.model === current
    ? { ...item, detail: [vscode.l10n.t('in use now'), item.detail].filter(Boolean).join(' · ') }
    : item));

  const picker = vscode.window.createQuickPick<ModelItem>();
  picker.title = vscode.l10n.t('QKV Scope: Select Model');
  picker.placeholder = vscode.l10n.t('Pick a model, or type a hub id such as Xenova/gpt2 or a folder path');
  picker.items = fixed;
  picker.matchOnDescription = true; // typing "bert" or "causal" finds the curated models
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
  if (picked.openNanoGpt) {
    // The command converts and then selects the folder itself.
    void vscode.commands.executeCommand('qkvScope.openNanoGpt');
    return undefined;
  }
  if (picked.openFolder) {
    const folders = await vscode.window.showOpenDialog({
      canSelectFolders: true, canSelectFiles: false, canSelectMany: false,
      title: vscode.l10n.t('Folder with config.json, tokenizer.json and onnx/model.onnx'),
    });
    return folders?.[0]?.fsPath;
  }
  return picked.model;
}

/** "gpt2 · causal · 12 layers × 12 heads", then "cached" or the download size of the graph that would be fetched. */
function curatedItem(model: CuratedModel, cacheDir: string, settings: Settings): ModelItem {
  const precision = settings.modelPrecision;
  const graph = precision === 'full' || precision === 'quantized' ? model.files[precision] : { file: graphsOf(precision)[0], bytes: null };
  const cached = isHubModelCached(cacheDir, model.id, DEFAULT_REVISION, settings.modelPrecision);
  const heads = model.kvHeads
    ? vscode.l10n.t('{0} layers × {1} heads ({2} K/V heads)', model.layers, model.heads, model.kvHeads)
    : vscode.l10n.t('{0} layers × {1} heads', model.layers, model.heads);
  const bytes = downloadBytes(graph);
  const size = bytes === null ? vscode.l10n.t('size unknown') : formatBytes(bytes);
  const state = cached
    ? vscode.l10n.t('$(check) cached')
    : settings.allowRemoteModels
      ? vscode.l10n.t('$(cloud-download) {0} download', size)
      : vscode.l10n.t('$(circle-slash) not cached, and downloads are off (qkvScope.allowRemoteModels)');
  return {
    label: model.id,
    model: model.id,
    description: [model.architecture, model.causal ? vscode.l10n.t('causal') : vscode.l10n.t('bidirectional'), heads].join(' · '),
    detail: `${state} · ${graph.encoder ? `${graph.encoder.file} + ${graph.file}` : graph.file}`,
  };
}
