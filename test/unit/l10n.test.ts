// Runs in Node (unit test): no user-facing string is missing a translation. The manifest's package.nls.json and
// package.nls.fr.json hold the same keys; every l10n.t message in src/, webview/ and shared/ is in the English
// bundle (which is exactly what scripts/l10n-export.mjs generates) and in the French one; French keeps each
// message's {0}, {1}… and VS Code's $(icon) marks.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { formatMessage, parseL10nTable } from '../../shared/l10nStrings';

interface Exporter {
  REPO_ROOT: string;
  ENGLISH_BUNDLE: string;
  collectMessages(): { messages: Map<string, string>; problems: string[] };
  englishBundleText(messages: Map<string, string>): string;
}
const loadExporter = async (): Promise<Exporter> =>
  (await import(path.join(__dirname, '..', '..', '..', 'scripts', 'l10n-export.mjs'))) as Exporter;

const readJson = (root: string, file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;

/** `{0}`, `$(check)`: what a translation must keep as it is. */
const placeholders = (text: string): string[] => [...text.matchAll(/\{\d+\}|\$\([a-z-]+\)/g)].map((m) => m[0]).sort();

test('package.nls.json and package.nls.fr.json have the same keys, and the manifest uses only those', async () => {
  const { REPO_ROOT } = await loadExporter();
  const english = readJson(REPO_ROOT, 'package.nls.json');
  const french = readJson(REPO_ROOT, 'package.nls.fr.json');
  assert.deepEqual(Object.keys(french).sort(), Object.keys(english).sort());
  for (const [key, value] of Object.entries(french)) assert.ok(typeof value === 'string' && value.trim(), `${key} is empty in French`);
  const manifest = readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8');
  const used = [...manifest.matchAll(/"%([^"%]+)%"/g)].map((m) => m[1]);
  for (const key of used) assert.ok(key in english, `package.json uses %${key}% that package.nls.json lacks`);
});

test('every l10n.t message is a literal and the English bundle is exactly what the sources use', async () => {
  const { collectMessages, englishBundleText, ENGLISH_BUNDLE } = await loadExporter();
  const { messages, problems } = collectMessages();
  assert.deepEqual(problems, []);
  assert.ok(messages.size > 50, `only ${messages.size} messages found`);
  assert.equal(readFileSync(ENGLISH_BUNDLE, 'utf8'), englishBundleText(messages),
    'l10n/bundle.l10n.json is out of date: run node scripts/l10n-export.mjs');
});

test('the French bundle translates every message, keeping its placeholders', async () => {
  const { collectMessages, REPO_ROOT } = await loadExporter();
  const { messages } = collectMessages();
  const french = parseL10nTable(readFileSync(path.join(REPO_ROOT, 'l10n', 'bundle.l10n.fr.json'), 'utf8'));
  const missing = [...messages].filter(([m]) => !Object.hasOwn(french, m)).map(([m, where]) => `${where}: ${m}`);
  assert.deepEqual(missing, [], 'messages with no French');
  const stale = Object.keys(french).filter((m) => !messages.has(m));
  assert.deepEqual(stale, [], 'French messages no source uses');
  for (const [english, translated] of Object.entries(french)) {
    assert.deepEqual(placeholders(translated), placeholders(english), `placeholders differ in « ${translated} »`);
  }
});

test('a message is looked up by its English text, with arguments, and falls back to English', () => {
  const table = parseL10nTable(JSON.stringify({ 'Head {0} of {1}': 'Tête {0} sur {1}', odd: { message: 'bizarre', comment: 'x' },
    bad: 3 }));
  assert.equal(formatMessage(table, 'Head {0} of {1}', [3, 12]), 'Tête 3 sur 12');
  assert.equal(formatMessage(table, 'odd', []), 'bizarre');
  assert.equal(formatMessage(table, 'bad', []), 'bad');
  assert.equal(formatMessage(table, 'Layer {0}', [2]), 'Layer 2');
  assert.deepEqual(parseL10nTable('not json'), {});
});
