// Runs in the engine worker (Node): com.microsoft.MultiHeadAttention (the onnxruntime-genai model builder, the
// transformer optimizer) in standard operators: Q, K, V given apart ([B, S, hidden]), packed QKV
// ([B, S, heads, 3, D]) or packed KV ([B, T, heads, 2, D]); the input-projection bias; past_key/past_value;
// key_padding_mask; attention_bias; unidirectional.
import { attentionCore, keepMaskBias, mergeHeads, splitHeads, toFloat } from './attentionCore';
import type { FusedNode } from './fusedNode';
import type { Subgraph } from './subgraph';

const DEFAULT_MASK_FILTER = -10000;

export function openMultiHeadAttention(node: FusedNode, g: Subgraph): void {
  if (node.has(8)) node.refuse('past_sequence_length (a shared past/present buffer)');
  if (node.has(9)) node.refuse('cache_indirection (beam search)');
  if (node.output(3)) node.refuse('the qk output');
  const heads = node.int('num_heads', 0);
  if (heads <= 0) node.refuse('no num_heads');
  const floatType = node.elementType(node.input(0)) ?? node.refuse('a query whose element type the graph does not declare');
  const projected = projections(node, g, heads);
  const { q } = projected;
  let { k, v } = projected; // a past K/V is concatenated in front
  if (node.has(6) !== node.has(7)) node.refuse('only one of past_key and past_value');
  if (node.has(6)) {
    k = g.op('Concat', [node.input(6), k], { axis: 2 });
    v = g.op('Concat', [node.input(7), v], { axis: 2 });
  }
  if (node.output(1)) g.op('Identity', [k], {}, [node.output(1)]);
  if (node.output(2)) g.op('Identity', [v], {}, [node.output(2)]);

  const biases: string[] = [];
  if (node.has(4)) biases.push(keyPaddingBias(node, g, node.float('mask_filter_value', DEFAULT_MASK_FILTER)));
  if (node.has(5)) biases.push(toFloat(g, node.input(5), floatType));
  const context = attentionCore(g, {
    q, k, v, heads, kvHeads: heads, floatType, biases,
    scale: node.float('scale', 0) || undefined,
    softcap: 0,
    causal: node.int('unidirectional', 0) !== 0,
    localWindow: -1,
  });
  mergeHeads(g, context, floatType, node.output(0));
}

interface HeadTensors {
  readonly q: string;
  readonly k: string;
  readonly v: string;
}

/** Q, K and V as [B, heads, S or T, D], bias added. */
function projections(node: FusedNode, g: Subgraph, heads: number): HeadTensors {
  const packedHeads = (packed: string, index: number) => g.transpose(g.op('Gather', [packed, g.ints(index)], { axis: 3 }), [0, 2, 1, 3]);
  if (!node.has(1) && !node.has(2)) {
    if (node.has(3)) node.refuse('packed QKV with a bias');
    const packed = node.input(0);
    return { q: packedHeads(packed, 0), k: packedHeads(packed, 1), v: packedHeads(packed, 2) };
  }
  const query = node.input(0);
  if (node.has(1) && !node.has(2)) {
    if (node.has(3)) node.refuse('packed KV with a bias');
    return { q: splitHeads(g, query, heads), k: packedHeads(node.input(1), 0), v: packedHeads(node.input(1), 1) };
  }
  if (node.rank(node.input(1)) === 4) {
    if (node.has(3)) node.refuse('key and value given per head (BNSH) with a bias');
    return { q: splitHeads(g, query, heads), k: node.input(1), v: node.input(2) };
  }
  if (!node.has(3)) return { q: splitHeads(g, query, heads), k: splitHeads(g, node.input(1), heads),
    v: splitHeads(g, node.input(2), heads) };
  const [qSize, kSize, vSize] = biasSizes(node);
  const bias = node.input(3);
  const add = (tensor: string, start: number, size: number) => splitHeads(g, g.op('Add', [tensor, g.take(bias, 0, start, start + size)]),
    heads);
  return { q: add(query, 0, qSize), k: add(node.input(1), qSize, kSize), v: add(node.input(2), qSize + kSize, vSize) };
}

/** The bias holds Q, K and V widths back to back; Q and K are as wide as the query, V as the value. */
function biasSizes(node: FusedNode): [number, number, number] {
  const total = node.dims(node.input(3))?.[0];
  if (total === undefined) node.refuse('a bias whose length the graph does not declare');
  const qSize = node.dims(node.input(0))?.at(-1) ?? total / 3;
  const vSize = total - 2 * qSize;
  if (!Number.isInteger(qSize) || vSize <= 0) node.refuse(`a bias of ${total} values that does not split into Q, K and V`);
  return [qSize, qSize, vSize];
}

function keyPaddingBias(node: FusedNode, g: Subgraph, filter: number): string {
  const rank = node.rank(node.input(4));
  if (rank === 2 || rank === 3) return keepMaskBias(g, node.input(4), rank, filter);
  if (rank === 1) return node.refuse('a 1-D key_padding_mask (key lengths)');
  return node.refuse('a key_padding_mask whose rank the graph does not declare');
}
