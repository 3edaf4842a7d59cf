// @ts-check
// Runs in Node (build tooling): writes l10n/bundle.l10n.json, the English bundle, from every `l10n.t('…')` call in
// src/, webview/ and shared/ (vscode.l10n.t in the host, webview/l10n.ts's t in the panel). Each message must be a
// literal string (quotes, or a template without ${}), so that it can be found here and translated.
// `node scripts/l10n-export.mjs` writes the bundle; `--check` only says whether it is up to date (exit 1 if not).
// The same collector is used by test/unit/l10n.test.ts.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SOURCE_FOLDERS = ['src', 'webview', 'shared'];
export const ENGLISH_BUNDLE = path.join(REPO_ROOT, 'l10n', 'bundle.l10n.json');

const CALL = /\bl10n\.t\(\s*/g;
const LITERAL = /^(?:'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\$]|\\.|\$(?!\{))*)`)\s*[,)]/;

/**
 * Every message passed to l10n.t in the source folders, and every call whose message is not a literal.
 * @returns {{ messages: Map<string, string>, problems: string[] }} message → first file:line that uses it
 */
export function collectMessages(root = REPO_ROOT) {
  /** @type {Map<string, string>} */
  const messages = new Map();
  /** @type {string[]} */
  const problems = [];
  for (const folder of SOURCE_FOLDERS) {
    for (const file of typeScriptFiles(path.join(root, folder))) {
      const text = readFileSync(file, 'utf8');
      for (const call of text.matchAll(CALL)) {
        const start = (call.index ?? 0) + call[0].length;
        const where = `${path.relative(root, file)}:${text.slice(0, start).split('\n').length}`;
        const literal = LITERAL.exec(text.slice(start));
        if (!literal) {
          problems.push(`${where}: l10n.t needs a literal message`);
          continue;
        }
        const message = unescape(literal[1] ?? literal[2] ?? literal[3] ?? '');
        if (!messages.has(message)) messages.set(message, where);
      }
    }
  }
  return { messages, problems };
}

/** @param {string} folder @returns {string[]} */
function typeScriptFiles(folder) {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

const ESCAPES = /** @type {Record<string, string>} */ ({ n: '\n', t: '\t', r: '\r', '0': '\0' });
/** The value of a JavaScript string literal's body (the escapes messages use). @param {string} body */
function unescape(body) {
  return body.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\s\S])/g, (_, escape) =>
    escape.length > 1 ? String.fromCharCode(parseInt(escape.slice(1), 16)) : ESCAPES[escape] ?? escape);
}

/** The English bundle's text: messages sorted, each mapped to itself. @param {Map<string, string>} messages */
export function englishBundleText(messages) {
  const sorted = [...messages.keys()].sort();
  return `${JSON.stringify(Object.fromEntries(sorted.map((m) => [m, m])), null, 2)}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { messages, problems } = collectMessages();
  for (const problem of problems) console.error(problem);
  const text = englishBundleText(messages);
  if (process.argv.includes('--check')) {
    const current = readFileSync(ENGLISH_BUNDLE, 'utf8');
    if (current !== text || problems.length) {
      console.error('l10n/bundle.l10n.json is out of date: run node scripts/l10n-export.mjs');
      process.exit(1);
    }
  } else {
    writeFileSync(ENGLISH_BUNDLE, text);
    console.log(`${messages.size} messages → ${path.relative(REPO_ROOT, ENGLISH_BUNDLE)}`);
  }
  if (problems.length) process.exit(1);
}
