// Runs in the extension host: what the commands share, created once in activate().
import type * as vscode from 'vscode';
import type { LatestRun } from '../attention/latestRun';
import type { EditorLink } from '../editor/editorLink';
import type { TranslationLink } from '../editor/translationLink';
import type { AttentionPanel } from '../panel/attentionPanel';

export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  /** Every run goes through here, so a new run always supersedes the one in flight. */
  readonly runs: LatestRun;
  readonly panel: AttentionPanel;
  /** The editor side of the result: paint, cursor ↔ token, stale text. */
  readonly editor: EditorLink;
  /** A translator's translation in its own document, linked with the source through the cross-attention. */
  readonly translation: TranslationLink;
}
