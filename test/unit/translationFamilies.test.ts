// Encoder–decoder families beyond Marian, each on a tiny fixture trained to translate its corpus
// (tools/make_seq2seq_fixtures.py): BART (decoder starts from </s>, <s> forced first), M2M100 and NLLB (the target
// language forced first, chosen with --target-lang; the source language token in front of the text) and T5 (a task
// prefix before the text, decoder start = pad, no 1/√d scale, relative position bias in both self-attentions).
// Each translates through the CLI; the three kinds of attention keep the invariants (rows sum to 1, causal decoder,
// softmax recomputed from the returned q and k, or from the scores where the model adds a term).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { AttentionEngine } from '../../src/attention/attentionEngine';
import { packageRoot } from '../../src/model/packageRoot';
import { decodeModel } from '../../src/model/onnx/onnxGraph';
import type { AttentionResult, LayerTensors } from '../../shared/attentionResult';
import { QkvError } from '../../shared/errors';
import { checkExport } from '../../shared/exportSchema';
import { fixtureDir } from './support';
import { additiveTerms, worstRecompute, type BlockShape } from './translationChecks';

const EN = 'The pizza came out of the oven.';
const FR = 'La pizza est sortie du four.';
const engine = new AttentionEngine();
after(() => engine.dispose());

interface Family {
  readonly fixture: string;
  readonly args: readonly string[];
  /** The decoder's start token and the forced first token, if any. */
  readonly opening: readonly string[];
  /** The source's special tokens (or prefix tokens) before the text. */
  readonly sourceOpening: readonly string[];
}

const FAMILIES: readonly Family[] = [
  { fixture: 'tiny-bart-en-fr', args: [], opening: ['</s>', '<s>'], sourceOpening: ['<s>'] },
  { fixture: 'tiny-m2m100', args: ['--target-lang', 'fr'], opening: ['</s>', '__fr__'], sourceOpening: ['__en__'] },
  { fixture: 'tiny-nllb', args: ['--target-lang', 'fra_Latn'], opening: ['</s>', 'fra_Latn'], sourceOpening: ['eng_Latn'] },
  { fixture: 'tiny-t5-en-fr', args: ['--target-lang', 'fr'], opening: ['<pad>'],
    sourceOpening: ['␣translate', '␣English', '␣to', '␣French:'] },
];

function cli(args: readonly string[]): ReturnType<typeof spawnSync> & { stdout: string; stderr: string } {
  return spawnSync(process.execPath, [path.join(packageRoot(), 'bin', 'qkv-scope.js'), ...args], { encoding: 'utf8', timeout: 120_000 });
}

const runs = new Map<string, Promise<AttentionResult>>();
function run(family: Family): Promise<AttentionResult> {
  const targetLang = family.args[1];
  if (!runs.has(family.fixture)) {
    runs.set(family.fixture, engine.run({ text: EN, model: fixtureDir(family.fixture), maxTokens: 512, targetLang }));
  }
  return runs.get(family.fixture)!;
}

