// Runs in the extension host: the commands behind the Getting Started walkthrough's buttons (package.json
// contributes.walkthroughs): open the sample text and show its attention, step to the next head, open the
// step-by-step card on the strongest cell of the last token. Each also works from the Command Palette.
import * as vscode from 'vscode';
import { headSlice } from '../../shared/attentionResult';
import type { HeadRef } from '../../shared/protocol';
import type { Services } from './services';
import { showAttention, type ShowAttentionOutcome } from './showAttention';

/** The sample: the sentence the README and the tests use, and its French version for the person it is built for. */
export const SAMPLE_TEXT = [
  'The pizza came out of the oven and it tasted good.',
  '',
  'La pizza est sortie du four et elle était bonne.',
  '',
].join('\n');

/** Opens the sample in a new editor, selects its English sentence and shows its attention. */
export async function openSample(services: Services): Promise<ShowAttentionOutcome | undefined> {
  const document = await vscode.workspace.openTextDocument({ content: SAMPLE_TEXT, language: 'plaintext' });
  const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
  editor.selection = new vscode.Selection(0, 0, 0, document.lineAt(0).text.length);
  return showAttention(services);
}

/** The head after the one on screen, on to the next layer after the last head, back to the start after the last layer. */
export function nextHead(services: Services): HeadRef | undefined {
  const shown = services.panel.shown;
  if (!shown) return nothingShown();
  const { layers, heads } = shown.result.model;
  const flat = (shown.ref.layer * heads + shown.ref.head + 1) % (layers * heads);
  const ref = { layer: Math.floor(flat / heads), head: flat % heads };
  services.panel.showHead(ref);
  return ref;
}

/** Opens the step-by-step card on the key the last token attends to most, in the head on screen. */
export function explainStrongestCell(services: Services): { row: number; col: number } | undefined {
  const shown = services.panel.shown;
  if (!shown) return nothingShown();
  const n = shown.result.tokens.length;
  const probs = headSlice(shown.result, shown.ref.layer, shown.ref.head, 'probs');
  const row = n - 1;
  let col = 0;
  for (let j = 1; j < n; j++) if (probs[row * n + j] > probs[row * n + col]) col = j;
  services.panel.clickCell(shown.ref, row, col);
  return { row, col };
}

function nothingShown(): undefined {
  void vscode.window.showInformationMessage('Run QKV Scope: Show Attention first (or Open Sample Text).');
  return undefined;
}
