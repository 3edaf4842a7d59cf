// Runs in the VS Code extension host: a translation linked with the editor, with the tiny-marian-en-fr fixture in
// real VS Code. Show Attention opens the translation in its own read-only document below the source; with the
// panel on the cross-attention, the cursor on a source token paints the translated tokens by their column (the
// weights are the exported ones), the cursor on a translated token paints the source by its row, and panel labels
// select their token's range in either text. Moving into the translation from the encoder view switches to cross;
// a model that does not translate closes the translation.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { TokenPlace } from '../../shared/editorProtocol';
import type { AttentionExport } from '../../shared/exportSchema';
import type { AttentionKind } from '../../shared/protocol';
import type { EditorPaintState } from '../../src/editor/editorPaint';
import type { OutlinePlace } from '../../src/editor/outlinePaint';
import type { TranslationFocus } from '../../src/editor/translationPlan';
import type { KindShown } from '../../src/panel/attentionPanel';
import { EXTENSION_ID, eventually, openSample, qkv, select, setSetting, testModel, until } from './support';

type TranslationPaint = EditorPaintState &
  { readonly resultId: number; readonly focus: TranslationFocus; readonly outlined?: OutlinePlace };
const SOURCE = 'The pizza came out of the oven.';
const TRANSLATION = 'La pizza est sortie du four.';
const command = <T>(id: string, ...args: unknown[]) => Promise.resolve(vscode.commands.executeCommand<T>(id, ...args));
const showKind = (kind: AttentionKind) => command<KindShown>('qkvScope.internal.showKind', kind);
const paint = () => command<TranslationPaint | undefined>('qkvScope.internal.translationPaint');
const clickToken = (token: number, place: TokenPlace) => command<boolean>('qkvScope.internal.clickToken', token, place);

const paintedFor = async (side: TranslationFocus['side'], token: number): Promise<TranslationPaint> => (await until(paint,
  (p) => p?.focus.side === side && p.focus.token === token,
  (p) => `the editor should be painted for ${side} ${token}, not ${JSON.stringify(p?.focus)}`))!;

const textAt = (document: vscode.TextDocument, start: number, end: number) =>
  document.getText(new vscode.Range(document.positionAt(start), document.positionAt(end)));

