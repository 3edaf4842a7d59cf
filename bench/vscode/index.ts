// Runs in the VS Code extension host (code-server): the panel benchmark, measured in one run.
//   npm run bench:vscode
// Prints: command → painted heatmap for the pizza sentence on the embedded model, cold (first run in a fresh
// window: worker start, model load, surgery, session) and warm; head-switch time at 32, 128 and 512 tokens on a
// 12-head fixture, for heads not yet in the webview's cache and for cached ones; bytes posted per head switch.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HeadRef } from '../../shared/protocol';
import type { ShowAttentionOutcome } from '../../src/commands/showAttention';
import type { Painted } from '../../src/panel/attentionPanel';

const EXTENSION_ID = 'qkv-scope.qkv-scope';
const PIZZA = 'The pizza came out of the oven and it tasted good.';
const WARM_RUNS = 5;

const command = <T>(id: string, ...args: unknown[]) => Promise.resolve(vscode.commands.executeCommand<T>(id, ...args));
const showAttention = () => command<ShowAttentionOutcome | undefined>('qkvScope.showAttention');
const waitForPaint = (ref?: HeadRef) => command<Painted>('qkvScope.internal.waitForPaint', ref, 60_000);
const showHead = (ref: HeadRef) => command<boolean>('qkvScope.internal.showHead', ref.layer, ref.head);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function setModel(model: string): Promise<void> {
  await vscode.workspace.getConfiguration('qkvScope').update('model', model, vscode.ConfigurationTarget.Global);
}

/** An editor holding `text`, all of it selected. */
async function selectText(text: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument({ content: text });
  const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One });
  editor.selection = new vscode.Selection(document.positionAt(0), document.positionAt(text.length));
}

/** Command → painted heatmap, in ms. */
async function timeShow(): Promise<{ ms: number; outcome: ShowAttentionOutcome }> {
  const start = performance.now();
  const outcome = await showAttention();
  if (!outcome) throw new Error('Show Attention returned nothing');
  await waitForPaint();
  return { ms: performance.now() - start, outcome };
}

async function showToPaint(): Promise<void> {
  await setModel('embedded');
  await selectText(PIZZA);
  const cold = await timeShow();
  const warm: number[] = [];
  for (let i = 0; i < WARM_RUNS; i++) {
    await selectText(PIZZA);
    warm.push((await timeShow()).ms);
  }
  console.log(`BENCH show→paint, embedded, pizza sentence (${cold.outcome.tokens} tokens): cold ${cold.ms.toFixed(0)} ms, ` +
    `warm ${median(warm).toFixed(0)} ms (median of ${WARM_RUNS}: ${warm.map((t) => t.toFixed(0)).join(', ')})`);
}

async function headSwitches(model: string, tokens: number): Promise<void> {
  await setModel(model);
  await selectText(`word${' word'.repeat(tokens - 1)}`);
  const { outcome } = await timeShow();
  if (outcome.tokens !== tokens) throw new Error(`expected ${tokens} tokens, got ${outcome.tokens}`);
  const shown = await command<{ model: { headDim: number } }>('qkvScope.internal.shown');
  const time = async (ref: HeadRef) => {
    const start = performance.now();
    await showHead(ref);
    await waitForPaint(ref);
    return performance.now() - start;
  };
  const fresh: number[] = [];
  const cached: number[] = [];
  for (let head = 1; head < outcome.heads; head++) fresh.push(await time({ layer: 0, head }));
  for (let head = 0; head < outcome.heads; head++) cached.push(await time({ layer: 0, head }));
  const bytes = (tokens * tokens + 3 * tokens * shown.model.headDim) * 4;
  console.log(`BENCH head switch, ${outcome.heads} heads, ${tokens} tokens: new head ${median(fresh).toFixed(1)} ms ` +
    `(max ${Math.max(...fresh).toFixed(1)}), cached head ${median(cached).toFixed(1)} ms; ${bytes} bytes posted per new head ` +
    `(${(bytes / 1024).toFixed(1)} KiB), 0 per cached head`);
}

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  await extension.activate();
  await showToPaint();
  const wide = path.join(extension.extensionPath, 'test', 'fixtures', 'models', 'wide-gpt2');
  for (const tokens of [32, 128, 512]) await headSwitches(wide, tokens);
  console.log('1 passed, 0 failed');
}
