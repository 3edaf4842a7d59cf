// Runs in the extension host: commands for tests and benchmarks, not shown in the Command Palette.
// They drive the real panel and report what it did, so tests need no access to the webview's DOM.
import * as vscode from 'vscode';
import { headSlice } from '../../shared/attentionResult';
import type { AttentionKind, HeadRef, StepShown } from '../../shared/protocol';
import { AttentionPanel, type KindShown, type Painted } from '../panel/attentionPanel';
import type { Services } from './services';

export function registerInternalCommands(services: Services): vscode.Disposable[] {
  const { panel, runs } = services;
  let lastPaint: Painted | undefined;
  const paints = panel.onDidPaint((p) => (lastPaint = p));

  /** Resolves when the webview has painted `ref` (the head on screen when omitted) of the result on screen. */
  const waitForPaint = (ref?: HeadRef, timeoutMs = 30_000) => new Promise<Painted>((resolve, reject) => {
    const matches = (p: Painted | undefined): p is Painted => {
      const shown = panel.shown;
      const wanted = ref ?? shown?.ref;
      return p !== undefined && shown !== undefined && p.resultId === shown.resultId &&
        wanted !== undefined && p.ref.layer === wanted.layer && p.ref.head === wanted.head;
    };
    if (matches(lastPaint)) return resolve(lastPaint);
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`the panel did not paint ${ref ? `L${ref.layer} H${ref.head}` : 'anything'} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = panel.onDidPaint((p) => {
      if (!matches(p)) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(p);
    });
  });

  /** Clicks a heatmap cell in the webview and resolves with what the step-by-step card then shows. */
  const clickCell = (layer: number, head: number, row: number, col: number,
    timeoutMs = 30_000) => new Promise<StepShown>((resolve, reject) => {
    const ref = { layer, head };
    const listener = panel.onDidShowStep((shown) => {
      if (shown.resultId !== panel.shown?.resultId || shown.ref.layer !== layer || shown.ref.head !== head || shown.query !== row ||
        shown.key !== col) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(shown);
    });
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`the step-by-step card for L${layer} H${head} ${row}→${col} did not appear within ${timeoutMs} ms`));
    }, timeoutMs);
    if (!panel.clickCell(ref, row, col)) {
      clearTimeout(timer);
      listener.dispose();
      reject(new Error(`the panel cannot click L${layer} H${head} ${row}→${col}: no result, not ready, or out of range`));
    }
  });

  /** Switches a translator's panel to a kind and resolves with what it then shows. */
  const showKind = (kind: AttentionKind, timeoutMs = 30_000) => new Promise<KindShown>((resolve, reject) => {
    const listener = panel.onDidShowKind((shown) => {
      if (shown.resultId !== panel.shown?.resultId || shown.kind !== kind) return;
      clearTimeout(timer);
      listener.dispose();
      resolve({ resultId: shown.resultId, kind: shown.kind, ref: shown.ref, rows: shown.rows, cols: shown.cols });
    });
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`the panel did not show ${kind} attention within ${timeoutMs} ms`));
    }, timeoutMs);
    if (!panel.showKind(kind)) {
      clearTimeout(timer);
      listener.dispose();
      reject(new Error(`the panel cannot show ${kind} attention: no translation on screen, or not ready`));
    }
  });

  return [
    paints,
    vscode.commands.registerCommand('qkvScope.internal.showKind', (kind: AttentionKind, timeoutMs?: number) => showKind(kind, timeoutMs)),
    vscode.commands.registerCommand('qkvScope.internal.clickCell',
      (layer: number, head: number, row: number, col: number, timeoutMs?: number) => clickCell(layer, head, row, col, timeoutMs)),
    vscode.commands.registerCommand('qkvScope.internal.showHead', (layer: number, head: number) => panel.showHead({ layer, head })),
    vscode.commands.registerCommand('qkvScope.internal.waitForPaint', (ref?: HeadRef, timeoutMs?: number) => waitForPaint(ref, timeoutMs)),
    vscode.commands.registerCommand('qkvScope.internal.cancelRun', () => runs.cancel()),
    /** The engine thread's V8 heap: the soak benchmark reports it beside the extension host's RSS. */
    vscode.commands.registerCommand('qkvScope.internal.engineMemory', () => runs.memory()),
    /** What VS Code does after a reload: a fresh webview panel handed to the serializer with saved (untrusted) state. */
    vscode.commands.registerCommand('qkvScope.internal.restorePanel', (state: unknown) => {
      const created = vscode.window.createWebviewPanel(AttentionPanel.viewType, 'QKV Scope', vscode.ViewColumn.Beside);
      panel.restore(created, state);
    }),
    vscode.commands.registerCommand('qkvScope.internal.shown', () => {
      const shown = panel.shown;
      return shown &&
        { text: shown.result.text, model: shown.result.model, tokens: shown.result.tokens, ref: shown.ref, resultId: shown.resultId };
    }),
    /** The engine's own numbers for one head, for checking an export against them. */
    vscode.commands.registerCommand('qkvScope.internal.headTensors', (layer: number, head: number) => {
      const result = panel.shown?.result;
      if (!result) return undefined;
      const read = (kind: 'probs' | 'q' | 'k' | 'v') => Array.from(headSlice(result, layer, head, kind));
      return { probs: read('probs'), q: read('q'), k: read('k'), v: read('v') };
    }),
  ];
}
