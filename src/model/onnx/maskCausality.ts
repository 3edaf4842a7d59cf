// Runs in Node (engine worker, CLI inspect): whether an attention block is causal, read from the structure of the
// mask its graph builds, not from config.json and not from the numbers. We walk back from the Softmax input over
// everything added to, multiplied into or chosen against the scores (stopping at Q·Kᵀ) and look for what only a
// causal mask is made of:
//   - a Trilu (torch.triu / torch.tril of a mask),
//   - a Less / Greater / LessOrEqual / GreaterOrEqual between two tensors that both come from a Range (positions
//     compared with positions, as recent transformers exports and our own opened fused kernels build it),
//   - a constant square buffer that is triangular (GPT-2's `attn.bias`, sliced to the text's length) or a causal band.
// A block whose mask comes only from a [batch, length] padding input is bidirectional; one fed a mask of rank 3 or
// more from outside (Megatron's [B, 1, S, S]) is decided by whoever feeds it, so the graph cannot say.
import type { onnx } from 'onnx-proto';
import { tensorValues } from './constantValue';
import type { AttentionSite } from './findAttention';
import { graphInputs } from './graphInputs';
import { indexGraph, type GraphIndex } from './onnxGraph';

/** causal: the graph masks later keys; bidirectional: only padding, if anything; unknown: the graph cannot tell. */
export type GraphCausality = 'causal' | 'bidirectional' | 'unknown';

const COMPARISONS = new Set(['Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual']);
/** Ops whose output depends only on the shape of their input, never on its values: the walk does not go behind them. */
const SHAPE_ONLY = new Set(['Shape', 'Size']);
const MATMULS = new Set(['MatMul', 'MatMulInteger']);
/** Bounds the walk on large graphs; a mask is built from a few dozen nodes. */
const MAX_NODES = 4000;
/** Larger constant buffers are not read (GPT-2's is 1024 × 1024). */
const MAX_BUFFER = 4096 * 4096;

/** The verdict for the whole model: causal or bidirectional only when every block agrees. */
export function graphCausality(graph: onnx.IGraphProto, sites: readonly AttentionSite[]): GraphCausality {
  const ix = indexGraph(graph);
  const inputRanks = new Map(graphInputs(graph).map((input) => [input.name, input.dims.length]));
  const verdicts = new Set(sites.map((site) => siteCausality(ix, site, inputRanks)));
  return verdicts.size === 1 ? [...verdicts][0] : 'unknown';
}

function siteCausality(ix: GraphIndex, site: AttentionSite, inputRanks: ReadonlyMap<string, number>): GraphCausality {
  const fromRange = new Map<string, boolean>();
  let fedMask = false;
  let causal = false;
  walkBack(ix, site.scores, (node) => {
    const op = node.opType ?? '';
    if (op === 'Trilu') causal = true;
    if (COMPARISONS.has(op)) {
      const [a = '', b = ''] = node.input ?? [];
      if (comesFromRange(ix, a, fromRange) && comesFromRange(ix, b, fromRange)) causal = true;
    }
  }, (tensor) => {
    const rank = inputRanks.get(tensor);
    if (rank !== undefined && rank >= 3) fedMask = true;
    const constant = ix.initializer(tensor) ?? constantTensor(ix, tensor);
    if (constant && isTriangular(constant)) causal = true;
  });
  return causal ? 'causal' : fedMask ? 'unknown' : 'bidirectional';
}

/**
 * Visits every node the scores depend on, back to (not into) the Q·Kᵀ product, and every leaf tensor reached
 * (graph inputs, initializers, Constant outputs). Nothing behind a Shape is visited: it reads no values.
 */
function walkBack(ix: GraphIndex, start: string, onNode: (node: onnx.INodeProto) => void, onLeaf: (tensor: string) => void): void {
  const seen = new Set<string>([start]);
  const stack = [start];
  let visited = 0;
  while (stack.length > 0 && visited++ < MAX_NODES) {
    const tensor = stack.pop()!;
    const node = ix.producer(tensor);
    if (!node || node.opType === 'Constant') {
      onLeaf(tensor);
      continue;
    }
    const op = node.opType ?? '';
    const inputs = node.input ?? [];
    const product = MATMULS.has(op) && !ix.isStatic(inputs[0] ?? '') && !ix.isStatic(inputs[1] ?? '');
    if (product || SHAPE_ONLY.has(op) || op === 'Softmax') continue;
    onNode(node);
    for (const input of inputs) {
      if (input === '' || seen.has(input)) continue;
      seen.add(input);
      stack.push(input);
    }
  }
}

/** The tensor is computed from a Range (positions), through any arithmetic. */
function comesFromRange(ix: GraphIndex, tensor: string, memo: Map<string, boolean>, depth = 0): boolean {
  const known = memo.get(tensor);
  if (known !== undefined) return known;
  memo.set(tensor, false);
  const node = ix.producer(tensor);
  const found = node !== undefined && depth < 16 && (node.opType === 'Range' ||
    (node.input ?? []).some((input) => input !== '' && comesFromRange(ix, input, memo, depth + 1)));
  memo.set(tensor, found);
  return found;
}

function constantTensor(ix: GraphIndex, tensor: string): onnx.ITensorProto | undefined {
  const node = ix.producer(tensor);
  return node?.opType === 'Constant' ? (node.attribute?.find((a) => a.name === 'value')?.t ?? undefined) : undefined;
}

/**
 * A square matrix in its last two axes (2 × 2 at least) with one value everywhere above the diagonal and another on
 * it: a lower-triangular keep-mask (1 / 0, true / false) or an upper-triangular bias (0 / −∞). Below the diagonal
 * either value may appear, so a causal band (GPT-Neo's local layers, which also hide keys too far back) counts too.
 * Leading axes must be 1, as in a buffer broadcast over batch and heads.
 */
export function isTriangular(tensor: onnx.ITensorProto): boolean {
  const dims = (tensor.dims ?? []).map(Number);
  const n = dims[dims.length - 1];
  if (dims.length < 2 || n < 2 || dims[dims.length - 2] !== n || dims.slice(0, -2).some((d) => d !== 1) || n * n > MAX_BUFFER) {
    return false;
  }
  const values = tensorValues(tensor);
  if (!values || values.length !== n * n) return false;
  const hidden = values[1];
  const seen = values[0];
  if (Object.is(hidden, seen)) return false;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const value = values[i * n + j];
      const fits = j > i ? Object.is(value, hidden) : j === i ? Object.is(value, seen) : Object.is(value, hidden) || Object.is(value, seen);
      if (!fits) return false;
    }
  }
  return true;
}
