import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { real } from '../../check.js';
import { mapUnary, oneTensor } from '../_elementwise.js';

/**
 * Negation −x, elementwise.
 *
 * Derivative: −1.
 *
 * @example
 * ```ts
 * neg(tensor([0.5, 1]));
 * ```
 */
export const neg = defineCorePrimitive({
  name: 'neg',
  prepare: oneTensor,
  forward: (k, [x]) => mapUnary(x!, k.neg),
  backward: (gy): InputGrads => [neg(gy)],
  saves: {},
  check: { inputs: [real()], order: 2 },
});
