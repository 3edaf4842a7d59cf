// Runs in the VS Code extension host: Show Attention with the tiny-marian-en-fr fixture as the model, in the real
// panel — the translation is on screen and the kind switch shows all three attentions: the encoder's (source ×
// source), the decoder's (translation × translation) and the cross-attention (translation rows × source columns).
// A model that writes several languages (tiny-m2m100) takes its target from qkvScope.targetLanguage.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { KindShown } from '../../src/panel/attentionPanel';
import type { AttentionKind } from '../../shared/protocol';
import { EXTENSION_ID, openSample, qkv, select, setSetting, testModel } from './support';

const SOURCE = 'The pizza came out of the oven.';
const showKind = (kind: AttentionKind) => Promise.resolve(vscode.commands.executeCommand<KindShown>('qkvScope.internal.showKind', kind));

describe('a translator in the panel', () => {
  before(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await setSetting('model', path.join(extension.extensionPath, 'test', 'fixtures', 'models', 'tiny-marian-en-fr'));
  });
  after(() => setSetting('model', testModel()));

  it('shows the encoder, the decoder and the cross-attention of the translation', async () => {
    select(await openSample('translation.txt'), SOURCE);
    assert.ok(await qkv.showAttention(), 'Show Attention returned nothing');
    await qkv.waitForPaint();
    const shown = await qkv.shown();
    assert.equal(shown?.text, SOURCE);
    const source = shown!.tokens.length;
    const encoder = await showKind('encoder');
    assert.deepEqual([encoder.rows, encoder.cols], [source, source]);
    const cross = await showKind('cross');
    const decoder = await showKind('decoder');
    assert.equal(cross.cols, source, 'cross-attention columns are the source tokens');
    assert.equal(decoder.rows, cross.rows, 'decoder and cross rows are the translation tokens');
    assert.equal(decoder.cols, decoder.rows);
    assert.equal(cross.rows, 9, '<pad> La pizza est sortie du four . </s>');
    await showKind('encoder');
  });

  it('translates into the language qkvScope.targetLanguage names, and says so when it names none', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    await setSetting('model', path.join(extension.extensionPath, 'test', 'fixtures', 'models', 'tiny-m2m100'));
    try {
      select(await openSample('translation.txt'), SOURCE);
      assert.equal(await qkv.showAttention(), undefined, 'no target language: refused');
      await setSetting('targetLanguage', 'fr');
      assert.ok(await qkv.showAttention(), 'Show Attention returned nothing');
      await qkv.waitForPaint();
      const cross = await showKind('cross');
      assert.equal(cross.rows, 10, '</s> __fr__ La pizza est sortie du four . </s>');
      await showKind('encoder');
    } finally {
      await setSetting('targetLanguage', undefined);
    }
  });
});
