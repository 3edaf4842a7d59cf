// Runs in the extension host: the qkvScope.* settings, read in one place with their defaults.
import * as vscode from 'vscode';
import { DEFAULT_MAX_TOKENS } from '../shared/limits';

export interface Settings {
  readonly model: string;
  readonly maxTokens: number;
  readonly liveUpdate: boolean;
}

export const SECTION = 'qkvScope';

export function readSettings(): Settings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const maxTokens = config.get<number>('maxTokens', DEFAULT_MAX_TOKENS);
  return {
    model: config.get<string>('model', 'embedded').trim() || 'embedded',
    maxTokens: Number.isInteger(maxTokens) && maxTokens > 0 ? maxTokens : DEFAULT_MAX_TOKENS,
    liveUpdate: config.get<boolean>('liveUpdate', false),
  };
}

/** Relative model folders are relative to the first workspace folder, as a user would expect. */
export function modelBaseDir(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
}
