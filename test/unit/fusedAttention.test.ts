// Fused attention opened up: on one fixture per operator and attribute set, the opened graph's outputs match
// onnxruntime's fused kernels (CPU) on the same random inputs, 1e-4 relative in float32 and 1e-2 in float16;
// the exposed probabilities are real attention (rows sum to 1, recomputed from the exposed Q and K).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { exposeAttention, outputName } from '../../src/model/onnx/exposeAttention';
import { decodeModel } from '../../src/model/onnx/onnxGraph';
import { attentionFromQK } from '../../shared/attentionMath';
import { QkvError } from '../../shared/errors';
import { asNumbers, format, FUSED_FIXTURES, graphFeeds, storedFeeds, worstDifference } from './fusedSupport';

interface Fixture {
  readonly name: string;
  readonly op: string;
  readonly tolerance: number;
  /** For the recompute check from the exposed Q and K: scale and causality; absent where masks or soft-capping apply. */
  readonly plain?: { readonly scale: number; readonly causal: boolean };
}

const F32 = 1e-4;
const F16 = 1e-2;
const FIXTURES: readonly Fixture[] = [
  { name: 'attention-past-causal', op: 'com.microsoft.Attention', tolerance: F32 },
  { name: 'attention-sizes-bias', op: 'com.microsoft.Attention', tolerance: F32 },
  { name: 'mha-bias-padding', op: 'com.microsoft.MultiHeadAttention', tolerance: F32 },
  { name: 'mha-fp16-causal', op: 'com.microsoft.MultiHeadAttention', tolerance: F16, plain: { scale: 1 / Math.sqrt(8), causal: true } },
  { name: 'gqa-packed-rotary', op: 'com.microsoft.GroupQueryAttention', tolerance: F32, plain: { scale: 1 / Math.sqrt(16), causal: true } },
  { name: 'gqa-interleaved-window', op: 'com.microsoft.GroupQueryAttention', tolerance: F32 },
  { name: 'gqa-fp16-rotary', op: 'com.microsoft.GroupQueryAttention', tolerance: F16, plain: { scale: 1 / Math.sqrt(16), causal: true } },
  { name: 'onnx-attention-3d-gqa', op: 'ai.onnx.Attention', tolerance: F32 },
  { name: 'onnx-attention-4d-mask', op: 'ai.onnx.Attention', tolerance: F32 },
  { name: 'onnx-attention-fp16-float-mask', op: 'ai.onnx.Attention', tolerance: F16 },
];

describe('fused attention opened up', () => {
  for (const fixture of FIXTURES) {
    it(`${fixture.name}: ${fixture.op} outputs match the fused node within ${fixture.tolerance}`, async (t) => {
      const bytes = fs.readFileSync(path.join(FUSED_FIXTURES, `${fixture.name}.onnx`));
      const model = decodeModel(bytes);
      const exposed = exposeAttention(bytes, fixture.name);
      assert.deepEqual(exposed.fused, [fixture.op]);
      const [fused, opened] = await Promise.all([ort.InferenceSession.create(bytes), ort.InferenceSession.create(exposed.bytes)]);
      const feeds = graphFeeds(model.graph!, storedFeeds(model));
      const [a, b] = await Promise.all([fused.run(feeds), opened.run(feeds)]);
      const d = worstDifference(fused.outputNames, a, b);
      t.diagnostic(`${fixture.name} (${fixture.op}): ${format(d)}`);
      assert.ok(d.rel <= fixture.tolerance, `${fixture.name}: ${format(d)}`);

      const probs = b[outputName(0, 'probs')] as ort.Tensor;
      const [batch, heads, n] = probs.dims.map(Number);
      const p = asNumbers(probs);
      for (let row = 0; row < batch * heads * n; row++) {
        const sum = p.subarray(row * n, (row + 1) * n).reduce((x, y) => x + y, 0);
        assert.ok(Math.abs(sum - 1) < 1e-5, `row ${row} sums to ${sum}`);
      }
      if (fixture.plain) assertRecomputes(b, fixture.plain, heads, n);
    });
  }

  const refusals: [string, string, (model: onnx.IModelProto) => void, string][] = [
    ['gqa-packed-rotary', 'com.microsoft.GroupQueryAttention',
      (m) => m.graph!.node![0].attribute!.push({ name: 'smooth_softmax', type: 2, i: 1 }), 'smooth_softmax=1'],
    ['attention-past-causal', 'com.microsoft.Attention', (m) => m.graph!.node![0].attribute!.push({ name: 'do_rotary', type: 2, i: 1 }),
      'do_rotary=1 (rotary inside Attention)'],
    ['mha-bias-padding', 'com.microsoft.MultiHeadAttention',
      (m) => { m.graph!.input!.find((v) => v.name === 'key_padding_mask')!.type!.tensorType!.shape!.dim!.splice(1); },
        'a 1-D key_padding_mask (key lengths)'],
    ['onnx-attention-3d-gqa', 'ai.onnx.Attention', (m) => { m.opsetImport![0].version = 10; },
      'opset 10 (opening it up needs opset 11 or later, for Range)'],
  ];
  for (const [name, op, edit, combination] of refusals) {
    it(`refuses ${op} with ${combination}, naming it in one sentence`, () => {
      const model = decodeModel(fs.readFileSync(path.join(FUSED_FIXTURES, `${name}.onnx`)));
      edit(model);
      assert.throws(() => exposeAttention(onnx.ModelProto.encode(model).finish(), `Model "${name}"`), (error: unknown) => {
        assert.ok(error instanceof QkvError);
        assert.equal(error.code, 'no-attention');
        const node = op === 'ai.onnx.Attention' ? 'Attention' : op.replace('com.microsoft.', '');
        assert.equal(error.message,
          `Model "${name}": the fused ${op} node "/model/layers.0/attn/${node}" uses ${combination}, ` +
          `which QKV Scope does not open up yet.`);
        return true;
      });
    });
  }
});

/** softmax(q·kᵀ·scale + causal mask) from the exposed q and k, batch 0, every head. */
function assertRecomputes(outputs: ort.InferenceSession.OnnxValueMapType, plain: { scale: number; causal: boolean }, heads: number,
  n: number): void {
  const q = Float32Array.from(asNumbers(outputs[outputName(0, 'q')] as ort.Tensor));
  const k = Float32Array.from(asNumbers(outputs[outputName(0, 'k')] as ort.Tensor));
  const p = asNumbers(outputs[outputName(0, 'probs')] as ort.Tensor);
  const dim = (outputs[outputName(0, 'q')] as ort.Tensor).dims.map(Number)[3];
  let worst = 0;
  for (let h = 0; h < heads; h++) {
    const slice = (x: Float32Array) => x.subarray(h * n * dim, (h + 1) * n * dim);
    const expected = attentionFromQK(slice(q), slice(k), n, dim, plain.causal, { scale: plain.scale });
    for (let i = 0; i < n * n; i++) worst = Math.max(worst, Math.abs(expected[i] - p[h * n * n + i]));
  }
  assert.ok(worst < 1e-5, `recomputed attention differs by ${worst}`);
}
