// The graph surgery finds every attention block by structure and leaves the model's own outputs bit-identical.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { buildFeeds } from '../../src/attention/feeds';
import { exposeAttention } from '../../src/model/onnx/exposeAttention';
import { findAttention } from '../../src/model/onnx/findAttention';
import { decodeModel } from '../../src/model/onnx/onnxGraph';
import { planFeeds } from '../../src/attention/feedPlan';
import { readModelConfig } from '../../src/model/modelConfig';
import { QkvError } from '../../shared/errors';
import { fixtureDir, LAYOUTS } from './support';

function graphBytes(name: string): Buffer {
  return fs.readFileSync(path.join(fixtureDir(name), 'onnx', 'model.onnx'));
}

function rawConfig(name: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(fixtureDir(name), 'config.json'), 'utf8')) as Record<string, unknown>;
}

describe('graph surgery', () => {
  for (const layout of LAYOUTS) {
    describe(layout.name, () => {
      it('finds one attention block per layer, in layer order', () => {
        const model = decodeModel(graphBytes(layout.name));
        const sites = findAttention(model.graph!);
        const cfg = rawConfig(layout.name);
        const layers = (cfg.n_layer ?? cfg.n_layers ?? cfg.num_hidden_layers) as number;
        assert.equal(sites.length, layers);
        assert.deepEqual(sites.map((s) => s.layer), Array.from({ length: layers }, (_, i) => i));
        assert.equal(sites.every((s) => s.quantizedScores), layout.name.includes('quantized'));
      });

      it('keeps every original output bit-identical', async () => {
        const bytes = graphBytes(layout.name);
        const original = await ort.InferenceSession.create(bytes);
        const patched = await ort.InferenceSession.create(exposeAttention(bytes, layout.name).bytes);
        assert.deepEqual(patched.outputNames.slice(0, original.outputNames.length), original.outputNames);
        const graph = decodeModel(bytes).graph!;
        const config = readModelConfig(fixtureDir(layout.name), layout.name);
        const ids = Array.from({ length: 11 }, (_, i) => (5 + i * 37) % (config.vocabSize ?? 50257));
        const feeds = buildFeeds(planFeeds(graph, layout.name), { ids, length: ids.length, padId: 0, causal: config.causal ?? false });
        const [a, b] = await Promise.all([original.run(feeds), patched.run(feeds)]);
        for (const name of original.outputNames) {
          const x = a[name].data as Float32Array;
          const y = b[name].data as Float32Array;
          assert.deepEqual(b[name].dims, a[name].dims, name);
          assert.ok(Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(y.buffer, y.byteOffset, y.byteLength)),
            `${name} differs after surgery`);
        }
      });
    });
  }

  for (const [name, reason] of [['no-attention', /no Softmax/], ['fused-unsupported', /the fused com\.microsoft\.Attention node ".+" uses do_rotary=1 .*, which QKV Scope does not open up yet\./]] as const) {
    it(`refuses ${name} with a message naming the model and the reason`, () => {
      assert.throws(() => exposeAttention(graphBytes(name), `Model "${name}"`), (error: unknown) => {
        assert.ok(error instanceof QkvError);
        assert.equal(error.code, 'no-attention');
        assert.match(error.message, new RegExp(`Model "${name}"`));
        assert.match(error.message, reason);
        return true;
      });
    });
  }

  it('refuses bytes that are not an ONNX model', () => {
    assert.throws(() => exposeAttention(new TextEncoder().encode('not a model at all'), 'Model "junk"'),
      (error: unknown) => error instanceof QkvError && error.code === 'model-invalid' && /Model "junk"/.test(error.message));
  });
});
