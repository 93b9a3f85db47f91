import { sizeOf } from '@loom/ops';
import { normalizeAxis, toTensors, type TensorLike } from '../../convert.js';
import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { randomShape, real, type Pick } from '../../check.js';
import type { Tensor } from '../../tensor.js';
import { scatterAdd } from './scatter-add.js';
import { splitAt, toIndices, type Indices } from './_indices.js';
import { allocUnset } from '../../memory.js';

/**
 * Takes entries of `x` along `axis` (0 by default) at `indices` (NumPy's `take`, PyTorch's `index_select` for
 * 1-D indices): the output shape is `x.shape[:axis] + indices.shape + x.shape[axis+1:]`. Embedding lookup is
 * `gather(table, tokenIds)`.
 *
 * Derivative: the output gradient scattered back with {@link scatterAdd}; repeated indices accumulate.
 *
 * @example
 * ```ts
 * gather(tensor([[1, 2], [3, 4], [5, 6]]), [2, 0]); // [[5, 6], [1, 2]]
 * ```
 */
export const gather = defineCorePrimitive({
  name: 'gather',
  prepare: (op: string, x: TensorLike, indices: Indices, axis: number = 0) => {
    const [t] = toTensors(op, ['x'], [x]);
    const a = normalizeAxis(op, axis, t!.rank);
    const { index, shape: indexShape } = toIndices(op, indices, t!.shape[a]!);
    const shape = [...t!.shape.slice(0, a), ...indexShape, ...t!.shape.slice(a + 1)];
    return { inputs: [t!], attrs: { axis: a, index, indexRank: indexShape.length, shape } };
  },
  forward: (k, [x], { axis, index, shape }) => {
    const [outer, size, inner] = splitAt(x!.shape, axis);
    const out = allocUnset(x!.dtype, sizeOf(shape));
    k.gather(x!.data, outer, size, inner, index, out);
    return { data: out, shape };
  },
  backward: (gy, { inputs: [x], attrs: { axis, index, shape, indexRank } }): InputGrads => [
    scatterAdd(gy, index, axis, x!.shape[axis]!, shape.slice(axis, axis + indexRank)),
  ],
  saves: {},
  check: {
    inputs: [real()],
    order: 2,
    shapes: (pick: Pick) => [randomShape(pick, 1)],
    call: ([x]: Tensor[], pick: Pick): Tensor | Tensor[] => {
      const axis = pick.int(0, x!.rank - 1);
      const indices = Array.from({ length: pick.int(1, 5) }, () => pick.int(0, x!.shape[axis]! - 1));
      return gather(x!, indices, axis);
    },
  },
});
