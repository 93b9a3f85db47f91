import { sizeOf } from '@loom/ops';
import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { real } from '../../check.js';
import type { Tensor } from '../../tensor.js';
import { expand } from '../shape/expand.js';
import { reshape } from '../shape/reshape.js';
import { randomAxes, reduceArgs } from './_axes.js';
import { allocUnset } from '../../memory.js';

/**
 * Sum over `axis` (one, several, or all when absent); `keepDims` keeps reduced axes as size 1.
 *
 * Derivative: the output gradient, broadcast back over the reduced axes.
 *
 * @example
 * ```ts
 * sum(tensor([[1, 2], [3, 4]]), 0);   // [4, 6]
 * sum(tensor([[1, 2], [3, 4]]));      // 10
 * ```
 */
export const sum = defineCorePrimitive({
  name: 'sum',
  prepare: reduceArgs,
  forward: (k, [x], { axes, shape }) => {
    const out = allocUnset(x!.dtype, sizeOf(shape));
    k.sum(x!.data, x!.shape, axes, out);
    return { data: out, shape };
  },
  backward: (gy, { inputs: [x], attrs }): InputGrads => [expand(reshape(gy, attrs.keptShape), x!.shape)],
  saves: {},
  check: { inputs: [real()], order: 2, call: randomAxes((x, a, k): Tensor => sum(x, a, k)) },
});
