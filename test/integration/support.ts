// Runs in the VS Code extension host (integration tests): typed access to the extension's commands, the sample
// documents and the settings. The extension itself runs from dist/; only its types are imported here.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HeadRef } from '../../shared/protocol';
import type { ShowAttentionOutcome } from '../../src/commands/showAttention';
import type { ExportScope } from '../../src/commands/exportJson';
import type { Painted } from '../../src/panel/attentionPanel';

export const EXTENSION_ID = 'qkv-scope.qkv-scope';
export const PIZZA = 'The pizza came out of the oven and it tasted good.';
/** GPT-2's tokenizer reads PIZZA as 12 tokens; tiny-gpt2 and the embedded model both use it. */
export const PIZZA_TOKENS = 12;
/** The workspace file: PIZZA on line 0, an empty line 1, SECOND_LINE on line 2. */
export const SAMPLE_FILE = 'sample.txt';
export const SECOND_LINE = 'Attention is all you need.';

/** What `qkvScope.internal.shown` reports: the result on screen and the head being looked at. */
export interface Shown {
  readonly text: string;
  readonly model: { readonly id: string; readonly layers: number; readonly heads: number; readonly headDim: number };
  readonly tokens: readonly { readonly id: number; readonly start: number; readonly end: number }[];
  readonly ref: HeadRef;
  readonly resultId: number;
}

/** What `qkvScope.internal.headTensors` returns: the engine's own numbers for one head, row-major. */
export interface HeadNumbers {
  readonly probs: number[];
  readonly q: number[];
  readonly k: number[];
  readonly v: number[];
}

/** The extension's commands, typed as the tests call them. */
export const qkv = {
  showAttention: () => run<ShowAttentionOutcome | undefined>('qkvScope.showAttention'),
  exportJson: (scope: ExportScope, target: string) => run<string | undefined>('qkvScope.exportJson', scope, target),
  showHead: (layer: number, head: number) => run<boolean>('qkvScope.internal.showHead', layer, head),
  waitForPaint: (ref?: HeadRef, timeoutMs?: number) => run<Painted>('qkvScope.internal.waitForPaint', ref, timeoutMs),
  cancelRun: () => run<void>('qkvScope.internal.cancelRun'),
  shown: () => run<Shown | undefined>('qkvScope.internal.shown'),
  headTensors: (layer: number, head: number) => run<HeadNumbers | undefined>('qkvScope.internal.headTensors', layer, head),
  deleteCachedModel: (name: string) => run<string | undefined>('qkvScope.deleteCachedModel', name),
  restorePanel: (state: unknown) => run<void>('qkvScope.internal.restorePanel', state),
};

function run<T>(command: string, ...args: unknown[]): Promise<T> {
  return Promise.resolve(vscode.commands.executeCommand<T>(command, ...args));
}

/**
 * The model the tests run: $QKV_TEST_MODEL when set, else the tiny-gpt2 fixture (fast, and independent of the
 * embedded model being trained). The packaged UI test covers "embedded".
 */
export function testModel(): string {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
  return process.env.QKV_TEST_MODEL || path.join(extension.extensionPath, 'test', 'fixtures', 'models', 'tiny-gpt2');
}

/** Sets a qkvScope.* user setting (the profile is fresh for every run); undefined removes it. */
export async function setSetting(
  key: 'model' | 'maxTokens' | 'liveUpdate' | 'paintEditor' | 'hubEndpoint' | 'allowRemoteModels' | 'modelPrecision' | 'pythonPath' |
    'targetLanguage',
    value: unknown,
): Promise<void> {
  await vscode.workspace.getConfiguration('qkvScope').update(key, value, vscode.ConfigurationTarget.Global);
}

/** Opens a workspace file in the first editor group and focuses it. */
export async function openSample(file = SAMPLE_FILE): Promise<vscode.TextEditor> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is not open');
  const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, file));
  return vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
}

/** Selects the first occurrence of `text` in the editor's document. */
export function select(editor: vscode.TextEditor, text: string): void {
  const offset = editor.document.getText().indexOf(text);
  assert.ok(offset >= 0, `"${text}" is not in ${editor.document.fileName}`);
  editor.selection = new vscode.Selection(editor.document.positionAt(offset), editor.document.positionAt(offset + text.length));
}

/** Puts the cursor at the start of a line, with nothing selected. */
export function placeCursor(editor: vscode.TextEditor, line: number): void {
  const position = new vscode.Position(line, 0);
  editor.selection = new vscode.Selection(position, position);
}

/** Opens the sample, selects `text` and shows its attention. */
export async function showAttentionFor(text: string): Promise<ShowAttentionOutcome> {
  select(await openSample(), text);
  const outcome = await qkv.showAttention();
  assert.ok(outcome, `Show Attention returned nothing for "${text}"`);
  return outcome;
}

/**
 * Waits until `check` holds. The extension host learns about tabs and groups from the window asynchronously,
 * so right after a command they may still describe the window as it was.
 */
export async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) assert.fail(`${what} (waited ${timeoutMs} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The active tab of the active group is the QKV Scope panel. */
export function activeTabIsPanel(): boolean {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputWebview && input.viewType.endsWith('qkvScope.attention');
}

/** How many QKV Scope panels are open in the window. */
export function panelCount(): number {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('qkvScope.attention')).length;
}

/** Reads `read` until `ok` holds: the extension host hears from the webview and the window asynchronously. */
export async function until<T>(
  read: () => Promise<T>, ok: (value: T) => boolean, what: (last: T) => string, timeoutMs = 10_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value)) {
    if (Date.now() > end) assert.fail(`${what(value)} (waited ${timeoutMs} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 30));
    value = await read();
  }
  return value;
}
