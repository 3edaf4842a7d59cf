// Runs in the VS Code extension host (code-server): the soak benchmark's second half (npm run bench:soak).
// 200 Show Attention commands on varied texts, alternating two models, each waited for until the heatmap is
// painted; prints the extension host's RSS (it holds the engine worker too) at commands 20 and 200, and the ratio:
// medians of the readings after commands 11–20 and 191–200, as in bench/soak.ts.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ShowAttentionOutcome } from '../../src/commands/showAttention';
import { formatRss, medianOf, soakText } from '../soakTexts';

const EXTENSION_ID = 'qkv-scope.qkv-scope';
const COMMANDS = 200;

const command = <T>(id: string, ...args: unknown[]) => Promise.resolve(vscode.commands.executeCommand<T>(id, ...args));

async function selectText(text: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument({ content: text });
  const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One });
  editor.selection = new vscode.Selection(document.positionAt(0), document.positionAt(text.length));
}

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  await extension.activate();
  const models = ['embedded', path.join(extension.extensionPath, 'test', 'fixtures', 'models', 'wide-gpt2')];
  const settings = vscode.workspace.getConfiguration('qkvScope');
  const rss: number[] = [];
  const started = performance.now();
  for (let i = 1; i <= COMMANDS; i++) {
    await settings.update('model', models[i % models.length], vscode.ConfigurationTarget.Global);
    await selectText(soakText(i));
    const outcome = await command<ShowAttentionOutcome | undefined>('qkvScope.showAttention');
    if (!outcome) throw new Error(`Show Attention ${i} returned nothing`);
    await command('qkvScope.internal.waitForPaint', undefined, 60_000);
    // Close the scratch editor, as a person moving on would; the panel stays.
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    rss.push(process.memoryUsage().rss);
    if (i % 20 === 0) console.log(`soak: ${i} commands, ${((performance.now() - started) / 1000).toFixed(0)} s, RSS ` +
      `${formatRss(process.memoryUsage().rss)}`);
  }
  const at20 = medianOf(rss.slice(10, 20));
  const atEnd = medianOf(rss.slice(COMMANDS - 10, COMMANDS));
  console.log(`BENCH soak, extension host: ${COMMANDS} Show Attention commands, 2 models, in ` +
    `${((performance.now() - started) / 1000).toFixed(1)} s; ` +
    `RSS at command 20 ${formatRss(at20)}, at command ${COMMANDS} ${formatRss(atEnd)}, ` +
    `ratio ${(atEnd / at20).toFixed(3)} (target < 1.10; single readings ${formatRss(rss[19])} and ${formatRss(rss[COMMANDS - 1])})`);
  console.log('1 passed, 0 failed');
}
