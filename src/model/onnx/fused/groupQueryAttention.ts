// Runs in the engine worker (Node): com.microsoft.GroupQueryAttention in standard operators: Q, K, V given apart
// or packed ([B, S, (heads + 2·kvHeads)·D]); rotary with the cos/sin caches (do_rotary, rotary_interleaved);
// K/V heads shared by groups of query heads; scale, softcap, causal with an optional local window.
// Prompt case: rows of padding (seqlens_k shorter than the sequence) are not masked apart from causality.
import { onnx } from 'onnx-proto';
import { attentionCore, mergeHeads, splitHeads, toFloat } from './attentionCore';
import type { FusedNode } from './fusedNode';
import { applyRotary, rotaryTables } from './rotary';
import type { Subgraph } from './subgraph';

const { FLOAT } = onnx.TensorProto.DataType;

export function openGroupQueryAttention(node: FusedNode, g: Subgraph): void {
  refuseUnsupported(node);
  const heads = node.int('num_heads', 0);
  const kvHeads = node.int('kv_num_heads', 0);
  if (heads <= 0 || kvHeads <= 0 || heads % kvHeads !== 0) node.refuse(`num_heads=${heads} with kv_num_heads=${kvHeads}`);
  const floatType = node.elementType(node.input(0)) ?? node.refuse('a query whose element type the graph does not declare');
  let { q, k, v } = projections(node, g, heads, kvHeads);
  if (node.int('do_rotary', 0) !== 0) {
    const tables = rotaryFor(node, g, k, floatType);
    q = applyRotary(g, toFloat(g, q, floatType), tables);
    k = applyRotary(g, toFloat(g, k, floatType), tables);
    if (floatType !== FLOAT) {
      q = g.cast(q, floatType);
      k = g.cast(k, floatType);
    }
  }
  if (node.has(3)) {
    k = g.op('Concat', [node.input(3), k], { axis: 2 });
    v = g.op('Concat', [node.input(4), v], { axis: 2 });
  }
  if (node.output(1)) g.op('Identity', [k], {}, [node.output(1)]);
  if (node.output(2)) g.op('Identity', [v], {}, [node.output(2)]);
  const causal = node.int('causal', 1) !== 0;
  const context = attentionCore(g, {
    q, k, v, heads, kvHeads, floatType,
    biases: node.has(10) ? [toFloat(g, node.input(10), floatType)] : [],
    scale: node.float('scale', 0) || undefined,
    softcap: node.float('softcap', 0),
    causal,
    localWindow: causal ? node.int('local_window_size', -1) : -1,
  });
  mergeHeads(g, context, floatType, node.output(0));
}

function refuseUnsupported(node: FusedNode): void {
  if (node.int('smooth_softmax', 0) !== 0) node.refuse('smooth_softmax=1');
  if (node.has(11)) node.refuse('head_sink');
  if (node.int('qk_output', 0) !== 0 || node.output(3)) node.refuse('qk_output');
  if (node.int('sliding_window_cache', 0) !== 0) node.refuse('sliding_window_cache=1');
  if (node.has(12) || node.has(13) || (node.string('k_quant_type') ?? 'NONE') !== 'NONE') node.refuse('a quantized KV cache');
  if (node.has(14) || node.has(15)) node.refuse('q_norm_weight/k_norm_weight');
  if (node.has(10) && node.float('softcap', 0) > 0) node.refuse('attention_bias together with softcap');
  if (node.has(3) !== node.has(4)) node.refuse('only one of past_key and past_value');
}

/** Q [B, heads, S, D], K and V [B, kvHeads, S, D]. */
function projections(node: FusedNode, g: Subgraph, heads: number, kvHeads: number): { q: string; k: string; v: string } {
  if (node.has(1) && node.has(2)) {
    return { q: splitHeads(g, node.input(0), heads), k: splitHeads(g, node.input(1), kvHeads), v: splitHeads(g, node.input(2), kvHeads) };
  }
  if (node.has(1) || node.has(2)) node.refuse('only one of key and value');
  // Packed: the last axis is heads·D | kvHeads·D | kvHeads·D.
  const perHead = g.reshape(node.input(0), [0, 0, heads + 2 * kvHeads, -1]);
  const part = (start: number, count: number) => g.transpose(g.take(perHead, 2, start, start + count), [0, 2, 1, 3]);
  return { q: part(0, heads), k: part(heads, kvHeads), v: part(heads + kvHeads, kvHeads) };
}

/** cos/sin rows for the new tokens: position_ids when given, else the positions after the past ones. */
function rotaryFor(node: FusedNode, g: Subgraph, k: string, floatType: number) {
  if (!node.has(7) || !node.has(8)) node.refuse('do_rotary=1 without cos_cache and sin_cache');
  const half = node.dims(node.input(7))?.[1];
  if (half === undefined) node.refuse('a cos_cache whose width the graph does not declare');
  const interleaved = node.int('rotary_interleaved', 0) !== 0;
  const caches = { cos: node.input(7), sin: node.input(8), half };
  if (node.has(9)) return rotaryTables(g, caches, node.input(9), true, floatType, interleaved);
  const past = node.has(3) ? g.dim(node.input(3), 2) : g.ints(0);
  const positions = g.op('Range', [past, g.op('Add', [past, g.dim(k, 2)]), g.ints(1)]);
  return rotaryTables(g, caches, positions, false, floatType, interleaved);
}
