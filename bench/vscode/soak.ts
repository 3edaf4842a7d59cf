// Runs in the VS Code extension host (code-server): the soak benchmark's second half (npm run bench:soak).
// 200 Show Attention commands on varied texts, alternating two models, each waited for until the heatmap is
// painted; prints the extension host's RSS at commands 20 and 200, and the ratio, and the same for the engine's
// child process (src/attention/engineChannel.ts), which holds onnxruntime and the model sessions.
// Each figure is taken as in bench/soak.ts: after a pause and a collection, the median of nine readings
// (bench/settledMemory.ts). $QKV_SOAK_COMMANDS runs fewer or more commands; $QKV_SOAK_TRACE names a file that gets
// one JSON line of memory figures per command (both threads' JS heaps, the malloc arenas, open editors), for finding
// what grows.
import { appendFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EngineMemory } from '../../src/attention/attentionEngine';
import type { ShowAttentionOutcome } from '../../src/commands/showAttention';
import { processMappings } from '../processMappings';
import { formatMiB, medianOf, readMemory, settledMemory, windowRatio, type MemoryReading } from '../settledMemory';
import { soakText } from '../soakTexts';

const EXTENSION_ID = 'qkv-scope.qkv-scope';
const COMMANDS = Number(process.env.QKV_SOAK_COMMANDS ?? 200);
const FIRST_CHECKPOINT = 20;
const TRACE = process.env.QKV_SOAK_TRACE;

const command = <T>(id: string, ...args: unknown[]) => Promise.resolve(vscode.commands.executeCommand<T>(id, ...args));

/**
 * An editor in the first group holding `text`, all of it selected. The scratch editor of the command before is
 * closed once this one is open, as a person moving on would close it: never before, or the first group would empty
 * and close, and the next editor would open over the panel (hiding it, which reloads its webview).
 */
async function selectText(text: string, previous: vscode.TextDocument | undefined): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument({ content: text });
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One });
  if (previous) {
    await vscode.window.showTextDocument(previous, { viewColumn: vscode.ViewColumn.One });
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One });
  editor.selection = new vscode.Selection(document.positionAt(0), document.positionAt(text.length));
  return document;
}

function describeReading(r: MemoryReading): string {
  return `RSS ${formatMiB(r.rss)} (JS heap ${formatMiB(r.heapUsed)}, external ${formatMiB(r.external)})`;
}

/** One trace line: the memory figures after a command, and what is open (a leak of editors or tabs would show). */
const engineMemory = () => command<EngineMemory | undefined>('qkvScope.internal.engineMemory');

/** The engine process's RSS and JS heap, medians of nine readings (the host's settledMemory() has just paused). */
async function settledEngine(): Promise<{ readonly rss: number; readonly heap: number }> {
  const readings: EngineMemory[] = [];
  for (let i = 0; i < 9; i++) {
    const memory = await engineMemory();
    if (memory) readings.push(memory);
  }
  return { rss: medianOf(readings.map((r) => r.rss)), heap: medianOf(readings.map((r) => r.heap.used_heap_size)) };
}

async function traceLine(i: number, tokens: number): Promise<string> {
  const engine = await engineMemory();
  return JSON.stringify({
    command: i, tokens, ...readMemory(), engineRss: engine?.rss, engineHeap: engine?.heap.used_heap_size,
    ...processMappings(), documents: vscode.workspace.textDocuments.length,
    tabs: vscode.window.tabGroups.all.map((group) => group.tabs.length),
  });
}

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  await extension.activate();
  const models = ['embedded', path.join(extension.extensionPath, 'test', 'fixtures', 'models', 'wide-gpt2')];
  const settings = vscode.workspace.getConfiguration('qkvScope');
  if (TRACE) writeFileSync(TRACE, '');
  const checkpoints = new Map<number, MemoryReading & { readonly engine: { readonly rss: number; readonly heap: number } }>();
  const started = performance.now();
  let scratch: vscode.TextDocument | undefined;
  const afterEachCommand: number[] = [];
  for (let i = 1; i <= COMMANDS; i++) {
    await settings.update('model', models[i % models.length], vscode.ConfigurationTarget.Global);
    scratch = await selectText(soakText(i), scratch);
    const outcome = await command<ShowAttentionOutcome | undefined>('qkvScope.showAttention');
    if (!outcome) throw new Error(`Show Attention ${i} returned nothing`);
    await command('qkvScope.internal.waitForPaint', undefined, 60_000);
    afterEachCommand.push(process.memoryUsage().rss);
    if (TRACE) appendFileSync(TRACE, `${await traceLine(i, outcome.tokens)}\n`);
    if (i === FIRST_CHECKPOINT || i === COMMANDS) {
      const reading = await settledMemory();
      const engine = await settledEngine();
      checkpoints.set(i, { ...reading, engine });
      console.log(`soak: command ${i}, settled ${describeReading(reading)}${reading.collected ? '' : ' (no collection)'}, ` +
        `engine process RSS ${formatMiB(engine.rss)} (JS heap ${formatMiB(engine.heap)}), main malloc arena ` +
        `${formatMiB((processMappings()?.mainArenaKiB ?? 0) * 1024)}`);
    } else if (i % 20 === 0) {
      console.log(`soak: ${i} commands, ${((performance.now() - started) / 1000).toFixed(0)} s, ${describeReading(readMemory())}`);
    }
  }
  const first = checkpoints.get(FIRST_CHECKPOINT);
  const last = checkpoints.get(COMMANDS);
  if (!first || !last) throw new Error(`the soak needs more than ${FIRST_CHECKPOINT} commands`);
  console.log(`BENCH soak, extension host: ${COMMANDS} Show Attention commands, 2 models, in ` +
    `${((performance.now() - started) / 1000).toFixed(1)} s; RSS at command ${FIRST_CHECKPOINT} ${formatMiB(first.rss)}, ` +
    `at command ${COMMANDS} ${formatMiB(last.rss)}, ratio ${(last.rss / first.rss).toFixed(3)} (target < 1.10; each the ` +
    `median of 9 readings after a 2 s pause and a collection; JS heap ${formatMiB(first.heapUsed)} → ${formatMiB(last.heapUsed)}, ` +
    `without the pause, medians of the readings after commands 11-20 and ${COMMANDS - 9}-${COMMANDS}: ` +
    `${windowRatio(afterEachCommand)}); engine process RSS ${formatMiB(first.engine.rss)} → ${formatMiB(last.engine.rss)}, ` +
    `ratio ${(last.engine.rss / first.engine.rss).toFixed(3)} (its JS heap ${formatMiB(first.engine.heap)} → ` +
    `${formatMiB(last.engine.heap)}); both processes together ${formatMiB(first.rss + first.engine.rss)} → ` +
    `${formatMiB(last.rss + last.engine.rss)}, ratio ${((last.rss + last.engine.rss) / (first.rss + first.engine.rss)).toFixed(3)}`);
  console.log('1 passed, 0 failed');
}
