import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { real } from '../../check.js';
import { mapUnary, oneTensor } from '../_elementwise.js';
import { mul } from '../binary/mul.js';

/**
 * Exponential eˣ, elementwise.
 *
 * Derivative: eˣ, the output itself.
 *
 * @example
 * ```ts
 * exp(tensor([0.5, 1]));
 * ```
 */
export const exp = defineCorePrimitive({
  name: 'exp',
  prepare: oneTensor,
  forward: (k, [x]) => mapUnary(x!, k.exp),
  backward: (gy, { out }): InputGrads => [mul(gy, out)],
  saves: { output: true },
  check: { inputs: [real()], order: 2 },
});
