import { defineCorePrimitive, type InputGrads } from '../../define.js';
import { awayFrom } from '../../check.js';
import { mapUnary, oneTensor } from '../_elementwise.js';

/**
 * Sign: −1, 0 or 1 (NaN stays NaN), elementwise.
 *
 * Derivative: 0 everywhere it exists; no gradient flows.
 *
 * @example
 * ```ts
 * sign(tensor([0.5, 1]));
 * ```
 */
export const sign = defineCorePrimitive({
  name: 'sign',
  prepare: oneTensor,
  forward: (k, [x]) => mapUnary(x!, k.sign),
  backward: (): InputGrads => [null],
  saves: {},
  check: { inputs: [awayFrom(0)], order: 2 },
});
