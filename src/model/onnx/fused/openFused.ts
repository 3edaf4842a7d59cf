// Runs in the engine worker (Node): replaces every fused attention node of a graph by the standard operators it
// stands for (prompt case), so that attention can be found and exposed as in any other graph. The graph's own
// outputs keep their names and their values (tests hold them to the fused graph's within 1e-4 in float32).
import type { onnx } from 'onnx-proto';
import { indexGraph } from '../onnxGraph';
import { openContribAttention } from './contribAttention';
import { FusedNode, typeTable } from './fusedNode';
import { openGroupQueryAttention } from './groupQueryAttention';
import { openMultiHeadAttention } from './multiHeadAttention';
import { openOnnxAttention } from './onnxAttention';
import { Subgraph } from './subgraph';

type Opener = (node: FusedNode, g: Subgraph) => void;

/** The opened-up nodes use Range (opset 11) and Slice with inputs (opset 10). */
const MIN_OPSET = 11;

/** Keyed by `domain/opType`; the ONNX domain is written '' or 'ai.onnx'. */
const OPENERS: ReadonlyMap<string, Opener> = new Map([
  ['com.microsoft/Attention', openContribAttention],
  ['com.microsoft/MultiHeadAttention', openMultiHeadAttention],
  ['com.microsoft/GroupQueryAttention', openGroupQueryAttention],
  ['/Attention', openOnnxAttention],
  ['ai.onnx/Attention', openOnnxAttention],
]);

/** One fused node that was opened up: its operator ("com.microsoft.Attention") and its name. */
export interface OpenedNode {
  readonly op: string;
  readonly name: string;
}

/**
 * Opens up the fused attention nodes in place and returns them in graph order.
 * Throws UnsupportedFusedNode for an attribute combination not implemented.
 */
export function openFusedAttention(model: onnx.IModelProto): OpenedNode[] {
  const graph = model.graph ?? {};
  const nodes = graph.node ?? [];
  if (!nodes.some((node) => OPENERS.has(keyOf(node)))) return [];
  const opset = defaultOpset(model);
  const ix = indexGraph(graph);
  const types = typeTable(graph);
  const opened: OpenedNode[] = [];
  const replaced: onnx.INodeProto[] = [];
  for (const node of nodes) {
    const opener = OPENERS.get(keyOf(node));
    if (!opener) {
      replaced.push(node);
      continue;
    }
    const fused = new FusedNode(node, ix, types);
    if (opset < MIN_OPSET) fused.refuse(`opset ${opset} (opening it up needs opset ${MIN_OPSET} or later, for Range)`);
    const g = new Subgraph(fused.name);
    opener(fused, g);
    replaced.push(...g.nodes);
    opened.push({ op: fused.opType, name: fused.name });
  }
  graph.node = replaced;
  return opened;
}

/** The fused operator an attention block was opened from, by the name of its Softmax; undefined for a standard block. */
export function fusedOrigin(opened: readonly OpenedNode[], softmaxNode: string): string | undefined {
  return opened.find((node) => softmaxNode.startsWith(`${Subgraph.prefixOf(node.name)}/`))?.op;
}

function defaultOpset(model: onnx.IModelProto): number {
  const entry = model.opsetImport?.find((o) => !o.domain || o.domain === 'ai.onnx');
  return Number(entry?.version ?? 0);
}

function keyOf(node: onnx.INodeProto): string {
  return `${node.domain ?? ''}/${node.opType ?? ''}`;
}
