import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { awayFrom } from '../../check.js';
import { mapUnary, oneTensor } from '../_elementwise.js';
import { mul } from '../binary/mul.js';
import { sign } from './sign.js';

/**
 * Absolute value |x|, elementwise.
 *
 * Derivative: sign(x) (so abs'(0) = 0, as in PyTorch).
 *
 * @example
 * ```ts
 * abs(tensor([0.5, 1]));
 * ```
 */
export const abs = defineCorePrimitive({
  name: 'abs',
  prepare: oneTensor,
  forward: (k, [x]) => mapUnary(x!, k.abs),
  backward: (gy, { inputs: [x] }): InputGrads => [mul(gy, sign(x!))],
  saves: { inputs: [0] },
  check: { inputs: [awayFrom(0)], order: 2 },
});
