// Runs in the webview: the panel's words in VS Code's language. The webview cannot call vscode.l10n, so the host
// writes its bundle into <body data-l10n>; `t` looks an English message up there and falls back to English.
// Call it as `l10n.t('…')` with a literal message: scripts/l10n-export.mjs finds the messages by that shape.
import { L10N_DATA_ATTRIBUTE, formatMessage, parseL10nTable, type L10nTable } from '../shared/l10nStrings';

let table: L10nTable | undefined;

/** The translated message, `{0}`, `{1}`… replaced by `args`. */
export function t(message: string, ...args: (string | number)[]): string {
  table ??= parseL10nTable(typeof document === 'undefined' ? undefined : document.body?.getAttribute(L10N_DATA_ATTRIBUTE) ?? undefined);
  return formatMessage(table, message, args);
}
