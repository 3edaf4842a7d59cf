// Runs in the VS Code extension host: the editor side of a result in real VS Code. The cursor on a token paints
// the editor and the status bar item; a token clicked in the panel (chip, row label, column label) selects its
// range in the editor, through emoji, CJK and combining marks; edits before the text move the paint, edits inside
// it make it stale with a one-click re-run; with live update on, typing repaints the panel and the editor.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { TokenPlace } from '../../shared/editorProtocol';
import type { PanelStatus } from '../../shared/protocol';
import type { LivePainted } from '../../src/commands/editorTestCommands';
import type { EditorPaintState } from '../../src/editor/editorPaint';
import { PIZZA, eventually, qkv, setSetting, until, type Shown } from './support';

type Painted = EditorPaintState & { readonly resultId: number; readonly stale: boolean };
const command = <T>(id: string, ...args: unknown[]) => Promise.resolve(vscode.commands.executeCommand<T>(id, ...args));
const editorPaint = () => command<Painted | undefined>('qkvScope.internal.editorPaint');
const panelQuery = () => command<{ resultId: number; query: number | null } | undefined>('qkvScope.internal.panelQuery');
const clickToken = (token: number, place: TokenPlace) => command<boolean>('qkvScope.internal.clickToken', token, place);
const panelStatus = () => command<PanelStatus>('qkvScope.internal.panelStatus');
const waitForLivePaint = (after: number) => command<LivePainted>('qkvScope.internal.waitForLivePaint', after, 30_000);

/** Emoji (one a ZWJ sequence), CJK and combining marks, between plain words. */
const MIXED = 'I ate 🍕 with 👩‍👩‍👧 in 東京 at the cafe\u0301 — nai\u0308ve!';
const PREFIX = 'A first line, not analysed.\n';

/** An untitled editor holding PREFIX then `text`; Show Attention on `text`. */
async function showOnSecondLine(text: string): Promise<{ editor: vscode.TextEditor; shown: Shown; start: number }> {
  const document = await vscode.workspace.openTextDocument({ content: `${PREFIX}${text}\n` });
  const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One });
  const start = PREFIX.length;
  editor.selection = new vscode.Selection(document.positionAt(start), document.positionAt(start + text.length));
  assert.ok(await qkv.showAttention(), 'Show Attention returned nothing');
  await qkv.waitForPaint();
  const shown = await qkv.shown();
  assert.equal(shown?.text, text);
  return { editor, shown: shown!, start };
}

async function putCursor(editor: vscode.TextEditor, offset: number): Promise<void> {
  await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
  const position = editor.document.positionAt(offset);
  editor.selection = new vscode.Selection(position, position);
}

const paintedQuery = async (query: number) =>
  (await until(editorPaint, (p) => p?.query === query, (p) => `the editor paint should show query ${query}, not ${p?.query}`))!;

