import { sizeOf, stridesOf } from '@loom/ops';
import { normalizeAxis, toTensors, type TensorLike } from '../../convert.js';
import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { ShapeError } from '../../errors.js';
import { real, type Pick } from '../../check.js';
import type { Tensor } from '../../tensor.js';
import { allocUnset } from '../../memory.js';

/**
 * Permutes the axes: output axis i is input axis `perm[i]`. Without `perm`, swaps the last two axes (the matrix
 * transpose of a batch of matrices); a tensor of rank < 2 is returned as is.
 *
 * Derivative: the output gradient permuted back by the inverse permutation.
 *
 * @example
 * ```ts
 * transpose(tensor([[1, 2, 3]]));            // [[1], [2], [3]]
 * transpose(zeros([2, 3, 4]), [2, 0, 1]).shape; // [4, 2, 3]
 * ```
 */
export const transpose = defineCorePrimitive({
  name: 'transpose',
  prepare: (op: string, x: TensorLike, perm?: readonly number[]) => {
    const [t] = toTensors(op, ['x'], [x]);
    const rank = t!.rank;
    const order = perm === undefined ? swapLastTwo(rank) : perm.map((a) => normalizeAxis(op, a, rank));
    if (order.length !== rank || new Set(order).size !== rank) {
      throw new ShapeError(`${op}: perm [${perm?.join(',')}] is not a permutation of the ${rank} axes of x`);
    }
    return { inputs: [t!], attrs: order };
  },
  forward: (k, [x], perm) => {
    const shape = perm.map((a) => x!.shape[a]!);
    const inStrides = stridesOf(x!.shape);
    const out = allocUnset(x!.dtype, sizeOf(shape));
    k.copy(x!.data, { offset: 0, strides: perm.map((a) => inStrides[a]!) }, out, { offset: 0, strides: stridesOf(shape) }, shape);
    return { data: out, shape };
  },
  backward: (gy, { attrs: perm }): InputGrads => {
    const inverse = new Array<number>(perm.length);
    perm.forEach((a, i) => (inverse[a] = i));
    return [transpose(gy, inverse)];
  },
  saves: {},
  check: {
    inputs: [real()],
    order: 2,
    call: ([x]: Tensor[], pick: Pick): Tensor | Tensor[] => {
      const left = [...Array(x!.rank).keys()];
      const perm = x!.shape.map(() => left.splice(pick.int(0, left.length - 1), 1)[0]!);
      return transpose(x!, perm);
    },
  },
});

function swapLastTwo(rank: number): number[] {
  const order = [...Array(rank).keys()];
  if (rank >= 2) [order[rank - 2], order[rank - 1]] = [rank - 1, rank - 2];
  return order;
}
