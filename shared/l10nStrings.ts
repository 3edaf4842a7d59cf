// Runs everywhere: the translation table the host hands the webview, and how a message is looked up in it.
// Keys are the English messages themselves, as in VS Code's l10n bundles; `{0}`, `{1}`… stand for the arguments.

/** English message → translated message, for the language VS Code runs in (empty for English). */
export type L10nTable = Readonly<Record<string, string>>;

/** What shared code that writes sentences takes, so the webview can hand it `webview/l10n.ts` (the host, the CLI
 * and the tests get English). Call it as `l10n.t('…')` with a literal message, as everywhere. */
export interface Translator {
  t(message: string, ...args: (string | number)[]): string;
}

export const ENGLISH: Translator = { t: (message, ...args) => formatMessage({}, message, args) };

/** The attribute of <body> that carries the table, as JSON, into the webview. */
export const L10N_DATA_ATTRIBUTE = 'data-l10n';

/** The message in the table (English when absent), with `{0}`, `{1}`… replaced by the arguments. */
export function formatMessage(table: L10nTable, message: string, args: readonly (string | number)[]): string {
  const text = Object.hasOwn(table, message) ? table[message] : message;
  return text.replace(/\{(\d+)\}/g, (whole, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? whole : String(value);
  });
}

/** Keeps only string entries: a bundle may also hold `{ message, comment }` objects, and bad JSON means English. */
export function parseL10nTable(json: string | undefined): L10nTable {
  if (!json) return {};
  try {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed !== 'object' || parsed === null) return {};
    const table: Record<string, string> = {};
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value === 'string') table[key] = value;
      else if (typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string') {
        table[key] = (value as { message: string }).message;
      }
    }
    return table;
  } catch {
    return {};
  }
}
