// Runs in the extension host: test and benchmark commands for the editor side, not shown in the Command Palette.
// They report what the editor link painted and drive panel clicks, so tests need no access to either DOM.
import * as vscode from 'vscode';
import type { TokenPlace } from '../../shared/editorProtocol';
import type { LinkPainted } from '../editor/editorLink';
import type { Painted } from '../panel/attentionPanel';
import type { Services } from './services';

/** When a result newer than `after` was on screen in both places, in the extension host's performance.now(). */
export interface LivePainted {
  readonly resultId: number;
  readonly panelAt: number;
  readonly editorAt: number;
  /** When the webview's frame showed the heatmap, converted to the host's performance.now(); absent if not told. */
  readonly frameAt?: number;
}

export function registerEditorTestCommands(services: Services): vscode.Disposable[] {
  const { panel, editor, translation } = services;
  const panelPaints = new Map<number, number>();
  const editorPaints = new Map<number, number>();
  const panelFrames = new Map<number, number>();
  const waiters = new Set<() => void>();
  /** The query the webview last reported as picked. */
  let panelQuery: { resultId: number; query: number | undefined } | undefined;
  const remember = (map: Map<number, number>, resultId: number, at: number) => {
    if (!map.has(resultId)) map.set(resultId, at);
    if (map.size > 64) map.delete(map.keys().next().value!);
    for (const waiter of [...waiters]) waiter();
  };

  /** Resolves when the webview heatmap and the editor paint both show a result newer than `after`. */
  const waitForLivePaint = (after: number, timeoutMs = 30_000) => new Promise<LivePainted>((resolve, reject) => {
    const check = () => {
      const newest = Math.max(...[...editorPaints.keys()].filter((id) => id > after && panelPaints.has(id)), -1);
      if (newest < 0) return;
      done();
      const frameAt = panelFrames.get(newest);
      const times = { panelAt: panelPaints.get(newest)!, editorAt: editorPaints.get(newest)! };
      resolve({ resultId: newest, ...times, ...(frameAt ? { frameAt } : {}) });
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no result after #${after} was painted in both the panel and the editor within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      waiters.delete(check);
    };
    waiters.add(check);
    check();
  });

  return [
    panel.onDidPaint((p: Painted) => {
      // The webview's clock and this one both count from the machine's; from 1970 back to this host's performance.now().
      if (p.frameAt !== undefined && !panelFrames.has(p.resultId)) panelFrames.set(p.resultId, p.frameAt - performance.timeOrigin);
      if (panelFrames.size > 64) panelFrames.delete(panelFrames.keys().next().value!);
      remember(panelPaints, p.resultId, performance.now());
    }),
    editor.onDidPaint((p: LinkPainted) => remember(editorPaints, p.resultId, p.at)),
    panel.onDidPickQuery((picked) => (panelQuery = picked)),
    vscode.commands.registerCommand('qkvScope.internal.editorPaint', () => editor.painted),
    vscode.commands.registerCommand('qkvScope.internal.panelQuery',
      () => panelQuery && { resultId: panelQuery.resultId, query: panelQuery.query ?? null }),
    vscode.commands.registerCommand('qkvScope.internal.clickRerun', () => panel.clickRerun()),
    vscode.commands.registerCommand('qkvScope.internal.clickToken', (token: number, place: TokenPlace) => panel.clickToken(token, place)),
    vscode.commands.registerCommand('qkvScope.internal.waitForLivePaint',
      (after: number, timeoutMs?: number) => waitForLivePaint(after, timeoutMs)),
    vscode.commands.registerCommand('qkvScope.internal.panelStatus', () => panel.currentStatus),
    vscode.commands.registerCommand('qkvScope.internal.translationPaint', () => translation.painted),
    vscode.commands.registerCommand('qkvScope.internal.translationUri', () => translation.document.uri.toString()),
  ];
}
