import { broadcastAll, toTensors, type TensorLike } from '../convert.js';
import { defineCorePrimitive, type InputGrads } from '../define.js';
import { mask, real } from '../check.js';
import { sizeOf } from '@loom/ops';
import { allocUnset } from '../memory.js';

/**
 * Picks `a` where `cond` is nonzero and `b` elsewhere; all three broadcast together.
 *
 * Derivatives: the gradient goes to `a` where cond holds and to `b` elsewhere; `cond` gets none.
 *
 * @example
 * ```ts
 * where(gt(x, 0), sqrt(x), 0); // finite gradient at x = 0 too
 * ```
 */
export const where = defineCorePrimitive({
  name: 'where',
  prepare: (op: string, cond: TensorLike, a: TensorLike, b: TensorLike) => {
    const inputs = toTensors(op, ['cond', 'a', 'b'], [cond, a, b]);
    return {
      inputs,
      attrs: broadcastAll(
        op,
        ['cond', 'a', 'b'],
        inputs.map((t) => t.shape),
      ),
    };
  },
  forward: (k, [c, a, b], shape) => {
    const out = allocUnset(a!.dtype, sizeOf(shape));
    k.where(c!.data, c!.shape, a!.data, a!.shape, b!.data, b!.shape, out, shape);
    return { data: out, shape };
  },
  backward: (gy, { inputs: [c], needs }): InputGrads => [null, needs[1] ? where(c!, gy, 0) : null, needs[2] ? where(c!, 0, gy) : null],
  saves: { inputs: [0] },
  check: { inputs: [mask(), real(), real()], order: 2 },
});
