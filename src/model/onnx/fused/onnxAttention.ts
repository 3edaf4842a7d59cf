// Runs in the engine worker (Node): the ONNX standard Attention (opset 23) in plainer standard operators:
// Q, K, V per head [B, heads, S, D] or as [B, S, hidden] with q_num_heads/kv_num_heads; grouped K/V heads;
// attn_mask (boolean: true attends; float: added); is_causal; scale; softcap; past_key/past_value.
import { onnx } from 'onnx-proto';
import { attentionCore, LOWEST_FLOAT, mergeHeads, splitHeads, toFloat } from './attentionCore';
import type { FusedNode } from './fusedNode';
import type { Subgraph } from './subgraph';

const { BOOL, FLOAT } = onnx.TensorProto.DataType;

export function openOnnxAttention(node: FusedNode, g: Subgraph): void {
  if (node.has(6)) node.refuse('nonpad_kv_seqlen');
  if (node.output(3)) node.refuse('the qk_matmul_output output');
  if (node.has(4) !== node.has(5)) node.refuse('only one of past_key and past_value');
  const floatType = node.elementType(node.input(0)) ?? node.refuse('a Q whose element type the graph does not declare');
  const qHeads = node.int('q_num_heads', 0);
  const kvHeadsAttribute = node.int('kv_num_heads', 0);
  const perHead = (node.rank(node.input(0)) ?? (qHeads > 0 ? 3 : 4)) === 4;
  const heads = qHeads || node.dims(node.input(0))?.[1];
  const kvHeads = kvHeadsAttribute || node.dims(node.input(1))?.[1] || heads;
  if (!perHead && (qHeads <= 0 || kvHeadsAttribute <= 0)) node.refuse('3-D inputs without q_num_heads and kv_num_heads');
  if (heads === undefined || kvHeads === undefined) node.refuse('per-head inputs whose head counts the graph does not declare');

  const q = perHead ? node.input(0) : splitHeads(g, node.input(0), heads);
  let k = perHead ? node.input(1) : splitHeads(g, node.input(1), kvHeads);
  let v = perHead ? node.input(2) : splitHeads(g, node.input(2), kvHeads);
  if (node.has(4)) {
    k = g.op('Concat', [node.input(4), k], { axis: 2 });
    v = g.op('Concat', [node.input(5), v], { axis: 2 });
  }
  if (node.output(1)) g.op('Identity', [k], {}, [node.output(1)]);
  if (node.output(2)) g.op('Identity', [v], {}, [node.output(2)]);

  const softcap = node.float('softcap', 0);
  const biases = node.has(3) ? [maskBias(node, g, floatType, softcap)] : [];
  const context = attentionCore(g, {
    q, k, v, heads, kvHeads, floatType, biases, softcap,
    scale: node.float('scale', 0) || undefined,
    causal: node.int('is_causal', 0) !== 0,
    localWindow: -1,
  });
  if (!perHead) {
    mergeHeads(g, context, floatType, node.output(0));
    return;
  }
  if (floatType === FLOAT) g.op('Identity', [context], {}, [node.output(0)]);
  else g.op('Cast', [context], { to: floatType }, [node.output(0)]);
}

/** A boolean mask (true attends) becomes 0 / lowest; a float mask is added as it is. */
function maskBias(node: FusedNode, g: Subgraph, floatType: number, softcap: number): string {
  const mask = node.input(3);
  const type = node.elementType(mask);
  if (type === undefined) return node.refuse('an attn_mask whose element type the graph does not declare');
  if (type !== BOOL) return toFloat(g, mask, floatType);
  if (softcap > 0) node.refuse('a boolean attn_mask together with softcap');
  return g.op('Where', [mask, g.scalar(0), g.scalar(LOWEST_FLOAT)]);
}