describe('editor paint and linking', () => {
  before(() => setSetting('liveUpdate', false));
  after(() => setSetting('liveUpdate', undefined));

  it('the cursor on " it" paints every key with its weight, outlines it, and the status bar names its strongest key', async () => {
    const { editor, shown, start } = await showOnSecondLine(PIZZA);
    const it = shown.tokens.findIndex((t) => PIZZA.slice(t.start, t.end) === ' it');
    await putCursor(editor, start + shown.tokens[it].start + 2);
    const paint = await paintedQuery(it);
    // The panel keeps the head of earlier runs: compare with the head on screen.
    const { ref } = shown;
    const row = (await qkv.headTensors(ref.layer, ref.head))!.probs.slice(it * shown.tokens.length, (it + 1) * shown.tokens.length);
    assert.equal(paint.keys.length, shown.tokens.length);
    for (const key of paint.keys) {
      const token = shown.tokens[key.token];
      assert.equal(key.start, start + token.start, `key ${key.token} starts at its document offset`);
      assert.equal(editor.document.getText(new vscode.Range(editor.document.positionAt(key.start), editor.document.positionAt(key.end))),
        PIZZA.slice(token.start, token.end));
      assert.equal(key.masked, key.token > it, 'a causal model paints nothing after the query');
      if (!key.masked) assert.ok(Math.abs(key.weight - row[key.token]) < 1e-6, `key ${key.token}: ${key.weight} ≠ ${row[key.token]}`);
      else assert.match(key.hover, /causal model reads only the tokens up to the query/);
    }
    const best = paint.keys.reduce((a, b) => (b.weight > a.weight ? b : a));
    assert.match(paint.status, new RegExp(`^\\$\\(eye\\) L${ref.layer + 1} H${ref.head + 1} · " it" → ".*" ${best.weight.toFixed(3)}$`));
    assert.match(best.hover, / · rank 1 of \d+ in the row of " it"$/);
    await until(panelQuery, (q) => q?.resultId === shown.resultId && q.query === it,
      (q) => `the panel should pick " it" (${it}) as its query, not ${JSON.stringify(q)}`);

    // Another head in the panel: the paint follows it.
    const other = ref.layer === 1 && ref.head === 2 ? { layer: 0, head: 1 } : { layer: 1, head: 2 };
    assert.equal(await qkv.showHead(other.layer, other.head), true);
    await qkv.waitForPaint(other);
    const otherRow = (await qkv.headTensors(other.layer, other.head))!.probs.slice(it * shown.tokens.length,
      (it + 1) * shown.tokens.length);
    const label = `L${other.layer + 1} H${other.head + 1}`;
    const repainted = (await until(editorPaint, (p) => !!p?.status.includes(label), (p) => `status bar: ${p?.status}`))!;
    for (const key of repainted.keys.filter((k) => !k.masked)) assert.ok(Math.abs(key.weight - otherRow[key.token]) < 1e-6);
  });

  it('Clear Attention Paint removes it; qkvScope.paintEditor off paints nothing', async () => {
    await command('qkvScope.clearPaint');
    assert.equal(await editorPaint(), undefined);
    await setSetting('paintEditor', false);
    const shown = (await qkv.shown())!;
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.isUntitled)!;
    await putCursor(editor, PREFIX.length + shown.tokens[1].end);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await editorPaint(), undefined);
    await setSetting('paintEditor', undefined);
  });

  it('panel clicks select the token in the editor, and the cursor picks it back, through emoji, CJK and combining marks', async () => {
    const { editor, shown, start } = await showOnSecondLine(MIXED);
    const selected = () => {
      const s = editor.selection;
      return [editor.document.offsetAt(s.start) - start, editor.document.offsetAt(s.end) - start];
    };
    const inText = shown.tokens.map((t, index) => ({ ...t, index })).filter((t) => t.end > t.start);
    assert.ok(inText.some((t) => /[\uD800-\uDBFF]/.test(MIXED.slice(t.start, t.end))), 'the text has an emoji token');
    const cases: [number, TokenPlace][] = [[inText[3].index, 'row'], [inText[5].index, 'column'],
      ...inText.map((t): [number, TokenPlace] => [t.index, 'chip'])];
    for (const [index, place] of cases) {
      const t = shown.tokens[index];
      assert.equal(await clickToken(index, place), true);
      await eventually(() => selected()[0] === t.start && selected()[1] === t.end,
        `clicking ${place} ${index} should select [${t.start}, ${t.end}), the editor has [${selected().join(', ')})`);
      assert.equal(editor.document.getText(editor.selection), MIXED.slice(t.start, t.end));
    }
    for (const t of inText) {
      await putCursor(editor, start + t.end);
      const holds = (p: Painted | undefined) => !!p && shown.tokens[p.query].start < t.end && t.end <= shown.tokens[p.query].end;
      await until(editorPaint, holds,
        (p) => `the cursor after ${JSON.stringify(MIXED.slice(t.start, t.end))} should pick its token, not ${p?.query}`);
    }
  });

  it('an edit before the text moves the paint; an edit inside it clears the paint, and Run again reads the new text', async () => {
    const { editor, shown, start } = await showOnSecondLine(PIZZA);
    await putCursor(editor, start + shown.tokens[4].end);
    const before = await paintedQuery(4);
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), 'New. '));
    const moved = await until(editorPaint, (p) => p?.keys[0].start === before.keys[0].start + 5,
      () => 'the paint should move with the text');
    assert.deepEqual(moved?.keys.map((k) => k.start), before.keys.map((k) => k.start + 5), 'the paint moved with the text');
    for (const key of moved!.keys) {
      const token = shown.tokens[key.token];
      assert.equal(editor.document.getText(new vscode.Range(editor.document.positionAt(key.start), editor.document.positionAt(key.end))),
        PIZZA.slice(token.start, token.end));
    }
    const pizza = editor.document.getText().indexOf(' pizza') + ' pizza'.length;
    await editor.edit((b) => b.insert(editor.document.positionAt(pizza), ' slice'));
    await until(panelStatus, (status) => status.state === 'stale',
      (status) => `the panel should say the text changed, it says ${JSON.stringify(status)}`);
    assert.equal(await editorPaint(), undefined, 'stale text has no paint');
    assert.equal(await command<boolean>('qkvScope.internal.clickRerun'), true);
    const edited = PIZZA.replace(' pizza', ' pizza slice');
    await until(qkv.shown, (shown) => shown?.text === edited,
      (shown) => `Run again should show the edited text, not ${JSON.stringify(shown?.text)}`, 20_000);
    assert.equal((await panelStatus()).state, 'idle');
  });

  it('with live update on, typing in the text repaints the panel and the editor with the new text', async () => {
    const { editor, shown, start } = await showOnSecondLine(PIZZA);
    await setSetting('liveUpdate', true);
    const end = start + PIZZA.length;
    await putCursor(editor, end);
    await paintedQuery(shown.tokens.length - 1);
    const last = (await editorPaint())!.resultId;
    await editor.edit((b) => b.insert(editor.document.positionAt(end), ' Yes'));
    const live = await waitForLivePaint(last);
    const now = await qkv.shown();
    assert.equal(now?.text, `${PIZZA} Yes`);
    assert.equal(now?.resultId, live.resultId);
    const paint = await editorPaint();
    assert.equal(paint?.resultId, live.resultId);
    assert.equal(paint?.query, now!.tokens.length - 1, 'the query is the token at the cursor: " Yes"');
    await setSetting('liveUpdate', false);
  });
});
