import { broadcastStrides, sizeOf, stridesOf } from '@loom/ops';
import { broadcastAll, checkShape, sameShape, toTensors, type TensorLike } from '../../convert.js';
import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { ShapeError, fmtShape } from '../../errors.js';
import { real, type Pick } from '../../check.js';
import type { Tensor } from '../../tensor.js';
import { allocUnset } from '../../memory.js';

/**
 * Broadcasts `x` to `shape` (NumPy's `broadcast_to`): size-1 and missing leading axes repeat.
 *
 * Derivative: the output gradient summed back over the repeated axes (the tape's `sumTo` does it).
 *
 * @example
 * ```ts
 * expand(tensor([1, 2]), [3, 2]); // [[1, 2], [1, 2], [1, 2]]
 * ```
 */
export const expand = defineCorePrimitive({
  name: 'expand',
  prepare: (op: string, x: TensorLike, shape: readonly number[]) => {
    const [t] = toTensors(op, ['x'], [x]);
    const target = checkShape(op, shape);
    if (!sameShape(broadcastAll(op, ['x', 'shape'], [t!.shape, target]), target)) {
      throw new ShapeError(`${op}: cannot broadcast ${fmtShape(t!.shape)} to ${fmtShape(target)}`);
    }
    return { inputs: [t!], attrs: target };
  },
  forward: (k, [x], shape) => {
    if (sameShape(x!.shape, shape)) return { data: x!.data, shape };
    const out = allocUnset(x!.dtype, sizeOf(shape));
    if (x!.size === 1) return { data: out.fill(x!.data[0]!), shape }; // sum's backward: one value everywhere
    k.copy(x!.data, { offset: 0, strides: broadcastStrides(x!.shape, shape) }, out, { offset: 0, strides: stridesOf(shape) }, shape);
    return { data: out, shape };
  },
  backward: (gy): InputGrads => [gy],
  saves: {},
  check: {
    inputs: [real()],
    order: 2,
    call: ([x]: Tensor[], pick: Pick): Tensor | Tensor[] =>
      expand(x!, [pick.int(1, 3), ...x!.shape.map((d) => (d === 1 ? pick.int(1, 3) : d))]),
  },
});
