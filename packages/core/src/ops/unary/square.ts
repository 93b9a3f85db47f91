import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { real } from '../../check.js';
import { mapBinary, oneTensor } from '../_elementwise.js';
import { mul } from '../binary/mul.js';

/**
 * x², elementwise.
 *
 * Derivative: 2x. A primitive rather than `mul(x, x)`, whose backward makes two products and adds them: in a squared
 * error over a whole sequence ([T, B, H]) that was two extra arrays of the loss's size per step.
 *
 * @example
 * ```ts
 * square(tensor([-2, 3])); // [4, 9]
 * ```
 */
export const square = defineCorePrimitive({
  name: 'square',
  prepare: oneTensor,
  forward: (k, [x]) => mapBinary(k.mul, [x!, x!], x!.shape),
  backward: (gy, { inputs: [x] }): InputGrads => [mul(gy, mul(x!, 2))],
  saves: { inputs: [0] },
  check: { inputs: [real()], order: 2 },
});