describe('a translation linked with the editor', () => {
  let source: vscode.TextEditor;
  let translation: vscode.TextEditor;
  let exported: AttentionExport;
  let start: number;
  let dir: string;

  before(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await setSetting('model', path.join(extension.extensionPath, 'test', 'fixtures', 'models', 'tiny-marian-en-fr'));
    source = await openSample('translation.txt');
    select(source, SOURCE);
    start = source.document.offsetAt(source.selection.start);
    assert.ok(await qkv.showAttention(), 'Show Attention returned nothing');
    await qkv.waitForPaint();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-translation-'));
    const target = path.join(dir, 'all.json');
    assert.equal(await qkv.exportJson('model', target), target);
    exported = JSON.parse(fs.readFileSync(target, 'utf8')) as AttentionExport;
  });

  after(async () => {
    const uri = await command<string>('qkvScope.internal.translationUri');
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs)
      .filter((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === uri);
    await vscode.window.tabGroups.close(tabs);
    await setSetting('model', testModel());
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('opens the translation read-only below the source, and the panel stays open', async () => {
    const uri = await command<string>('qkvScope.internal.translationUri');
    await eventually(() => vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === uri &&
      e.document.getText() === TRANSLATION),
      `an editor shows "${TRANSLATION}"`);
    translation = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri)!;
    assert.notEqual(translation.viewColumn, source.viewColumn, 'the translation has its own editor group');
    assert.ok(vscode.window.visibleTextEditors.some((e) => e === source || e.document === source.document), 'the source stays visible');
    const panelTab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((tab) => tab.input instanceof vscode.TabInputWebview);
    assert.ok(panelTab?.group.activeTab === panelTab, 'the panel is still the front tab of its group');
    assert.equal(exported.translation?.text, TRANSLATION);
  });

  it('the cursor on a source token paints the translated tokens by their cross-attention column', async () => {
    const shown = await showKind('cross');
    const t = exported.translation!;
    const j = exported.tokens.findIndex((token) => SOURCE.slice(token.start, token.end) === 'pizza');
    await vscode.window.showTextDocument(source.document, { viewColumn: source.viewColumn });
    const at = source.document.positionAt(start + exported.tokens[j].start + 2);
    source.selection = new vscode.Selection(at, at);
    const p = await paintedFor('source', j);
    assert.equal(p.uri, translation.document.uri.toString(), 'the translation is painted');
    assert.equal(p.outlined?.uri, source.document.uri.toString(), 'the source token is outlined');
    assert.equal(textAt(source.document, p.outlined!.start, p.outlined!.end), 'pizza');
    const column = t.cross_layers[shown.ref.layer].heads[shown.ref.head].attention.map((row) => row[j]);
    const painted = p.keys.map((key) => key.token);
    assert.deepEqual(painted, t.tokens.filter((token) => token.start < token.end).map((token) => token.index), 'every word token painted');
    for (const key of p.keys) {
      assert.ok(Math.abs(key.weight - column[key.token]) < 1e-6, `translated token ${key.token}: ${key.weight} ≠ ${column[key.token]}`);
      assert.equal(textAt(translation.document, key.start, key.end), TRANSLATION.slice(t.tokens[key.token].start, t.tokens[key.token].end));
    }
    assert.match(p.status, /cross-attention · .+ → "pizza" \d\.\d{3}$/);
  });

  it('the cursor on a translated token paints the source tokens it reads', async () => {
    const shown = await showKind('cross');
    const t = exported.translation!;
    const i = t.tokens.findIndex((token) => TRANSLATION.slice(token.start, token.end) === 'four');
    await vscode.window.showTextDocument(translation.document, { viewColumn: translation.viewColumn });
    const at = translation.document.positionAt(t.tokens[i].start + 1);
    translation.selection = new vscode.Selection(at, at);
    const p = await paintedFor('target', i);
    assert.equal(p.uri, source.document.uri.toString(), 'the source is painted');
    const row = t.cross_layers[shown.ref.layer].heads[shown.ref.head].attention[i];
    for (const key of p.keys) {
      assert.ok(Math.abs(key.weight - row[key.token]) < 1e-6, `source token ${key.token}`);
      assert.equal(key.start, start + exported.tokens[key.token].start, 'at the source token\'s document offset');
    }
    assert.match(p.keys[0].hover, /cross-attention · "four" → .+ in the row of "four"$/);
  });

  it('a row label in the panel selects the translated token, a column label the source token', async () => {
    await showKind('cross');
    const t = exported.translation!;
    const i = t.tokens.findIndex((token) => TRANSLATION.slice(token.start, token.end) === 'sortie');
    assert.ok(await clickToken(i, 'row'));
    await paintedFor('target', i);
    await until(async () => translation.selection, (s) => textAt(translation.document, translation.document.offsetAt(s.start),
      translation.document.offsetAt(s.end)) === 'sortie', () => 'the translation selects "sortie"');
    const j = exported.tokens.findIndex((token) => SOURCE.slice(token.start, token.end) === 'oven');
    assert.ok(await clickToken(j, 'column'));
    await paintedFor('source', j);
    await until(async () => source.selection, (s) => textAt(source.document, source.document.offsetAt(s.start),
      source.document.offsetAt(s.end)) === 'oven', () => 'the source selects "oven"');
  });

  it('moving into the translation from the encoder view switches the panel to the cross-attention', async () => {
    await showKind('encoder');
    const t = exported.translation!;
    const i = t.tokens.findIndex((token) => TRANSLATION.slice(token.start, token.end) === 'La');
    await vscode.window.showTextDocument(translation.document, { viewColumn: translation.viewColumn });
    const at = translation.document.positionAt(t.tokens[i].start + 1);
    translation.selection = new vscode.Selection(at, at);
    const p = await paintedFor('target', i);
    assert.equal(p.uri, source.document.uri.toString());
  });

  it('a model that does not translate closes the translation, and nothing stays painted', async () => {
    await setSetting('model', testModel());
    source = await openSample('translation.txt');
    select(source, SOURCE);
    assert.ok(await qkv.showAttention(), 'Show Attention returned nothing');
    const uri = await command<string>('qkvScope.internal.translationUri');
    await eventually(() => !vscode.window.tabGroups.all.some((g) => g.tabs.some((tab) =>
      tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === uri)), 'the translation tab is closed');
    assert.equal(await paint(), undefined);
  });
});
