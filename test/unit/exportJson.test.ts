// The JSON export round-trips every float32 exactly, checks its own schema, and is written atomically.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AttentionEngine } from '../../src/attention/attentionEngine';
import { writeExportFile } from '../../src/export/exportJson';
import { headSlice, type AttentionResult } from '../../shared/attentionResult';
import { QkvError } from '../../shared/errors';
import { checkExport, EXPORT_VERSION, type AttentionExport } from '../../shared/exportSchema';
import { float32Text } from '../../shared/float32Text';
import { fixtureDir, PIZZA } from './support';

describe('float32Text', () => {
  it('writes the shortest text that reads back as the same float32', () => {
    const bits = new Uint32Array(1);
    const asFloat = new Float32Array(bits.buffer);
    let state = 12345;
    for (let i = 0; i < 20000; i++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      bits[0] = state;
      const x = asFloat[0];
      if (!Number.isFinite(x)) continue;
      const text = float32Text(x);
      assert.equal(Math.fround(Number(text)), x, `${text} does not read back as ${x}`);
      const digits = text.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').length;
      if (digits > 1) assert.notEqual(Math.fround(Number(x.toPrecision(digits - 1))), x, `${text} is not the shortest`);
    }
  });

  it('writes zeros and non-finite values as JSON', () => {
    assert.equal(float32Text(0), '0');
    assert.equal(float32Text(-0), '-0');
    assert.equal(float32Text(NaN), 'null');
    assert.equal(float32Text(Math.fround(0.1)), '0.1');
    assert.equal(float32Text(Math.fround(1e-30)), '1e-30');
  });
});

describe('JSON export', () => {
  const engine = new AttentionEngine();
  let result: AttentionResult;
  let dir: string;
  before(async () => {
    result = await engine.run({ text: PIZZA, model: fixtureDir('tiny-gpt2'), maxTokens: 512 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-export-'));
  });
  after(async () => {
    await engine.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function exportAndRead(name: string, selection = {}): Promise<AttentionExport> {
    const file = path.join(dir, name);
    await writeExportFile(file, result, selection);
    return checkExport(JSON.parse(fs.readFileSync(file, 'utf8')));
  }

  it('round-trips the schema and every float32 exactly', async () => {
    const doc = await exportAndRead('all.json');
    assert.equal(doc.text, PIZZA);
    assert.equal(doc.model.layers, result.model.layers);
    assert.equal(doc.model.causal, true);
    assert.equal(doc.model.onnx_file, 'onnx/model.onnx');
    assert.equal(doc.model.kv_head_of, undefined, 'tiny-gpt2 has a K/V head per query head');
    assert.deepEqual(doc.tokens.map((t) => PIZZA.slice(t.start, t.end)), result.tokens.map((t) => PIZZA.slice(t.start, t.end)));
    assert.equal(doc.layers.length, result.model.layers);
    for (const layer of doc.layers) {
      assert.equal(layer.heads.length, result.model.heads);
      for (const head of layer.heads) {
        for (const [kind, key] of [['probs', 'attention'], ['q', 'q'], ['k', 'k'], ['v', 'v']] as const) {
          const written = Float32Array.from(head[key].flat());
          assert.deepEqual(written, headSlice(result, layer.layer, head.head, kind), `L${layer.layer} H${head.head} ${key}`);
        }
      }
    }
  });

  it('exports only the chosen layers and heads', async () => {
    const doc = await exportAndRead('some.json', { layers: [1], heads: [0, 3] });
    assert.deepEqual(doc.layers.map((l) => l.layer), [1]);
    assert.deepEqual(doc.layers[0].heads.map((h) => h.head), [0, 3]);
  });

  it('refuses a layer the model does not have, before creating any file', async () => {
    const file = path.join(dir, 'bad.json');
    await assert.rejects(writeExportFile(file, result, { layers: [7] }), (e: unknown) => e instanceof QkvError && /No layer 7/.test(e.message));
    assert.equal(fs.existsSync(file), false);
  });

  it('leaves neither a half-written file nor a temporary one when writing fails midway', async () => {
    const file = path.join(dir, 'broken.json');
    fs.writeFileSync(file, 'previous export');
    // A result that claims a third layer it does not hold fails after the first layers are written.
    const broken: AttentionResult = { ...result, model: { ...result.model, layers: 3 } };
    await assert.rejects(writeExportFile(file, broken));
    assert.equal(fs.readFileSync(file, 'utf8'), 'previous export');
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.includes('broken')), ['broken.json']);
  });

  it('says where it could not write', async () => {
    const file = path.join(dir, 'missing-folder', 'a.json');
    await assert.rejects(writeExportFile(file, result),
      (e: unknown) => e instanceof QkvError && e.code === 'write-failed' && e.message.includes(file));
  });

  it('rejects documents that are not exports', () => {
    assert.throws(() => checkExport({ format: 'something-else' }), /format/);
    assert.throws(() => checkExport({ format: 'qkv-scope.attention', version: 1 }), /version is 1/);
    const model = { heads: 1, head_dim: 2, scale: 0.5 };
    assert.throws(() => checkExport({ format: 'qkv-scope.attention', version: EXPORT_VERSION, model, text: 'ab', tokens: [], layers: [{ layer: 0, heads: [{ head: 0, attention: [[1]], q: [], k: [], v: [] }] }] }), /attention does not have 0 rows/);
    assert.throws(() => checkExport({ format: 'qkv-scope.attention', version: EXPORT_VERSION, model: { heads: 1, head_dim: 2 }, text: 'ab', tokens: [], layers: [] }), /model facts/);
  });
});
