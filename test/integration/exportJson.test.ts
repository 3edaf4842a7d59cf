// Runs in the VS Code extension host: Export Attention as JSON, checked number by number against the engine.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import { EXPORT_FORMAT, EXPORT_VERSION, checkExport, type AttentionExport, type ExportHead } from '../../shared/exportSchema';
import type { ExportScope } from '../../src/commands/exportJson';
import { PIZZA, PIZZA_TOKENS, qkv, showAttentionFor, type Shown } from './support';

describe('Export Attention as JSON', () => {
  let dir: string;
  let shown: Shown;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-export-'));
    await showAttentionFor(PIZZA);
    assert.equal(await qkv.showHead(1, 2), true);
    await qkv.waitForPaint({ layer: 1, head: 2 });
    shown = (await qkv.shown())!;
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Exports `scope` through the command and reads the file back, checked against the schema. */
  async function exportScope(scope: ExportScope): Promise<AttentionExport> {
    const target = path.join(dir, `${scope}.json`);
    assert.equal(await qkv.exportJson(scope, target), target);
    const doc = checkExport(JSON.parse(fs.readFileSync(target, 'utf8')));
    assert.equal(doc.format, EXPORT_FORMAT);
    assert.equal(doc.version, EXPORT_VERSION);
    assert.equal(doc.text, PIZZA);
    assert.equal(doc.tokens.length, PIZZA_TOKENS);
    assert.equal(doc.model.layers, shown.model.layers);
    assert.equal(doc.model.heads, shown.model.heads);
    assert.equal(doc.model.head_dim, shown.model.headDim);
    return doc;
  }

  /** Every exported number, read back as float32, is exactly the engine's own value for that head. */
  async function assertSameAsEngine(head: ExportHead, layer: number): Promise<void> {
    const engine = await qkv.headTensors(layer, head.head);
    assert.ok(engine, 'the engine has no result');
    const pairs = [['attention', 'probs'], ['q', 'q'], ['k', 'k'], ['v', 'v']] as const;
    for (const [exported, kind] of pairs) {
      const values = head[exported].flat();
      assert.equal(values.length, engine[kind].length, `L${layer} H${head.head} ${exported} length`);
      const wrong = values.findIndex((x, i) => Math.fround(x) !== engine[kind][i]);
      assert.equal(wrong, -1, `L${layer} H${head.head} ${exported}[${wrong}]: exported ${values[wrong]}, engine ${engine[kind][wrong]}`);
    }
  }

  it('"model" writes every layer and head, equal to the engine\'s float32 numbers', async () => {
    const doc = await exportScope('model');
    assert.deepEqual(doc.layers.map((l) => l.layer), [...Array(shown.model.layers).keys()]);
    for (const layer of doc.layers) assert.deepEqual(layer.heads.map((h) => h.head), [...Array(shown.model.heads).keys()]);
    await assertSameAsEngine(doc.layers[0].heads[0], 0);
    await assertSameAsEngine(doc.layers[1].heads[2], 1);
    await assertSameAsEngine(doc.layers[1].heads[shown.model.heads - 1], 1);
  });

  it('"head" writes only the head on screen', async () => {
    const doc = await exportScope('head');
    assert.deepEqual(doc.layers.map((l) => [l.layer, l.heads.map((h) => h.head)]), [[1, [2]]]);
    await assertSameAsEngine(doc.layers[0].heads[0], 1);
  });

  it('"layer" writes every head of the layer on screen', async () => {
    const doc = await exportScope('layer');
    assert.deepEqual(doc.layers.map((l) => [l.layer, l.heads.map((h) => h.head)]), [[1, [...Array(shown.model.heads).keys()]]]);
    await assertSameAsEngine(doc.layers[0].heads[3], 1);
  });
});
