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
import { resolveModelFolder } from '../../src/model/modelSource';
import { packageRoot } from '../../src/model/packageRoot';
import { attentionFromQK } from '../../shared/attentionMath';
import type { AttentionResult, LayerTensors } from '../../shared/attentionResult';
import { QkvError } from '../../shared/errors';
import { checkExport } from '../../shared/exportSchema';
import { fixtureDir } from './support';
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
    const worst = Math.max(
      ...r.layers.map((l) => check(l, r.model.heads, s, s, r.model.headDim, false)),
      ...t.decoder.map((l) => check(l, t.heads, rows, rows, t.headDim, true)),
      ...t.cross.map((l) => check(l, t.heads, rows, s, t.headDim, false)),
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
    await assert.rejects(runTranslation(model, SOURCE, tokenizeSource(model, SOURCE, 512), { isCancelled: () => ++steps > 2 }),
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

/** Rows sum to 1, causal zeros where asked, and the recompute from q and k; returns the largest recompute difference. */
function check(layer: LayerTensors, heads: number, rows: number, keys: number, d: number, causal: boolean): number {
  let worst = 0;
  for (let h = 0; h < heads; h++) {
    const probs = layer.probs.subarray(h * rows * keys, (h + 1) * rows * keys);
    const q = layer.q.subarray(h * rows * d, (h + 1) * rows * d);
    const k = layer.k.subarray(h * keys * d, (h + 1) * keys * d);
    const expected = recompute(q, k, rows, keys, d, causal);
    for (let i = 0; i < rows; i++) {
      let sum = 0;
      for (let j = 0; j < keys; j++) {
        const p = probs[i * keys + j];
        sum += p;
        if (causal && j > i) assert.equal(p, 0, `above the diagonal at [${i}, ${j}]`);
        worst = Math.max(worst, Math.abs(p - expected[i * keys + j]));
      }
      assert.ok(Math.abs(sum - 1) < 1e-5, `row ${i} sums to ${sum}`);
    }
  }
  return worst;
}

/** softmax(q·kᵀ/√d) for rows × keys; square blocks go through the shared recompute. */
function recompute(q: Float32Array, k: Float32Array, rows: number, keys: number, d: number, causal: boolean): Float64Array {
  if (rows === keys) return attentionFromQK(q, k, rows, d, causal);
  const out = new Float64Array(rows * keys);
  for (let i = 0; i < rows; i++) {
    let max = -Infinity;
    for (let j = 0; j < keys; j++) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += q[i * d + c] * k[j * d + c];
      out[i * keys + j] = dot / Math.sqrt(d);
      max = Math.max(max, out[i * keys + j]);
    }
    let sum = 0;
    for (let j = 0; j < keys; j++) sum += (out[i * keys + j] = Math.exp(out[i * keys + j] - max));
    for (let j = 0; j < keys; j++) out[i * keys + j] /= sum;
  }
  return out;
}
