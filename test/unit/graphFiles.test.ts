// Which graph file runs (transformers.js dtype names), and graphs whose weights sit in an external data file
// (model.onnx_data): they run from a folder, and the patched graph still reads the weights from beside the original.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { onnx } from 'onnx-proto';
import { AttentionEngine } from '../../src/attention/attentionEngine';
import { graphCandidates } from '../../src/model/graphFile';
import { decodeModel } from '../../src/model/onnx/onnxGraph';
import { QkvError } from '../../shared/errors';
import { repoFromFolder, startHubServer } from './hubServer';
import { fixtureDir, PIZZA } from './support';

const engine = new AttentionEngine();
after(() => engine.dispose());

/** A copy of a fixture folder, with its graph written under another name (or moved to external data). */
function copyFixture(name: string, graphName: string, externalData?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-graphs-'));
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) fs.copyFileSync(path.join(fixtureDir(name), f),
    path.join(dir, f));
  fs.mkdirSync(path.join(dir, 'onnx'));
  const bytes = fs.readFileSync(path.join(fixtureDir(name), 'onnx', 'model.onnx'));
  fs.writeFileSync(path.join(dir, 'onnx', graphName),
    externalData ? moveWeightsOut(bytes, path.join(dir, 'onnx', externalData), externalData) : bytes);
  return dir;
}

/** Moves every large initializer's bytes into one data file, as torch.onnx does for models over 2 GB. */
function moveWeightsOut(bytes: Uint8Array, dataPath: string, location: string): Uint8Array {
  const model = decodeModel(bytes);
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const tensor of model.graph!.initializer ?? []) {
    const raw = tensor.rawData;
    if (!raw || raw.length < 1024) continue;
    chunks.push(Buffer.from(raw));
    tensor.externalData = [{ key: 'location', value: location }, { key: 'offset', value: String(offset) },
      { key: 'length', value: String(raw.length) }];
    tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    tensor.rawData = new Uint8Array(0);
    offset += raw.length;
  }
  fs.writeFileSync(dataPath, Buffer.concat(chunks));
  return onnx.ModelProto.encode(model).finish();
}

describe('graph files', () => {
  it('maps transformers.js dtypes to their files', () => {
    assert.equal(graphCandidates('fp16')[0], 'onnx/model_fp16.onnx');
    assert.equal(graphCandidates('q8')[0], 'onnx/model_quantized.onnx');
    assert.equal(graphCandidates('q4f16')[0], 'onnx/model_q4f16.onnx');
    assert.equal(graphCandidates('bnb4')[0], 'onnx/model_bnb4.onnx');
    assert.deepEqual(graphCandidates('full').slice(0, 1), ['onnx/model.onnx']);
  });

  it('runs the file of the chosen dtype, and refuses plainly when the folder has none', async () => {
    const dir = copyFixture('tiny-gpt2', 'model_q4.onnx');
    const result = await engine.run({ text: PIZZA, model: dir, maxTokens: 512, precision: 'q4' });
    assert.equal(result.model.onnxFile, 'onnx/model_q4.onnx');
    await assert.rejects(engine.run({ text: PIZZA, model: dir, maxTokens: 512, precision: 'fp16' }),
      (error: unknown) => error instanceof QkvError && /looked for onnx\/model_fp16\.onnx/.test(error.message));
  });

  for (const data of ['model.onnx_data', 'model.onnx.data']) {
    it(`reads weights from ${data} beside the graph, with the same attention as the inline graph`, async () => {
      const dir = copyFixture('tiny-gpt2', 'model.onnx', data);
      const original = fs.statSync(path.join(fixtureDir('tiny-gpt2'), 'onnx', 'model.onnx')).size;
      assert.ok(fs.statSync(path.join(dir, 'onnx', data)).size > 200_000, 'the weights left the graph');
      assert.ok(fs.statSync(path.join(dir, 'onnx', 'model.onnx')).size < original - 200_000, 'the graph no longer holds them');
      const [external, inline] = await Promise.all([
        engine.run({ text: PIZZA, model: dir, maxTokens: 512 }),
        engine.run({ text: PIZZA, model: fixtureDir('tiny-gpt2'), maxTokens: 512 }),
      ]);
      assert.deepEqual(Array.from(external.layers[1].probs), Array.from(inline.layers[1].probs));
      const missing = copyFixture('tiny-gpt2', 'model.onnx', data);
      fs.rmSync(path.join(missing, 'onnx', data));
      await assert.rejects(engine.run({ text: PIZZA, model: missing, maxTokens: 512 }),
        (error: unknown) => error instanceof QkvError && error.message.includes(`${data}, which is missing`));
    });
  }

  it('downloads a hub graph\'s external data file with it, and runs it from the cache', async () => {
    const server = await startHubServer({ 'test/external': repoFromFolder(copyFixture('tiny-gpt2', 'model.onnx', 'model.onnx_data')) });
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-hub-external-'));
    try {
      const result = await engine.run({ text: PIZZA, model: 'test/external', maxTokens: 512,
        hub: { cacheDir, endpoint: server.endpoint } });
      assert.equal(result.layers.length, 2);
      assert.ok(server.requests.some((r) => r.endsWith('/onnx/model.onnx_data')), server.requests.join(', '));
    } finally {
      await server.close();
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
