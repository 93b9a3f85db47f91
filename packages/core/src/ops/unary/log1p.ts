import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { real } from '../../check.js';
import { mapUnary, oneTensor } from '../_elementwise.js';
import { add } from '../binary/add.js';
import { safeDiv } from '../binary/safe-div.js';

/**
 * ln(1 + x), accurate for small x, elementwise.
 *
 * Derivative: 1/(1 + x).
 *
 * @example
 * ```ts
 * log1p(tensor([0.5, 1]));
 * ```
 */
export const log1p = defineCorePrimitive({
  name: 'log1p',
  prepare: oneTensor,
  forward: (k, [x]) => mapUnary(x!, k.log1p),
  backward: (gy, { inputs: [x] }): InputGrads => [safeDiv(gy, add(x!, 1))],
  saves: { inputs: [0] },
  check: { inputs: [real(-0.5, 2)], order: 2 },
});
