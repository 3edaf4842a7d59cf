// Runs in the engine worker (Node): com.microsoft.Attention (onnxruntime's transformer optimizer) in standard
// operators: one packed projection input·W + b split into Q | K | V (qkv_hidden_sizes, or three equal parts),
// heads, the past state stacked as [2, B, heads, P, D], mask_index as a raw key mask, unidirectional, attention_bias.
import { attentionCore, keepMaskBias, mergeHeads, splitHeads, toFloat } from './attentionCore';
import type { FusedNode } from './fusedNode';
import type { Subgraph } from './subgraph';

const DEFAULT_MASK_FILTER = -10000;

export function openContribAttention(node: FusedNode, g: Subgraph): void {
  if (node.int('do_rotary', 0) !== 0) node.refuse('do_rotary=1 (rotary inside Attention)');
  if (node.int('past_present_share_buffer', 0) !== 0 ||
    node.has(6)) node.refuse('past_present_share_buffer (a shared past/present buffer)');
  const heads = node.int('num_heads', 0);
  if (heads <= 0) node.refuse('no num_heads');
  const [qSize, kSize, vSize] = hiddenSizes(node);
  const floatType = node.elementType(node.input(1)) ?? node.refuse('weights whose element type the graph does not declare');

  let qkv = g.op('MatMul', [node.input(0), node.input(1)]);
  if (node.has(2)) qkv = g.op('Add', [qkv, node.input(2)]);
  const q = splitHeads(g, g.take(qkv, 2, 0, qSize), heads);
  let k = splitHeads(g, g.take(qkv, 2, qSize, qSize + kSize), heads);
  let v = splitHeads(g, g.take(qkv, 2, qSize + kSize, qSize + kSize + vSize), heads);
  if (node.has(4)) {
    const past = node.input(4);
    k = g.op('Concat', [g.op('Gather', [past, g.ints(0)], { axis: 0 }), k], { axis: 2 });
    v = g.op('Concat', [g.op('Gather', [past, g.ints(1)], { axis: 0 }), v], { axis: 2 });
  }
  if (node.output(1)) g.op('Concat', [g.insertAxis(k, 4, 0), g.insertAxis(v, 4, 0)], { axis: 0 }, [node.output(1)]);

  const biases: string[] = [];
  if (node.has(3)) biases.push(maskIndexBias(node, g, node.float('mask_filter_value', DEFAULT_MASK_FILTER)));
  if (node.has(5)) biases.push(toFloat(g, node.input(5), floatType));
  const context = attentionCore(g, {
    q, k, v, heads, kvHeads: heads, floatType, biases,
    scale: node.float('scale', 0) || 1 / Math.sqrt(qSize / heads),
    softcap: 0,
    causal: node.int('unidirectional', 0) !== 0,
    localWindow: -1,
  });
  mergeHeads(g, context, floatType, node.output(0));
}

/** Q, K and V widths: qkv_hidden_sizes, or the weights' columns in three equal parts. */
function hiddenSizes(node: FusedNode): [number, number, number] {
  const sizes = node.ints('qkv_hidden_sizes');
  if (sizes) {
    if (sizes.length !== 3) node.refuse(`qkv_hidden_sizes of ${sizes.length} values`);
    return [sizes[0], sizes[1], sizes[2]];
  }
  const columns = node.dims(node.input(1))?.[1];
  if (columns === undefined || columns % 3 !== 0) node.refuse('weights whose width the graph does not declare, and no qkv_hidden_sizes');
  return [columns / 3, columns / 3, columns / 3];
}

/** mask_index as an additive bias: a raw 0/1 mask per key [B, T] or per query and key [B, S, T]. */
function maskIndexBias(node: FusedNode, g: Subgraph, filter: number): string {
  const rank = node.rank(node.input(3));
  if (rank === 2 || rank === 3) return keepMaskBias(g, node.input(3), rank, filter);
  if (rank === 1) return node.refuse('a 1-D mask_index (key lengths or left-padding offsets)');
  if (rank === 4) return node.refuse('a 4-D mask_index (Megatron layout)');
  return node.refuse('a mask_index whose rank the graph does not declare');
}
