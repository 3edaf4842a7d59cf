// Runs in the VS Code extension host (code-server): the panel benchmark, measured in one run.
//   npm run bench:vscode
// Prints: command → painted heatmap for the pizza sentence on the embedded model, cold (first run in a fresh
// window: worker start, model load, surgery, session) and warm; head-switch time at 32, 128 and 512 tokens on a
// 12-head fixture, for heads not yet in the webview's cache and for cached ones; bytes posted per head switch;
// with qkvScope.liveUpdate on, keystroke → repainted heatmap and editor paint for a 20-token sentence.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HeadRef } from '../../shared/protocol';
import type { LivePainted } from '../../src/commands/editorTestCommands';
import type { ShowAttentionOutcome } from '../../src/commands/showAttention';
import { EDIT_DEBOUNCE_MS } from '../../src/commands/liveUpdate';
import type { Painted } from '../../src/panel/attentionPanel';

const EXTENSION_ID = 'qkv-scope.qkv-scope';
const PIZZA = 'The pizza came out of the oven and it tasted good.';
const WARM_RUNS = 5;
/** 20 tokens on GPT-2's tokenizer, with "s" typed after "up" too. */
const TWENTY = 'The pizza came out of the hot oven and it tasted good, so we ate it all up.';
const KEYSTROKES = 30;

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
async function selectText(text: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument({ content: text });
  const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One });
  editor.selection = new vscode.Selection(document.positionAt(0), document.positionAt(text.length));
  return document;
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

/**
 * Live update: the cursor after "up", then "s" typed and deleted in turn (the real `type` and `deleteLeft`
 * commands, as keys do), a pause between keys. Each key is timed from just before the command to the moment the
 * extension host hears that the webview painted the new result's heatmap and has set the editor's decorations
 * for it, whichever comes last; and, as the person sees it, to the webview's animation frame that shows the heatmap
 * (the frame's time from the webview's clock, without the message back). The first two keys are left out (warm-up).
 */
async function keystrokeToPaint(): Promise<void> {
  await setModel('embedded');
  await vscode.workspace.getConfiguration('qkvScope').update('liveUpdate', true, vscode.ConfigurationTarget.Global);
  const document = await selectText(TWENTY);
  const { outcome } = await timeShow();
  const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
  const at = document.positionAt(TWENTY.indexOf(' up.') + 3);
  editor.selection = new vscode.Selection(at, at);
  let last = (await command<{ resultId: number }>('qkvScope.internal.shown')).resultId;
  const both: number[] = [];
  const panelOnly: number[] = [];
  const editorOnly: number[] = [];
  /** To the webview's frame (its clock), not to the host hearing of it: what the person sees. */
  const frame: number[] = [];
  for (let i = 0; i < KEYSTROKES + 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    const start = performance.now();
    await command(i % 2 === 0 ? 'type' : 'deleteLeft', i % 2 === 0 ? { text: 's' } : undefined);
    const painted = await command<LivePainted>('qkvScope.internal.waitForLivePaint', last, 30_000);
    last = painted.resultId;
    if (i < 2) continue;
    both.push(Math.max(painted.panelAt, painted.editorAt) - start);
    panelOnly.push(painted.panelAt - start);
    editorOnly.push(painted.editorAt - start);
    if (painted.frameAt !== undefined) frame.push(Math.max(painted.frameAt, painted.editorAt) - start);
  }
  await vscode.workspace.getConfiguration('qkvScope').update('liveUpdate', undefined, vscode.ConfigurationTarget.Global);
  const ms = (values: number[]) => `${median(values).toFixed(0)} ms`;
  console.log(`BENCH keystroke→paint, live update, embedded, ${outcome.tokens} tokens: heatmap and editor paint ${ms(both)} median ` +
    `(min ${Math.min(...both).toFixed(0)}, max ${Math.max(...both).toFixed(0)}, ${both.length} keys; target ≤ 100 ms); ` +
    `heatmap alone ${ms(panelOnly)}, editor paint alone ${ms(editorOnly)}; includes the ${EDIT_DEBOUNCE_MS} ms debounce of an edit`);
  if (frame.length > 0) {
    console.log(`BENCH keystroke→frame, live update: to the webview's frame of the heatmap (its clock; not waiting for the message back) ` +
      `and the editor paint ${ms(frame)} median (min ${Math.min(...frame).toFixed(0)}, ${frame.length} keys)`);
  }
}

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  await extension.activate();
  // QKV_BENCH=keystroke or QKV_BENCH=show runs only that part (while working on it).
  const only = process.env.QKV_BENCH;
  if (!only || only === 'show') await showToPaint();
  if (!only || only === 'keystroke') await keystrokeToPaint();
  const wide = path.join(extension.extensionPath, 'test', 'fixtures', 'models', 'wide-gpt2');
  if (!only) for (const tokens of [32, 128, 512]) await headSwitches(wide, tokens);
  console.log('1 passed, 0 failed');
}
