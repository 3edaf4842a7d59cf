// Feeds built from a graph's own input metadata: element types, mask forms (0/1, additive, bool, 4-D causal),
// past state in its declared float type, a length fixed in the graph (padding, or a refusal naming the length), and
// one sentence for an input that text cannot fill.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { onnx } from 'onnx-proto';
import { planFeeds, runLength } from '../../src/attention/feedPlan';
import { buildFeeds } from '../../src/attention/feeds';
import { QkvError } from '../../shared/errors';

const { DataType } = onnx.TensorProto;
type Dim = number | string;

function input(name: string, elemType: number, dims: Dim[]): onnx.IValueInfoProto {
  return { name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } };
}

/** A graph whose only nodes say how the mask is used: Add(scores, mask) is additive, Mul is 0/1, Where picks. */
function graph(inputs: onnx.IValueInfoProto[], maskUse?: 'Add' | 'Mul' | 'WhereHides'): onnx.IGraphProto {
  const node: onnx.INodeProto[] = [];
  const mask = inputs.find((i) => /mask/.test(i.name ?? ''))?.name ?? '';
  if (maskUse === 'Add' || maskUse === 'Mul') node.push({ opType: maskUse, input: ['scores', mask], output: ['out'] });
  if (maskUse === 'WhereHides') node.push({ opType: 'Where', input: [mask, 'minus_inf', 'scores'], output: ['out'] });
  const initializer: onnx.ITensorProto[] = [{ name: 'minus_inf', dataType: DataType.FLOAT, dims: [], floatData: [-1e9] },
    { name: 'scale', dataType: DataType.FLOAT, dims: [], floatData: [1] }];
  return { node, initializer, input: [...inputs, input('scale', DataType.FLOAT, [])] };
}

const IDS = [5, 6, 7];

describe('feeds from the graph’s metadata', () => {
  it('int32 ids, a 0/1 mask, token types and positions, in their declared types; an initializer is not fed', () => {
    const g = graph([input('input_ids', DataType.INT32, ['batch', 'seq']), input('input_mask', DataType.INT32, ['batch', 'seq']),
      input('segment_ids', DataType.INT32, ['batch', 'seq']), input('position_ids', DataType.INT64, ['batch', 'seq'])]);
    const feeds = buildFeeds(planFeeds(g, 'm'), { ids: IDS, length: 3, padId: 0, causal: false });
    assert.deepEqual(Object.keys(feeds), ['input_ids', 'input_mask', 'segment_ids', 'position_ids']);
    assert.equal(feeds.input_ids.type, 'int32');
    assert.deepEqual(Array.from(feeds.input_ids.data as Int32Array), IDS);
    assert.deepEqual(Array.from(feeds.input_mask.data as Int32Array), [1, 1, 1]);
    assert.deepEqual(Array.from(feeds.segment_ids.data as Int32Array), [0, 0, 0]);
    assert.deepEqual(Array.from(feeds.position_ids.data as BigInt64Array, Number), [0, 1, 2]);
  });

  it('a length fixed in the graph: padded with the pad id and masked, or refused with the wanted length', () => {
    const g = graph([input('input_ids', DataType.INT64, ['batch', 5]), input('attention_mask', DataType.INT64, ['batch', 5])]);
    const plan = planFeeds(g, 'm');
    assert.equal(runLength(plan, 3, 'm'), 5);
    const feeds = buildFeeds(plan, { ids: IDS, length: 5, padId: 9, causal: false });
    assert.deepEqual(Array.from(feeds.input_ids.data as BigInt64Array, Number), [5, 6, 7, 9, 9]);
    assert.deepEqual(Array.from(feeds.attention_mask.data as BigInt64Array, Number), [1, 1, 1, 0, 0]);
    assert.throws(() => runLength(plan, 6, 'm'), (e: unknown) => e instanceof QkvError && /reads exactly 5 tokens.*the text is 6/.test(e.message));
    const unmasked = planFeeds(graph([input('input_ids', DataType.INT64, ['batch', 5])]), 'm');
    assert.throws(() => runLength(unmasked, 3, 'm'), /exactly 5 tokens .* no attention mask to pad with/);
  });

  it('a 4-D float mask: additive (0 / lowest) or 0/1, lower-triangular for a causal model, at its declared size', () => {
    const dims: Dim[] = ['batch', 1, 4, 4];
    const additive = buildFeeds(planFeeds(graph([input('input_ids', DataType.INT64, ['b', 's']),
      input('attention_mask', DataType.FLOAT, dims)], 'Add'), 'm'),
      { ids: IDS, length: 3, padId: 0, causal: true });
    const low = -3.4028234663852886e38;
    assert.deepEqual(Array.from(additive.attention_mask.data as Float32Array).slice(0, 8),
      [0, low, low, low, 0, 0, low, low].map(Math.fround));
    const keep = buildFeeds(planFeeds(graph([input('input_ids', DataType.INT64, ['b', 's']), input('attention_mask', DataType.FLOAT, dims)],
      'Mul'), 'm'),
      { ids: IDS, length: 3, padId: 0, causal: true });
    assert.deepEqual(Array.from(keep.attention_mask.data as Float32Array).slice(0, 8), [1, 0, 0, 0, 1, 1, 0, 0]);
  });

  it('a bool mask: true keeps, unless the graph uses true to hide', () => {
    const bool = (use?: 'WhereHides') => buildFeeds(planFeeds(graph([input('input_ids', DataType.INT64, ['b', 's']),
      input('mask', DataType.BOOL, ['b', 's'])], use), 'm'),
      { ids: IDS, length: 3, padId: 0, causal: false }).mask.data as Uint8Array;
    assert.deepEqual(Array.from(bool()), [1, 1, 1]);
    assert.deepEqual(Array.from(bool('WhereHides')), [0, 0, 0]);
  });

  it('past state, per layer or stacked, is fed empty in its declared float type (float16 too)', () => {
    const g = graph([input('input_ids', DataType.INT64, ['b', 's']),
      input('past_key_values.0.key', DataType.FLOAT16, ['batch', 2, 'past_sequence_length', 8]),
      input('past_0', DataType.FLOAT, [2, 'batch', 4, 'past_seq_len', 8])]);
    const feeds = buildFeeds(planFeeds(g, 'm'), { ids: IDS, length: 3, padId: 0, causal: true });
    assert.equal(feeds['past_key_values.0.key'].type, 'float16');
    assert.deepEqual(feeds['past_key_values.0.key'].dims, [1, 2, 0, 8]);
    assert.deepEqual(feeds.past_0.dims, [2, 1, 4, 0, 8]);
  });

  it('any other input: one sentence naming it, its type and its shape', () => {
    const g = graph([input('input_ids', DataType.INT64, ['b', 's']), input('pixel_values', DataType.FLOAT, ['batch', 3, 224, 224])]);
    assert.throws(() => planFeeds(g, 'Model "m"'), (e: unknown) => e instanceof QkvError &&
      e.message === 'Model "m" needs an input "pixel_values" (float32 [batch, 3, 224, 224]) that QKV Scope cannot fill from text.');
  });
});
