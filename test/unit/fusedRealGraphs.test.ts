// Fused attention opened up on graphs we did not make: onnxruntime's transformer optimizer (GPT-2, Attention with
// packed QKV weights, stacked past, unidirectional) and the onnxruntime-genai model builder (Llama, float16,
// MultiHeadAttention after RotaryEmbedding, external data). Every original output of the opened graph matches the
// fused graph on the same inputs, and the exposed attention is real attention.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { exposeAttention, outputName } from '../../src/model/onnx/exposeAttention';
import { decodeModel } from '../../src/model/onnx/onnxGraph';
import { attentionFromQK } from '../../shared/attentionMath';
import { asNumbers, format, graphFeeds, REAL_GRAPHS, worstDifference, type FeedValues } from './fusedSupport';

interface RealGraph {
  readonly folder: string;
  readonly op: string;
  readonly layers: number;
  readonly tolerance: number;
  readonly headDim: number;
  readonly sizes: (n: number) => Record<string, number>;
  readonly values: (n: number) => FeedValues;
}

const N = 9;
const ids = (n: number, vocab: number) => Array.from({ length: n }, (_, i) => (17 + i * 131) % vocab);
const upTo = (n: number) => Array.from({ length: n }, (_, i) => i);
const ones = (n: number) => Array.from({ length: n }, () => 1);

const GRAPHS: readonly RealGraph[] = [
  {
    folder: 'genai-ortopt-tiny-random-gpt2-fused', op: 'com.microsoft.Attention', layers: 5, tolerance: 1e-4, headDim: 8,
    sizes: (n) => ({ batch_size: 1, seq_len: n, total_seq_len: n, past_seq_len: 0 }),
    values: (n) => ({ input_ids: ids(n, 1000), position_ids: upTo(n), attention_mask: ones(n) }),
  },
  {
    folder: 'genai-builder-tiny-random-llama-fp16', op: 'com.microsoft.MultiHeadAttention', layers: 2, tolerance: 1e-2, headDim: 16,
    sizes: (n) => ({ batch_size: 1, sequence_length: n, total_sequence_length: n, past_sequence_length: 0 }),
    values: (n) => ({ input_ids: ids(n, 32000), position_ids: upTo(n), attention_mask: ones(n) }),
  },
];

const available = fs.existsSync(REAL_GRAPHS);

describe('fused attention opened up on real graphs', { skip: available ? false : `../shared/real-graphs is absent (${REAL_GRAPHS})` },
  () => {
  for (const graph of GRAPHS) {
    it(`${graph.folder}: every output matches the fused ${graph.op} graph within ${graph.tolerance}`, async (t) => {
      const dir = path.join(REAL_GRAPHS, graph.folder, 'onnx');
      const bytes = fs.readFileSync(path.join(dir, 'model.onnx'));
      const options = sessionOptions(dir);
      const exposed = exposeAttention(bytes, graph.folder);
      assert.deepEqual(exposed.fused, Array.from({ length: graph.layers }, () => graph.op));
      assert.equal(exposed.sites.length, graph.layers);
      const [fused, opened] = await Promise.all([
        ort.InferenceSession.create(bytes, options),
        ort.InferenceSession.create(exposed.bytes, options),
      ]);
      const feeds = graphFeeds(decodeModel(bytes).graph!, graph.values(N), graph.sizes(N));
      const [a, b] = await Promise.all([fused.run(feeds), opened.run(feeds)]);
      const d = worstDifference(fused.outputNames, a, b);
      t.diagnostic(`${graph.folder} (${graph.op} × ${graph.layers}, ${N} tokens): ${format(d)} over ${fused.outputNames.join(', ')}`);
      assert.ok(d.rel <= graph.tolerance, format(d));

      for (let site = 0; site < graph.layers; site++) {
        const probs = asNumbers(b[outputName(site, 'probs')] as ort.Tensor);
        const q = Float32Array.from(asNumbers(b[outputName(site, 'q')] as ort.Tensor));
        const k = Float32Array.from(asNumbers(b[outputName(site, 'k')] as ort.Tensor));
        const heads = probs.length / (N * N);
        for (let h = 0; h < heads; h++) {
          const slice = (x: Float32Array) => x.subarray(h * N * graph.headDim, (h + 1) * N * graph.headDim);
          const expected = attentionFromQK(slice(q), slice(k), N, graph.headDim, true);
          for (let i = 0; i < N; i++) {
            let sum = 0;
            for (let j = 0; j < N; j++) {
              const p = probs[h * N * N + i * N + j];
              sum += p;
              assert.ok(Math.abs(p - expected[i * N + j]) < 1e-5, `site ${site} head ${h} [${i}, ${j}]: ${p} vs ${expected[i * N + j]}`);
            }
            assert.ok(Math.abs(sum - 1) < 1e-5, `site ${site} head ${h} row ${i} sums to ${sum}`);
          }
        }
      }
    });
  }
});

/** Weights stored beside the graph (model.onnx.data) are handed to onnxruntime, which cannot find them from bytes. */
function sessionOptions(dir: string): ort.InferenceSession.SessionOptions {
  const data = fs.readdirSync(dir).filter((f) => f.endsWith('.onnx.data'));
  return data.length === 0 ? {} : { externalData: data.map((f) => ({ path: f, data: fs.readFileSync(path.join(dir, f)) })) };
}
