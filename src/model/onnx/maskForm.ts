// Runs in Node (engine worker, CLI inspect): how a graph reads a mask or id input, found by structure.
// A float mask is either added to the scores (0 keeps, a large negative number hides) or multiplies them
// (1 keeps, 0 hides); a bool mask chooses in a Where. We follow the input to the first op that uses its values.
import type { onnx } from 'onnx-proto';
import { indexGraph, type GraphIndex } from './onnxGraph';

/** additive: 0 keeps, a very negative value hides. keep: 1 (or true) keeps, 0 (false) hides. hide: true hides. */
export type MaskForm = 'additive' | 'keep' | 'hide';

/** Ops that move or reshape values without using them. */
const PASS_THROUGH = new Set(['Slice', 'Cast', 'Unsqueeze', 'Reshape', 'Expand', 'Squeeze', 'Identity', 'Transpose', 'Flatten', 'Gather']);
const MAX_DEPTH = 10;

export function maskForm(graph: onnx.IGraphProto, input: string, ix: GraphIndex = indexGraph(graph)): MaskForm {
  let frontier = [input];
  for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const tensor of frontier) {
      for (const node of ix.consumers(tensor)) {
        const op = node.opType ?? '';
        if (PASS_THROUGH.has(op) && node.input?.[0] === tensor) {
          next.push(...(node.output ?? []).slice(0, 1));
          continue;
        }
        if (op === 'Add') return 'additive';
        if (op === 'Where' && node.input?.[0] === tensor) return ix.isStatic(node.input?.[1] ?? '') ? 'hide' : 'keep';
        return 'keep'; // Mul, Sub(1, mask), Not, Equal…: a 0/1 mask
      }
    }
    frontier = next;
  }
  return 'keep';
}

/** Rows of the table an id input indexes (the embedding table's size), when a Gather on an initializer shows it. */
export function tableRowsFor(graph: onnx.IGraphProto, input: string, ix: GraphIndex = indexGraph(graph)): number | undefined {
  const sizes = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', (t.dims ?? []).map(Number)]));
  let frontier = [input];
  for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const tensor of frontier) {
      for (const node of ix.consumers(tensor)) {
        const op = node.opType ?? '';
        if (op === 'Gather' && node.input?.[1] === tensor) {
          // A 2-D table is the embedding; a 1-D one remaps ids first (the embedded model's id → row map), and the
          // ids must fit it, not the embedding behind it.
          const dims = sizes.get(node.input?.[0] ?? '');
          if (dims?.length === 2 || dims?.length === 1) return dims[0];
        }
        if (op === 'EmbedLayerNormalization') {
          const dims = sizes.get(node.input?.[2] ?? '');
          if (dims?.length === 2) return dims[0];
        }
        if (PASS_THROUGH.has(op)) next.push(...(node.output ?? []).slice(0, 1));
      }
    }
    frontier = next;
  }
  return undefined;
}
