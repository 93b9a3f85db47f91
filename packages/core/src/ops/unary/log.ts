import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { positive } from '../../check.js';
import { mapUnary, oneTensor } from '../_elementwise.js';
import { safeDiv } from '../binary/safe-div.js';

/**
 * Natural logarithm ln x, elementwise.
 *
 * Derivative: 1/x (a zero gradient stays zero at x = 0, see {@link safeDiv}).
 *
 * @example
 * ```ts
 * log(tensor([0.5, 1]));
 * ```
 */
export const log = defineCorePrimitive({
  name: 'log',
  prepare: oneTensor,
  forward: (k, [x]) => mapUnary(x!, k.log),
  backward: (gy, { inputs: [x] }): InputGrads => [safeDiv(gy, x!)],
  saves: { inputs: [0] },
  check: { inputs: [positive()], order: 2 },
});
