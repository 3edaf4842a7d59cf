// Runs in the engine worker (Node): rotary position embedding in standard operators, as GroupQueryAttention applies
// it with do_rotary: the first R = 2·cos_cache.width dimensions of each head turn by the angles of their position;
// rotate_half pairs dimension i with i + R/2, the interleaved form pairs 2i with 2i + 1. Computed in float32.
import { toFloat } from './attentionCore';
import { range, type Subgraph } from './subgraph';

export interface RotaryTables {
  /** cos and sin rows for the positions, float32, broadcastable to [B, heads, S, R/2]. */
  readonly cos: string;
  readonly sin: string;
  /** R/2. */
  readonly half: number;
  readonly interleaved: boolean;
}

/**
 * The cos/sin rows of `positions`: a [S] list of positions shared by the batch, or position ids [B, S].
 * `floatType` is the caches' element type.
 */
export function rotaryTables(g: Subgraph, caches: { cos: string; sin: string; half: number }, positions: string,
  perBatch: boolean, floatType: number, interleaved: boolean): RotaryTables {
  const rows = (cache: string) => {
    const gathered = toFloat(g, g.op('Gather', [cache, positions], { axis: 0 }), floatType);
    // [B, S, R/2] → [B, 1, S, R/2] so the heads broadcast; [S, R/2] broadcasts as it is.
    return perBatch ? g.insertAxis(gathered, 3, 1) : gathered;
  };
  return { cos: rows(caches.cos), sin: rows(caches.sin), half: caches.half, interleaved };
}

/** Rotates [B, heads, S, D] (float32); dimensions past R pass through unchanged. */
export function applyRotary(g: Subgraph, x: string, t: RotaryTables): string {
  const { cos, sin, half } = t;
  const turn = (a: string, b: string) => ({
    first: g.op('Sub', [g.op('Mul', [a, cos]), g.op('Mul', [b, sin])]),
    second: g.op('Add', [g.op('Mul', [b, cos]), g.op('Mul', [a, sin])]),
  });
  const rest = g.sliceFrom(x, 3, 2 * half);
  if (!t.interleaved) {
    const { first, second } = turn(g.take(x, 3, 0, half), g.take(x, 3, half, 2 * half));
    return g.op('Concat', [first, second, rest], { axis: 3 });
  }
  const even = g.op('Gather', [x, g.ints(range(0, half).map((i) => 2 * i))], { axis: 3 });
  const odd = g.op('Gather', [x, g.ints(range(0, half).map((i) => 2 * i + 1))], { axis: 3 });
  const { first, second } = turn(even, odd);
  const pairs = g.op('Concat', [g.reshape(first, [0, 0, 0, -1, 1]), g.reshape(second, [0, 0, 0, -1, 1])], { axis: 4 });
  return g.op('Concat', [g.reshape(pairs, [0, 0, 0, -1]), rest], { axis: 3 });
}
