// Runs in Node (CLI inspect): self- or cross-attention, by structure: cross-attention's K comes from graph inputs
// (the encoder's hidden states) that its Q never sees. Past state is left out: it feeds K in self-attention too.
import type { GraphIndex } from './onnxGraph';

const SHAPE_ONLY = new Set(['Shape', 'Size']);

export function blockKind(ix: GraphIndex, q: string, k: string, isPast: (input: string) => boolean): 'self' | 'cross' {
  const fromQ = inputsBehind(ix, q);
  const onlyK = [...inputsBehind(ix, k)].filter((input) => !fromQ.has(input) && !isPast(input));
  return onlyK.length > 0 ? 'cross' : 'self';
}

/** The graph inputs whose values reach `tensor` (through anything but Shape and Size). */
export function inputsBehind(ix: GraphIndex, tensor: string): Set<string> {
  const graphInputs = new Set((ix.graph.input ?? []).map((v) => v.name ?? ''));
  const found = new Set<string>();
  const seen = new Set<string>();
  const stack = [tensor];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name) || name === '') continue;
    seen.add(name);
    if (graphInputs.has(name) && !ix.initializer(name)) {
      found.add(name);
      continue;
    }
    const node = ix.producer(name);
    if (!node || SHAPE_ONLY.has(node.opType ?? '')) continue;
    stack.push(...(node.input ?? []));
  }
  return found;
}
