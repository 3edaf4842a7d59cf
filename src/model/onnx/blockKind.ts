// Runs in Node (CLI inspect, engine worker): self- or cross-attention, by structure. Cross-attention's K comes from
// the encoder's hidden states alone, so its Q reads a graph input (the decoder's own tokens) that K never sees; in
// self-attention, K is made from the same hidden state as Q and sees every input Q sees. (The other way round does
// not work past the first decoder layer: there Q sees the encoder's states too, through the cross-attention before.)
import type { GraphIndex } from './onnxGraph';

const SHAPE_ONLY = new Set(['Shape', 'Size']);

export function blockKind(ix: GraphIndex, q: string, k: string, isPast: (input: string) => boolean): 'self' | 'cross' {
  const fromK = inputsBehind(ix, k);
  const onlyQ = [...inputsBehind(ix, q)].filter((input) => !fromK.has(input) && !isPast(input));
  return onlyQ.length > 0 ? 'cross' : 'self';
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
