import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { positive } from '../../check.js';
import { mapUnary, oneTensor } from '../_elementwise.js';
import { mul } from '../binary/mul.js';
import { safeDiv } from '../binary/safe-div.js';

/**
 * Square root √x, elementwise.
 *
 * Derivative: 1/(2√x) (a zero gradient stays zero at x = 0, so `where(x > 0, sqrt(x), 0)` is finite there).
 *
 * @example
 * ```ts
 * sqrt(tensor([0.5, 1]));
 * ```
 */
export const sqrt = defineCorePrimitive({
  name: 'sqrt',
  prepare: oneTensor,
  forward: (k, [x]) => mapUnary(x!, k.sqrt),
  backward: (gy, { out }): InputGrads => [safeDiv(gy, mul(out, 2))],
  saves: { output: true },
  check: { inputs: [positive()], order: 2 },
});
