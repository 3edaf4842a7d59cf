// Encoder–decoder models, on the tiny Marian fixture (English → French, trained on its corpus): the engine translates,
// and the three kinds of attention it returns are real attention: rows sum to 1, the decoder's self-attention is
// causal, and softmax(q·kᵀ/√d) recomputed from the returned Q and K (cross: decoder Q, encoder K) gives them back.
// Generation stops when cancelled; the CLI prints the translation and exports all three kinds.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { AttentionEngine } from '../../src/attention/attentionEngine';
import { runTranslation, tokenizeSource } from '../../src/attention/runTranslation';
import { encoderGraphBeside, loadTranslator } from '../../src/model/loadTranslator';
import { translationStart } from '../../src/model/translationLanguages';
import { resolveModelFolder } from '../../src/model/modelSource';
import { packageRoot } from '../../src/model/packageRoot';
import type { AttentionResult } from '../../shared/attentionResult';
import { QkvError } from '../../shared/errors';
import { checkExport } from '../../shared/exportSchema';
import { fixtureDir } from './support';
import { worstRecompute } from './translationChecks';
import { tensorReplies } from '../../src/panel/tensorReplies';
import type { ToWebview } from '../../shared/protocol';
import { summarize } from '../../shared/resultSummary';

const MARIAN = fixtureDir('tiny-marian-en-fr');
const SOURCE = 'The pizza came out of the oven.';
const engine = new AttentionEngine();
after(() => engine.dispose());

describe('translation with an encoder–decoder model', () => {
  let cached: Promise<AttentionResult> | undefined;
  const result = () => (cached ??= engine.run({ text: SOURCE, model: MARIAN, maxTokens: 512 }));

  it('translates greedily until the end token', async () => {
    const r = await result();
    assert.equal(r.translation?.text, 'La pizza est sortie du four.');
    assert.equal(r.translation?.stopped, 'end');
    assert.deepEqual(r.translation?.tokens.map((t) => t.display),
      ['<pad>', '␣La', '␣pizza', '␣est', '␣sortie', '␣du', '␣four', '.', '</s>']);
    for (const token of r.translation!.tokens.filter((x) => !x.special)) {
      assert.equal(r.translation!.text.slice(token.start, token.end), token.piece.replace(/^▁/, ''), `${token.piece} at ${token.start}`);
    }
    assert.equal(r.model.onnxFile, 'onnx/encoder_model.onnx');
    assert.equal(r.model.causal, false);
  });

  it('returns encoder self-attention, causal decoder self-attention and cross-attention that are real attention', async () => {
    const r = await result();
    const t = r.translation!;
    const s = r.tokens.length;
    const rows = t.tokens.length;
    assert.equal(r.layers.length, 2);
    assert.equal(t.decoder.length, 2);
    assert.equal(t.cross.length, 2);
    const scale = 1 / Math.sqrt(t.headDim);
    assert.equal(t.scale, r.model.scale);
    assert.equal(t.crossScale, r.model.scale);
    assert.ok(Math.abs(t.scale! - scale) < 1e-7, `decoder scale ${t.scale}`);
    const worst = Math.max(
      ...r.layers.map((l) => worstRecompute(l, { heads: r.model.heads, rows: s, keys: s, headDim: r.model.headDim, causal: false, scale })),
      ...t.decoder.map((l) => worstRecompute(l, { heads: t.heads, rows, keys: rows, headDim: t.headDim, causal: true, scale })),
      ...t.cross.map((l) => worstRecompute(l, { heads: t.heads, rows, keys: s, headDim: t.headDim, causal: false, scale })),
    );
    assert.ok(worst < 1e-5, `recomputed attention differs by ${worst}`);
  });

  it('the panel host sends each decoder layer of both kinds exactly as long as the protocol says, and nothing for a layer that is not ' +
    'there', async () => {
    const r = await result();
    const t = r.translation!;
    const [s, rows, d] = [r.tokens.length, t.tokens.length, t.headDim];
    for (const kind of ['decoder', 'cross'] as const) {
      const cols = kind === 'cross' ? s : rows;
      const [reply] = tensorReplies(r, 9, { type: 'requestTranslationHeads', requestId: 1, resultId: 9, kind, layer: 1 });
      assert.equal(reply.type, 'translationHeads');
      const values = new Float32Array((reply as Extract<ToWebview, { type: 'translationHeads' }>).buffer);
      assert.equal(values.length, t.heads * (rows * cols + rows * d + 2 * cols * d), kind);
      assert.deepEqual(values.subarray(0, rows * cols), t[kind][1].probs.subarray(0, rows * cols), `${kind} head 0 probs`);
      assert.deepEqual(tensorReplies(r, 9, { type: 'requestTranslationHeads', requestId: 1, resultId: 9, kind, layer: 2 }), []);
    }
    assert.equal(summarize(r, 9).translation?.tokens.length, rows);
  });

  it('stops generating when cancelled between steps', async () => {
    const folder = resolveModelFolder(MARIAN);
    const model = await loadTranslator(folder, encoderGraphBeside(folder)!);
    let steps = 0;
    const start = translationStart(model.languages, {}, folder.id);
    const source = tokenizeSource(model, SOURCE, 512, start);
    await assert.rejects(runTranslation(model, SOURCE, source, { isCancelled: () => ++steps > 2, start }),
      (error: unknown) => error instanceof QkvError && error.code === 'cancelled');
    assert.equal(steps, 3);
  });

  it('prints the translation and exports all three kinds through the CLI', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-marian-')), 'a.json');
    const run = spawnSync(process.execPath,
      [path.join(packageRoot(), 'bin', 'qkv-scope.js'), '--model', MARIAN, '--text', SOURCE, '--out', out],
      { encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.match(run.stdout, /^Translation: La pizza est sortie du four\.$/m);
    assert.match(run.stdout, /^Strongest cross-attention of each head \(translated token → source token: weight\):$/m);
    assert.match(run.stdout, /^ {2}L1 H3: ".+" → ".+": 0\.\d{4}$/m);
    const doc = checkExport(JSON.parse(fs.readFileSync(out, 'utf8')));
    assert.equal(doc.translation?.text, 'La pizza est sortie du four.');
    assert.equal(doc.translation?.cross_layers[1].heads[3].attention[0].length, doc.tokens.length);
  });
});
