import { sizeOf } from '@loom/ops';
import { checkShape, toTensors, type TensorLike } from '../../convert.js';
import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { ShapeError, fmtShape } from '../../errors.js';
import { real, type Pick } from '../../check.js';
import type { Tensor } from '../../tensor.js';

/**
 * The same elements in row-major order with a new shape; one size may be −1 and is then inferred. No copy.
 *
 * Derivative: the output gradient reshaped back.
 *
 * @example
 * ```ts
 * reshape(arange(6), [2, -1]); // [[0, 1, 2], [3, 4, 5]]
 * ```
 */
export const reshape = defineCorePrimitive({
  name: 'reshape',
  prepare: (op: string, x: TensorLike, shape: readonly number[]) => {
    const [t] = toTensors(op, ['x'], [x]);
    return { inputs: [t!], attrs: inferShape(op, t!.shape, shape) };
  },
  forward: (_k, [x], shape) => ({ data: x!.data, shape }),
  backward: (gy, { inputs: [x] }): InputGrads => [reshape(gy, x!.shape)],
  saves: {},
  check: {
    inputs: [real()],
    order: 2,
    call: ([x]: Tensor[], pick: Pick): Tensor | Tensor[] => reshape(x!, pick.int(0, 1) ? [x!.size] : [1, ...x!.shape, 1]),
  },
});

function inferShape(op: string, from: readonly number[], to: readonly number[]): readonly number[] {
  const free = to.filter((d) => d === -1).length;
  const known = sizeOf(
    checkShape(
      op,
      to.filter((d) => d !== -1),
    ),
  );
  const total = sizeOf(from);
  if (free > 1 || (free === 1 ? known === 0 || total % known !== 0 : known !== total)) {
    throw new ShapeError(`${op}: cannot reshape ${fmtShape(from)} (${total} elements) to ${fmtShape(to)}`);
  }
  return to.map((d) => (d === -1 ? total / known : d));
}