describe('encoder–decoder families', () => {
  for (const family of FAMILIES) {
    it(`${family.fixture} translates through the CLI and exports the three kinds`, () => {
      const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-seq2seq-')), 'a.json');
      const r = cli(['--model', fixtureDir(family.fixture), '--text', EN, ...family.args, '--out', out]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.match(r.stdout, new RegExp(`^Translation: ${FR.replace('.', '\\.')}$`, 'm'));
      assert.match(r.stdout, /^ {2}L1 H3: ".+" → ".+": 0\.\d{4}$/m);
      const doc = checkExport(JSON.parse(fs.readFileSync(out, 'utf8')));
      assert.equal(doc.translation?.text, FR);
      assert.deepEqual(doc.translation?.tokens.slice(0, family.opening.length).map((t) => t.piece), family.opening);
      assert.equal(doc.translation?.cross_layers[1].heads[3].attention[0].length, doc.tokens.length);
    });

    it(`${family.fixture}: encoder, causal decoder and cross-attention are real attention`, async () => {
      const r = await run(family);
      const t = r.translation!;
      assert.equal(t.text, FR);
      assert.equal(t.stopped, 'end');
      assert.deepEqual(r.tokens.slice(0, family.sourceOpening.length).map((x) => x.display.replace(/^\[|\]$/g, '')),
        family.sourceOpening.map((x) => x.replace('▁', '␣')));
      for (const token of r.tokens.filter((x) => !x.special)) assert.equal(EN.slice(token.start, token.end).trim(), token.display.replace(/^␣/, ''));
      const [s, rows] = [r.tokens.length, t.tokens.length];
      const shape = (keys: number, causal: boolean, scale: number): BlockShape =>
        ({ heads: t.heads, rows, keys, headDim: t.headDim, causal, scale });
      const worst = Math.max(
        ...r.layers.map((l) => worstRecompute(l, { heads: r.model.heads, rows: s, keys: s, headDim: r.model.headDim, causal: false,
          scale: r.model.scale! })),
        ...t.decoder.map((l) => worstRecompute(l, shape(rows, true, t.scale!))),
        ...t.cross.map((l) => worstRecompute(l, shape(s, false, t.crossScale!))),
      );
      assert.ok(worst < 1e-5, `recomputed attention differs by ${worst}`);
    });
  }

  it('the encoder\'s position table: BART\'s learned rows and M2M100\'s sinusoidal ones from row 2, none for T5', async () => {
    const expected = [['tiny-bart-en-fr', 'model.encoder.embed_positions.weight'], ['tiny-m2m100', 'model.encoder.embed_positions.weights'],
      ['tiny-t5-en-fr', undefined]] as const;
    for (const [fixture, source] of expected) {
      const r = await run(FAMILIES.find((f) => f.fixture === fixture)!);
      assert.equal(r.positions?.source, source, fixture);
      if (!source) continue;
      assert.equal(r.positions?.firstRow, 2);
      const table = initializer(fixture, 'encoder', source);
      assert.deepEqual(Array.from(r.positions!.data), Array.from(table.subarray(2 * 32, (2 + r.tokens.length) * 32)), fixture);
    }
  });

  it('M2M100 and NLLB write the language asked for, from the source language given', async () => {
    const back = await engine.run({ text: FR, model: fixtureDir('tiny-m2m100'), maxTokens: 512, targetLang: 'en', sourceLang: 'fr' });
    assert.equal(back.translation?.text, EN);
    assert.equal(back.translation?.targetLang, 'en');
    assert.equal(back.tokens[0].piece, '__fr__');
    const nllb = await engine.run({ text: FR, model: fixtureDir('tiny-nllb'), maxTokens: 512, targetLang: 'eng_Latn',
      sourceLang: 'fra_Latn' });
    assert.equal(nllb.translation?.text, EN);
  });

  it('says in one sentence when the target language is missing or unknown', async () => {
    const missing = cli(['--model', fixtureDir('tiny-m2m100'), '--text', EN]);
    assert.equal(missing.status, 2);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /^qkv-scope: Model ".*tiny-m2m100" translates into several languages: choose one with --target-lang or the qkvScope\.targetLanguage setting \(en, fr\)\.\n$/);
    const rejects = (model: string, targetLang: string | undefined, message: RegExp) =>
      assert.rejects(engine.run({ text: EN, model: fixtureDir(model), maxTokens: 512, targetLang }),
        (e: unknown) => e instanceof QkvError && e.code === 'bad-argument' && message.test(e.message));
    await rejects('tiny-nllb', 'de', /has no target language "de"; it knows eng_Latn, fra_Latn\.$/);
    await rejects('tiny-t5-en-fr', undefined, /translates en → fr, fr → en: choose one with --target-lang or the qkvScope\.targetLanguage setting\.$/);
    await rejects('tiny-t5-en-fr', 'de', /has no translation task for any language → de; it knows en → fr, fr → en\.$/);
  });

  it('T5: scale 1 and the relative position bias of each stack, bidirectional in the encoder, causal in the decoder', async () => {
    const r = await run(FAMILIES[3]);
    const t = r.translation!;
    assert.equal(r.model.scale, 1);
    assert.equal(t.scale, 1);
    assert.equal(t.crossScale, 1);
    assert.equal(r.model.additiveTerm, 'relative position bias');
    assert.equal(t.additiveTerm, 'relative position bias');
    assert.equal(t.cross[0].scores, undefined);
    const encoderTable = biasTable('encoder');
    const decoderTable = biasTable('decoder');
    const [s, rows] = [r.tokens.length, t.tokens.length];
    // Below 8 (encoder: 16 buckets a direction) and 16 (decoder: 32 buckets, one direction) every distance has its
    // own bucket: bucket = distance, + 16 for keys after the query in the encoder.
    let checked = 0;
    const compare = (layers: readonly LayerTensors[], n: number, causal: boolean, table: Float32Array,
      bucket: (i: number, j: number) => number | null) => {
      for (const layer of layers) {
        additiveTerms(layer, { heads: 4, rows: n, keys: n, headDim: 8, causal, scale: 1 }).forEach((term, h) => {
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < n; j++) {
              const b = bucket(i, j);
              if (b === null) continue;
              const [got, expected] = [term[i * n + j], table[b * 4 + h]];
              assert.ok(Math.abs(got - expected) < 1e-4, `head ${h} [${i}, ${j}]: ${got} vs ${expected}`);
              checked++;
            }
          }
        });
      }
    };
    compare(r.layers, s, false, encoderTable, (i, j) => (Math.abs(j - i) < 8 ? (j > i ? 16 : 0) + Math.abs(j - i) : null));
    compare(t.decoder, rows, true, decoderTable, (i, j) => (j <= i ? i - j : null));
    assert.ok(checked > 500, `${checked} scores checked`);
  });
});

function biasTable(stack: 'encoder' | 'decoder'): Float32Array {
  return initializer('tiny-t5-en-fr', stack, `model.${stack}.block.0.layer.0.SelfAttention.relative_attention_bias.weight`);
}

function initializer(fixture: string, stack: 'encoder' | 'decoder', name: string): Float32Array {
  const file = path.join(fixtureDir(fixture), 'onnx', `${stack}_model.onnx`);
  const tensor = decodeModel(fs.readFileSync(file)).graph!.initializer?.find((x) => x.name === name);
  assert.ok(tensor?.rawData, `${file} has no ${name}`);
  const raw = tensor.rawData;
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}
