import { sizeOf } from '@loom/ops';
import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { real } from '../../check.js';
import type { Tensor } from '../../tensor.js';
import { eq } from '../binary/compare.js';
import { div } from '../binary/div.js';
import { mul } from '../binary/mul.js';
import { reshape } from '../shape/reshape.js';
import { randomAxes, reduceArgs } from './_axes.js';
import { sum } from './sum.js';
import { allocUnset } from '../../memory.js';

/**
 * Maximum over `axis` (one, several, or all when absent); NaN wins. `keepDims` keeps reduced axes as size 1.
 *
 * Derivative: the gradient goes to the maximal elements, split evenly among ties (as PyTorch's `amax`).
 *
 * @example
 * ```ts
 * max(tensor([[1, 5], [3, 4]]), 1); // [5, 4]
 * ```
 */
export const max = defineCorePrimitive({
  name: 'max',
  prepare: reduceArgs,
  forward: (k, [x], { axes, shape }) => {
    const out = allocUnset(x!.dtype, sizeOf(shape));
    k.max(x!.data, x!.shape, axes, out);
    return { data: out, shape };
  },
  backward: (gy, { inputs: [x], out, attrs: { axes, keptShape } }): InputGrads => {
    const isMax = eq(x!, reshape(out, keptShape));
    return [mul(reshape(gy, keptShape), div(isMax, sum(isMax, axes, true)))];
  },
  saves: { inputs: [0], output: true },
  check: { inputs: [real()], order: 2, call: randomAxes((x, a, k): Tensor => max(x, a, k)) },
});
