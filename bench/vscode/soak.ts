// Runs in the VS Code extension host (code-server): the soak benchmark's second half (npm run bench:soak).
// 200 Show Attention commands on varied texts, alternating two models, each waited for until the heatmap is
// painted; prints the extension host's RSS (it holds the engine worker too) after commands 20 and 200, and the ratio.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ShowAttentionOutcome } from '../../src/commands/showAttention';
import { formatRss, REFERENCE_TEXT, soakText } from '../soakTexts';

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
  const rss = new Map<number, number>();
  const started = performance.now();
  for (let i = 1; i <= COMMANDS; i++) {
    await settings.update('model', models[i % models.length], vscode.ConfigurationTarget.Global);
    await selectText(soakText(i));
    const outcome = await command<ShowAttentionOutcome | undefined>('qkvScope.showAttention');
    if (!outcome) throw new Error(`Show Attention ${i} returned nothing`);
    await command('qkvScope.internal.waitForPaint', undefined, 60_000);
    // Close the scratch editor, as a person moving on would; the panel stays.
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    if (i === 20 || i === COMMANDS) {
      // The same reference command before each sample, so both follow the same allocation.
      await settings.update('model', models[0], vscode.ConfigurationTarget.Global);
      await selectText(REFERENCE_TEXT);
      await command('qkvScope.showAttention');
      await command('qkvScope.internal.waitForPaint', undefined, 60_000);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      rss.set(i, process.memoryUsage().rss);
    }
    if (i % 20 === 0) console.log(`soak: ${i} commands, ${((performance.now() - started) / 1000).toFixed(0)} s, RSS ${formatRss(process.memoryUsage().rss)}`);
  }
  const at20 = rss.get(20)!;
  const atEnd = rss.get(COMMANDS)!;
  console.log(`BENCH soak, extension host: ${COMMANDS} Show Attention commands, 2 models, in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
    `RSS at command 20 ${formatRss(at20)}, at command ${COMMANDS} ${formatRss(atEnd)}, ratio ${(atEnd / at20).toFixed(3)} (target < 1.10)`);
  console.log('1 passed, 0 failed');
}
