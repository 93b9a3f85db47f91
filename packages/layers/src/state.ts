import { Tensor } from '@loom/core';
import type { State } from './cell.js';

/** Applies `f` to matching tensors of two states of the same structure (a tensor, or tuples of tensors). */
export function mapState<S extends State>(a: S, b: S, f: (x: Tensor, y: Tensor) => Tensor): S {
  if (a instanceof Tensor) return f(a, b as Tensor) as S;
  return (a as readonly Tensor[]).map((x, i) => f(x, (b as readonly Tensor[])[i]!)) as unknown as S;
}

/** The shapes of a state, printed as messages show them: `[2,4]` or `([2,4], [2,4])`. */
export function shapesOf(s: State): string {
  const one = (t: Tensor) => `[${t.shape.join(',')}]`;
  return s instanceof Tensor ? one(s) : `(${s.map(one).join(', ')})`;
}
